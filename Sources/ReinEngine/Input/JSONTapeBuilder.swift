import ReinSyntax

/// The strict JSON parser (RFC 8259, the rules in ``JSONReader``), writing ``JSONTape`` nodes.
/// Recursion depth is bounded by `maxDepth`; every index is checked before it is read.
struct JSONTapeBuilder {
    let bytes: [UInt8]
    /// The document is `bytes[start..<end]`; node offsets index `bytes`, error offsets count
    /// from `start`.
    let start: Int
    let end: Int
    let maxDepth: Int
    var nodes: [JSONTape.Node]
    var pos: Int

    /// `range` must lie within `bytes`.
    init(bytes: [UInt8], range: Range<Int>, maxDepth: Int, nodes: [JSONTape.Node]) {
        self.bytes = bytes
        self.start = range.lowerBound
        self.end = range.upperBound
        self.maxDepth = maxDepth
        self.nodes = nodes
        pos = range.lowerBound
    }

    private var atEnd: Bool { pos >= end }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONError {
        JSONError(message, at: (offset ?? pos) - start)
    }

    mutating func parseDocument() throws(JSONError) {
        skipWhitespace()
        if atEnd { throw fail("empty input") }
        try parseValue(depth: 0)
        skipWhitespace()
        if !atEnd { throw fail("unexpected content after value") }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    /// Appends a leaf node (its subtree is itself).
    private mutating func leaf(_ kind: JSONTape.Kind, flag: Bool = false, start: Int, end: Int, integer: Int64 = 0) {
        nodes.append(
            JSONTape.Node(
                kind: kind, flag: flag, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end),
                count: 0, next: Int32(truncatingIfNeeded: nodes.count + 1), integer: integer))
    }

    /// `depth` is the number of containers enclosing this value.
    private mutating func parseValue(depth: Int) throws(JSONError) {
        guard pos < end else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case Byte.openBrace:
            guard depth < maxDepth else { throw fail("nesting too deep") }
            try parseContainer(.object, depth: depth + 1)
        case Byte.openBracket:
            guard depth < maxDepth else { throw fail("nesting too deep") }
            try parseContainer(.array, depth: depth + 1)
        case Byte.quote:
            try parseString()
        case 0x74:  // t
            let start = pos
            try expectLiteral("true")
            leaf(.bool, flag: true, start: start, end: pos)
        case 0x66:  // f
            let start = pos
            try expectLiteral("false")
            leaf(.bool, flag: false, start: start, end: pos)
        case 0x6E:  // n
            let start = pos
            try expectLiteral("null")
            leaf(.null, start: start, end: pos)
        case Byte.minus, Byte.zero...Byte.nine:
            try parseNumber()
        default:
            throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let start = pos
        let count = literal.utf8CodeUnitCount
        let ok: Bool = literal.withUTF8Buffer { lit in
            guard end - pos >= count else { return false }
            for i in 0..<count where bytes[pos + i] != lit[i] { return false }
            return true
        }
        guard ok else { throw fail("invalid literal", at: start) }
        pos += count
    }

