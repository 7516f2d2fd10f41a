import ReinSyntax

/// Writes a ``JSONValue`` as compact JSON, members in their order (so output is as
/// deterministic as the value): what replay results, cards and PIM requests are printed with.
public enum JSONWriter {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// The value as JSON: compact, or with `pretty` one member or item per line, indented by two
    /// spaces, `": "` after each key (for people reading `rein render --pretty`).
    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        guard pretty else { return String(decoding: encode(value), as: UTF8.self) }
        var out: [UInt8] = []
        appendPretty(value, indent: 0, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendPretty(_ value: JSONValue, indent: Int, to out: inout [UInt8]) {
        func newline(_ level: Int) {
            out.append(0x0A)
            out += repeatElement(0x20, count: 2 * level)
        }
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(indent + 1)
                appendPretty(item, indent: indent + 1, to: &out)
            }
            newline(indent)
            out.append(0x5D)
        case .object(let object) where !object.entries.isEmpty:
            out.append(0x7B)
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out.append(0x2C) }
                newline(indent + 1)
                JSONString.append(entry.key, to: &out)
                out += ": ".utf8
                appendPretty(entry.value, indent: indent + 1, to: &out)
            }
            newline(indent)
            out.append(0x7D)
        default:
            append(value, to: &out)
        }
    }

    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .string(let text): JSONString.append(text, to: &out)
        case .integer(let number): out += String(number).utf8
        case .number(let text): out += text.utf8
        case .array(let items):
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                append(item, to: &out)
            }
            out.append(0x5D)
        case .object(let object):
            out.append(0x7B)
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out.append(0x2C) }
                JSONString.append(entry.key, to: &out)
                out.append(0x3A)
                append(entry.value, to: &out)
            }
            out.append(0x7D)
        }
    }
}

extension JSONObject {
    /// An object from key/value pairs, in order (keys are assumed distinct).
    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.init(entries: pairs.map { (key: $0.key, value: $0.value) })
    }
}
