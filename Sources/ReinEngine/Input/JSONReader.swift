/// A strict JSON (RFC 8259) reader over raw bytes.
///
/// Why not Foundation's `JSONSerialization`: it silently accepts duplicate keys (the last one wins),
/// turns every number into `Double`/`NSNumber` — losing the distinction between `5`, `5.0` and `5e0`
/// and the exact value of integers near or beyond the 64-bit range — and applies conversions we
/// cannot control or observe. FORMATS.md requires rejecting duplicate keys anywhere (with a reason
/// code that depends on where they are), telling an integer from a fraction or exponent, and
/// refusing integers outside the signed 64-bit range; it also keeps ReinEngine free of Foundation.
///
/// What it accepts: exactly one JSON value, optionally surrounded by whitespace (space, tab, LF,
/// CR only). What it rejects (as a ``JSONError`` with a byte offset): invalid UTF-8 inside strings,
/// raw control characters (< 0x20) in strings, bad escapes, unpaired surrogate escapes, trailing
/// commas, comments, single quotes, leading zeros, `+1`, `.5`, `1.`, `NaN`, `Infinity`, trailing
/// content, empty input, nesting deeper than `maxDepth` (default 128; recursion never exceeds it),
/// and input longer than `maxBytes` (default 1 MiB, one batch line).
///
/// What it does *not* reject: duplicate object keys. They are recorded on the object
/// (``JSONObject/duplicateKeys``) so the caller can choose the reason code by location.
public enum JSONReader {
    /// One batch line may be at most 1 MiB (FORMATS.md §1).
    public static let defaultMaxBytes = 1 << 20
    /// Maximum nesting of arrays and objects; depth 129 is an error.
    public static let defaultMaxDepth = 128

    /// Parses exactly one JSON value from `bytes`.
    public static func parse(
        _ bytes: [UInt8],
        maxBytes: Int = defaultMaxBytes,
        maxDepth: Int = defaultMaxDepth
    ) -> Result<JSONValue, JSONError> {
        guard bytes.count <= maxBytes else {
            return .failure(JSONError("input too large", at: max(maxBytes, 0)))
        }
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        do {
            let value = try parser.parseDocument()
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Parses exactly one JSON value from the UTF-8 encoding of `text`.
    public static func parse(
        _ text: String,
        maxBytes: Int = defaultMaxBytes,
        maxDepth: Int = defaultMaxDepth
    ) -> Result<JSONValue, JSONError> {
        parse(Array(text.utf8), maxBytes: maxBytes, maxDepth: maxDepth)
    }
}

/// Why a JSON input was rejected: a short lowercase message and the byte offset (0-based) of the
/// offending byte (or of the construct that was left unterminated).
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset)" }
}

// MARK: - Parser

private enum Byte {
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A
    static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    static let minus: UInt8 = 0x2D, plus: UInt8 = 0x2B, dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30, nine: UInt8 = 0x39
    static let lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45
    static let lowerU: UInt8 = 0x75
}