    /// An object (`{"k": v, …}`) or an array (`[v, …]`): the container's node, then its members.
    private mutating func parseContainer(_ kind: JSONTape.Kind, depth: Int) throws(JSONError) {
        let start = pos
        let isObject = kind == .object
        let close = isObject ? Byte.closeBrace : Byte.closeBracket
        let unterminated = isObject ? "unterminated object" : "unterminated array"
        let index = nodes.count
        nodes.append(
            JSONTape.Node(
                kind: kind, flag: false, start: Int32(truncatingIfNeeded: start), end: 0, count: 0, next: 0,
                integer: 0))
        pos += 1  // { or [
        var count: Int32 = 0
        skipWhitespace()
        if pos < end, bytes[pos] == close {
            pos += 1
        } else {
            members: while true {
                skipWhitespace()
                guard pos < end else { throw fail(unterminated, at: start) }
                if isObject {
                    guard bytes[pos] == Byte.quote else { throw fail("expected string key") }
                    try parseString()
                    skipWhitespace()
                    guard pos < end else { throw fail(unterminated, at: start) }
                    guard bytes[pos] == Byte.colon else { throw fail("expected ':'") }
                    pos += 1
                    skipWhitespace()
                    if atEnd { throw fail(unterminated, at: start) }
                }
                try parseValue(depth: depth)
                count += 1
                skipWhitespace()
                guard pos < end else { throw fail(unterminated, at: start) }
                switch bytes[pos] {
                case Byte.comma: pos += 1
                case close: pos += 1; break members
                default: throw fail(isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            }
        }
        nodes[index].end = Int32(truncatingIfNeeded: pos)
        nodes[index].count = count
        nodes[index].next = Int32(truncatingIfNeeded: nodes.count)
    }

    // MARK: Strings

    /// Scans a string literal, validating UTF-8 and escapes; records its content range and
    /// whether it has escapes (decoded later, by ``JSONTape/string(at:)``).
    private mutating func parseString() throws(JSONError) {
        let start = pos
        pos += 1  // opening quote
        var escaped = false
        while pos < end {
            // Skip a run of plain printable ASCII: eight bytes at a time, then one by one.
            pos = bytes.withUnsafeBytes { buffer in
                var index = pos
                let end = Swift.min(end, buffer.count)
                while end - index >= 8, !Self.hasSpecialByte(buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                }
                while index < end {
                    let b = buffer[index]
                    if b == Byte.quote || b == Byte.backslash || b < 0x20 || b >= 0x80 { break }
                    index += 1
                }
                return index
            }
            guard pos < end else { break }
            let b = bytes[pos]
            if b == Byte.quote {
                leaf(.string, flag: escaped, start: start + 1, end: pos)
                pos += 1
                return
            } else if b == Byte.backslash {
                escaped = true
                var ignored: [UInt8]?
                do {
                    pos = try Self.decodeEscape(in: bytes, at: pos, end: end, into: &ignored)
                } catch {
                    throw JSONError(error.message, at: error.offset - self.start)
                }
            } else if b < 0x20 {
                throw fail("control character in string")
            } else if b >= 0x80 {
                try skipUTF8Sequence()
            } else {
                pos += 1
            }
        }
        throw fail("unterminated string", at: start)
    }

    /// True when one of the eight bytes in `word` ends a plain run in a string: a quote, a
    /// backslash, a control character or a non-ASCII byte. (Word-at-a-time tests: a byte equal
    /// to `c` is a zero byte of `word ^ c…c`, found by the borrow of subtracting 1 from it.)
    @inline(__always)
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(Byte.quote))
        let backslashes = word ^ (ones &* UInt64(Byte.backslash))
        let control = (word &- ones &* 0x20) & ~word
        let quote = (quotes &- ones) & ~quotes
        let backslash = (backslashes &- ones) & ~backslashes
        return (control | quote | backslash | word) & highBits != 0
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` and moves past it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        guard let length = UTF8Validation.sequenceLength(in: bytes, at: pos, end: end) else { throw fail("invalid utf-8") }
        pos += length
    }

    /// Reads the escape starting at the backslash at `position`: appends its UTF-8 to `out`
    /// (when not nil) and returns the position after it. The one implementation of escapes, for
    /// validating while parsing and for decoding later. Reads no byte at or past `end`; error
    /// offsets are positions in `bytes`.
    static func decodeEscape(
        in bytes: [UInt8], at position: Int, end: Int, into out: inout [UInt8]?
    ) throws(JSONError) -> Int {
        let escapeStart = position
        var pos = position + 1  // backslash
        guard pos < end else { throw JSONError("unterminated string", at: escapeStart) }
        let c = bytes[pos]
        pos += 1
        func readHex4() throws(JSONError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard pos < end else { throw JSONError("invalid escape", at: pos) }
                let b = bytes[pos]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw JSONError("invalid escape", at: pos)
                }
                value = value << 4 | digit
                pos += 1
            }
            return value
        }
        switch c {
        case Byte.quote: out?.append(Byte.quote)
        case Byte.backslash: out?.append(Byte.backslash)
        case Byte.slash: out?.append(Byte.slash)
        case 0x62: out?.append(0x08)  // b
        case 0x66: out?.append(0x0C)  // f
        case 0x6E: out?.append(0x0A)  // n
        case 0x72: out?.append(0x0D)  // r
        case 0x74: out?.append(0x09)  // t
        case Byte.lowerU:
            var scalar = try readHex4()
            if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONError("unpaired surrogate", at: escapeStart)
            }
            if (0xD800...0xDBFF).contains(scalar) {
                guard end - pos >= 2, bytes[pos] == Byte.backslash, bytes[pos + 1] == Byte.lowerU
                else { throw JSONError("unpaired surrogate", at: escapeStart) }
                pos += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONError("unpaired surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let s = Unicode.Scalar(scalar) else { throw JSONError("invalid escape", at: escapeStart) }
            if out != nil { UTF8.encode(s) { out?.append($0) } }
        default:
            throw JSONError("invalid escape", at: escapeStart)
        }
        return pos
    }

    // MARK: Numbers

    private func isDigit(_ i: Int) -> Bool {
        i < end && (Byte.zero...Byte.nine).contains(bytes[i])
    }

    private mutating func parseNumber() throws(JSONError) {
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
        if pos < end, bytes[pos] == Byte.dot {
            pos += 1
            guard isDigit(pos) else { throw fail("invalid number", at: start) }
            while isDigit(pos) { pos += 1 }
            isInteger = false
        }
        if pos < end, bytes[pos] == Byte.lowerE || bytes[pos] == Byte.upperE {
            pos += 1
            if pos < end, bytes[pos] == Byte.plus || bytes[pos] == Byte.minus { pos += 1 }
            guard isDigit(pos) else { throw fail("invalid number", at: start) }
            while isDigit(pos) { pos += 1 }
            isInteger = false
        }
        guard isInteger else { return leaf(.number, start: start, end: pos) }

        // Accumulate towards the sign so Int64.min is reachable; any overflow means "beyond 64 bits".
        var value: Int64 = 0
        for i in intStart..<intEnd {
            let digit = Int64(bytes[i] - Byte.zero)
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative
                ? shifted.subtractingReportingOverflow(digit)
                : shifted.addingReportingOverflow(digit)
            if o1 || o2 { return leaf(.number, start: start, end: pos) }
            value = next
        }
        leaf(.integer, start: start, end: pos, integer: value)
    }
}

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
