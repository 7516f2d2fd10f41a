import ReinEngine

/// The YAML 1.2 core schema for plain scalars (docs/FORMATS.md §3): only `true`/`True`/`TRUE` and
/// `false`/`False`/`FALSE` are booleans (`yes`, `no`, `on` are strings); `~`, `null`, `Null`,
/// `NULL` and the empty scalar are null; decimal (`010` is 10), `0o` octal and `0x` hex are
/// integers; numbers with a fraction or exponent, `.inf` and `.nan` are floats; anything else
/// (`1:30`, a time) is a string. Quoted scalars are always strings.
enum IncidentSchema {
    /// A plain scalar's JSON value.
    static func resolve(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let integer = integer(text) { return integer }
        if isFloat(text) { return .number(text) }
        return .string(text)
    }

    private static func integer(_ text: String) -> JSONValue? {
        var digits = Substring(text)
        var radix = 10
        if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.first == "-" || digits.first == "+" {
            guard digits.count > 1, digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(digits).map(JSONValue.integer) ?? .number(text)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isHexDigit && (radix == 16 || $0.isNumber) }) else {
            return nil
        }
        if radix == 8, digits.contains(where: { $0 == "8" || $0 == "9" }) { return nil }
        return Int64(digits, radix: radix).map(JSONValue.integer) ?? .number(text)
    }

    private static func isFloat(_ text: String) -> Bool {
        if [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"].contains(text) {
            return true
        }
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let digits = { (slice: inout ArraySlice<UInt8>) -> Int in
            let count = slice.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            slice = slice.dropFirst(count)
            return count
        }
        let whole = digits(&bytes)
        var fraction = 0
        var dot = false
        if bytes.first == UInt8(ascii: ".") {
            dot = true
            bytes = bytes.dropFirst()
            fraction = digits(&bytes)
        }
        guard whole > 0 || fraction > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits(&bytes) > 0 else { return false }
            return bytes.isEmpty
        }
        return bytes.isEmpty && dot
    }

    /// A document value as JSON: plain scalars resolved, quoted ones strings; keys as written.
    static func json(_ value: DocValue) -> JSONValue {
        switch value.kind {
        case .scalar(let text, let quoted): return quoted ? .string(text) : resolve(text)
        case .sequence(let items): return .array(items.map(json))
        case .mapping(let pairs):
            return .object(JSONObject(entries: pairs.map { pair in
                let key: String
                if case .scalar(let text, _) = pair.key.kind { key = text } else { key = "" }
                return (key: key, value: json(pair.value))
            }))
        }
    }
}
