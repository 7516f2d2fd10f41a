import ReinSyntax

/// Writes a ``JSONValue`` as compact JSON, members in their order (so output is as
/// deterministic as the value): what replay results, cards and PIM requests are printed with.
public enum JSONWriter {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
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
