/// The canonical JSON of a value (RFC 8785, JSON Canonicalization Scheme): no whitespace,
/// object members sorted by their keys' UTF-16 code units, strings with only the escapes JSON
/// requires (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`), numbers as
/// ECMAScript writes the IEEE double. What approval digests and the audit chain hash.
///
/// Fails (nil) where the scheme has no answer, rather than hashing something ambiguous: a
/// number that is not finite as a double, and an integer beyond ±2⁵³ that is not written as
/// the scheme writes its double (9007199254740993: a double cannot hold it, and it would hash
/// like 9007199254740992; 150000000000000000 is its own double's form, and stays). Duplicate
/// keys are not canonical either: an object holding one fails. What this writes, read back,
/// is written again unchanged.
public enum CanonicalJSON {
    /// The canonical UTF-8 of `value`, or nil (see above).
    public static func encode(_ value: JSONValue) -> [UInt8]? {
        var out: [UInt8] = []
        return append(value, to: &out, depth: 0, keepingNumbers: false) ? out : nil
    }

    /// As ``encode(_:)``, for a record that must keep every entry (the audit log): a number the
    /// scheme has no form for is written as a string of its digits as received
    /// (`"9007199254740993"`, `"1e400"`), so that the entry is kept and reads back as what was
    /// hashed. Nil only for a duplicate key or nesting deeper than 256, which no reader lets in.
    public static func encodeKeepingNumbers(_ value: JSONValue) -> [UInt8]? {
        var out: [UInt8] = []
        return append(value, to: &out, depth: 0, keepingNumbers: true) ? out : nil
    }

    /// Deeper values fail rather than recurse without bound.
    static let maxDepth = 256

    private static func append(_ value: JSONValue, to out: inout [UInt8], depth: Int, keepingNumbers: Bool) -> Bool {
        guard depth <= maxDepth else { return false }
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .string(let text): appendString(text, to: &out)
        case .integer(let number):
            // Beyond ±2⁵³ an integer is canonical only as the scheme writes its double (what
            // `1.5e17` becomes: 150000000000000000), so that canonical JSON reads back canonical.
            let written = String(number)
            if number.magnitude <= 1 << 53 || ecmaScript(Double(number)) == written {
                out += written.utf8
            } else if keepingNumbers {
                appendString(written, to: &out)
            } else {
                return false
            }
        case .number(let text):
            if let double = Double(text), let written = ecmaScript(double) {
                out += written.utf8
            } else if keepingNumbers {
                appendString(text, to: &out)
            } else {
                return false
            }
        case .array(let items):
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x2C) }
                guard append(item, to: &out, depth: depth + 1, keepingNumbers: keepingNumbers) else { return false }
            }
            out.append(0x5D)
        case .object(let object):
            guard object.duplicateKeys.isEmpty else { return false }
            let sorted = object.entries.map { (key: Array($0.key.utf16), entry: $0) }
                .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            out.append(0x7B)
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(0x2C) }
                appendString(member.entry.key, to: &out)
                out.append(0x3A)
                guard append(member.entry.value, to: &out, depth: depth + 1, keepingNumbers: keepingNumbers) else {
                    return false
                }
            }
            out.append(0x7D)
        }
        return true
    }

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += "\\\"".utf8
            case 0x5C: out += "\\\\".utf8
            case 0x08: out += "\\b".utf8
            case 0x0C: out += "\\f".utf8
            case 0x0A: out += "\\n".utf8
            case 0x0D: out += "\\r".utf8
            case 0x09: out += "\\t".utf8
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += "\\u00".utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// A double as ECMAScript's `Number.prototype.toString` writes it (the shortest digits that
    /// read back as the same double, placed by the exponent rules of ECMA-262 §6.1.6.1.20); nil
    /// for NaN and the infinities.
    static func ecmaScript(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return "0" }
        // Swift's description gives the shortest round-trip digits: read them and the decimal
        // exponent off it ("1.2345e-07", "123.0", "1e+21").
        let text = value.magnitude.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(pieces[0])
        let fraction = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = Array(whole + fraction)
        exponent += whole.count  // value = 0.digits × 10^exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let k = digits.count, n = exponent
        let sign = value < 0 ? "-" : ""
        let string = String(digits)
        if k <= n && n <= 21 { return sign + string + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 { return sign + String(digits[..<n]) + "." + String(digits[n...]) }
        if -6 < n && n <= 0 { return sign + "0." + String(repeating: "0", count: -n) + string }
        let power = n - 1
        let exponentText = (power < 0 ? "-" : "+") + String(power.magnitude)
        let head = String(digits[0]) + (k > 1 ? "." + String(digits[1...]) : "")
        return sign + head + "e" + exponentText
    }
}