private struct Parser {
    let bytes: [UInt8]
    let maxDepth: Int
    var pos = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private var atEnd: Bool { pos >= bytes.count }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONError {
        JSONError(message, at: offset ?? pos)
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        if atEnd { throw fail("empty input") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if !atEnd { throw fail("unexpected content after value") }
        return value
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    /// `depth` is the number of containers enclosing this value.
    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case Byte.openBrace:
            guard depth < maxDepth else { throw fail("nesting too deep") }
            return .object(try parseObject(depth: depth + 1))
        case Byte.openBracket:
            guard depth < maxDepth else { throw fail("nesting too deep") }
            return .array(try parseArray(depth: depth + 1))
        case Byte.quote:
            return .string(try parseString())
        case 0x74:  // t
            try expectLiteral("true")
            return .bool(true)
        case 0x66:  // f
            try expectLiteral("false")
            return .bool(false)
        case 0x6E:  // n
            try expectLiteral("null")
            return .null
        case Byte.minus, Byte.zero...Byte.nine:
            return try parseNumber()
        default:
            throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let start = pos
        let count = literal.utf8CodeUnitCount
        let ok: Bool = literal.withUTF8Buffer { lit in
            guard bytes.count - pos >= count else { return false }
            for i in 0..<count where bytes[pos + i] != lit[i] { return false }
            return true
        }
        guard ok else { throw fail("invalid literal", at: start) }
        pos += count
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> [JSONValue] {
        let start = pos
        pos += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == Byte.closeBracket {
            pos += 1
            return items
        }
        while true {
            skipWhitespace()
            if atEnd { throw fail("unterminated array", at: start) }
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unterminated array", at: start) }
            switch bytes[pos] {
            case Byte.comma: pos += 1
            case Byte.closeBracket: pos += 1; return items
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONObject {
        let start = pos
        pos += 1  // {
        var entries: [(key: String, value: JSONValue)] = []
        entries.reserveCapacity(8)
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == Byte.closeBrace {
            pos += 1
            return JSONObject(entries: entries)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unterminated object", at: start) }
            guard bytes[pos] == Byte.quote else { throw fail("expected string key") }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unterminated object", at: start) }
            guard bytes[pos] == Byte.colon else { throw fail("expected ':'") }
            pos += 1
            skipWhitespace()
            if atEnd { throw fail("unterminated object", at: start) }
            let value = try parseValue(depth: depth)
            entries.append((key: key, value: value))
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unterminated object", at: start) }
            switch bytes[pos] {
            case Byte.comma: pos += 1
            case Byte.closeBrace: pos += 1; return JSONObject(entries: entries)
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONError) -> String {
        let start = pos
        pos += 1  // opening quote
        // Fast path: no escapes. Scan (validating UTF-8) to the closing quote and make the
        // string straight from the input bytes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == Byte.quote {
                pos += 1
                return String(decoding: bytes[(start + 1)..<(pos - 1)], as: UTF8.self)
            } else if b == Byte.backslash {
                break
            } else if b < 0x20 {
                throw fail("control character in string")
            } else if b >= 0x80 {
                try skipUTF8Sequence()
            } else {
                pos += 1
            }
        }
        guard pos < bytes.count else { throw fail("unterminated string", at: start) }
        // Slow path: copy what was scanned, then decode escapes.
        var out = Array(bytes[(start + 1)..<pos])
        while true {
            // Copy a run of plain printable ASCII in one go.
            let runStart = pos
            while pos < bytes.count {
                let b = bytes[pos]
                if b < 0x20 || b >= 0x80 || b == Byte.quote || b == Byte.backslash { break }
                pos += 1
            }
            if pos > runStart { out.append(contentsOf: bytes[runStart..<pos]) }

            guard pos < bytes.count else { throw fail("unterminated string", at: start) }
            let b = bytes[pos]
            if b == Byte.quote {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            } else if b == Byte.backslash {
                try parseEscape(into: &out)
            } else if b < 0x20 {
                throw fail("control character in string")
            } else {
                let sequenceStart = pos
                try skipUTF8Sequence()
                out.append(contentsOf: bytes[sequenceStart..<pos])
            }
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` (RFC 3629: no overlongs, no surrogates,
    /// nothing above U+10FFFF) and moves past it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let lead = bytes[pos]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw fail("invalid utf-8")
        }
        guard bytes.count - pos >= length else { throw fail("invalid utf-8") }
        guard secondRange.contains(bytes[pos + 1]) else { throw fail("invalid utf-8") }
        var i = 2
        while i < length {
            guard (0x80...0xBF).contains(bytes[pos + i]) else { throw fail("invalid utf-8") }
            i += 1
        }
        pos += length
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        let escapeStart = pos
        pos += 1  // backslash
        guard pos < bytes.count else { throw fail("unterminated string", at: escapeStart) }
        let c = bytes[pos]
        pos += 1
        switch c {
        case Byte.quote: out.append(Byte.quote)
        case Byte.backslash: out.append(Byte.backslash)
        case Byte.slash: out.append(Byte.slash)
        case 0x62: out.append(0x08)  // b
        case 0x66: out.append(0x0C)  // f
        case 0x6E: out.append(0x0A)  // n
        case 0x72: out.append(0x0D)  // r
        case 0x74: out.append(0x09)  // t
        case Byte.lowerU:
            var scalar = try readHex4()
            if (0xDC00...0xDFFF).contains(scalar) {
                throw fail("unpaired surrogate", at: escapeStart)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - pos >= 2, bytes[pos] == Byte.backslash, bytes[pos + 1] == Byte.lowerU
                else { throw fail("unpaired surrogate", at: escapeStart) }
                pos += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("unpaired surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let s = Unicode.Scalar(scalar) else { throw fail("invalid escape", at: escapeStart) }
            UTF8.encode(s) { out.append($0) }
        default:
            throw fail("invalid escape", at: escapeStart)
        }
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw fail("invalid escape") }
            let b = bytes[pos]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw fail("invalid escape")
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    // MARK: Numbers

    private func isDigit(_ i: Int) -> Bool {
        i < bytes.count && (Byte.zero...Byte.nine).contains(bytes[i])
    }

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = pos
        let negative = bytes[pos] == Byte.minus
        if negative { pos += 1 }
        guard isDigit(pos) else { throw fail("invalid number", at: start) }
        let intStart = pos
        if bytes[pos] == Byte.zero {
            pos += 1
            if isDigit(pos) { throw fail("leading zero in number", at: start) }
        } else {
            while isDigit(pos) { pos += 1 }
        }
        let intEnd = pos
        var isInteger = true
        if pos < bytes.count, bytes[pos] == Byte.dot {
            pos += 1
            guard isDigit(pos) else { throw fail("invalid number", at: start) }
            while isDigit(pos) { pos += 1 }
            isInteger = false
        }
        if pos < bytes.count, bytes[pos] == Byte.lowerE || bytes[pos] == Byte.upperE {
            pos += 1
            if pos < bytes.count, bytes[pos] == Byte.plus || bytes[pos] == Byte.minus { pos += 1 }
            guard isDigit(pos) else { throw fail("invalid number", at: start) }
            while isDigit(pos) { pos += 1 }
            isInteger = false
        }
        func text() -> String { String(decoding: bytes[start..<pos], as: UTF8.self) }
        guard isInteger else { return .number(text()) }

        // Accumulate towards the sign so Int64.min is reachable; any overflow means "beyond 64 bits".
        var value: Int64 = 0
        for i in intStart..<intEnd {
            let digit = Int64(bytes[i] - Byte.zero)
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? shifted.subtractingReportingOverflow(digit)
                : shifted.addingReportingOverflow(digit)
            if o1 || o2 { return .number(text()) }
            value = next
        }
        return .integer(value)
    }
}
