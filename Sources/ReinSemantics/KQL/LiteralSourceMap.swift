import ReinSyntax

/// Maps byte offsets in a string literal's decoded value back to byte offsets in its source,
/// so a diagnostic about part of a KQL template points at the exact characters.
///
/// The mapping re-reads the literal's raw bytes the way the lexer does (escapes of `"…"`,
/// the `#"…"#` delimiters, the indentation removed from `"""` lines) and is used only when
/// the bytes it yields equal the literal's value; otherwise there is no map and the
/// caller reports at the whole literal.
struct LiteralSourceMap {
    /// `offsets[i]` is the source offset of value byte `i`; one extra entry marks the end.
    private let offsets: [Int]

    init?(literal: StringLiteral, in file: SourceFile) {
        let bytes = file.bytes
        let start = literal.span.start
        let end = min(literal.span.end, bytes.count)
        guard start >= 0, start < end else { return nil }
        let expected = Array(literal.value.utf8)
        let decoded: (bytes: [UInt8], offsets: [Int])?
        switch literal.form {
        case .plain: decoded = Self.decodePlain(bytes, start, end)
        case .raw: decoded = Self.decodeRaw(bytes, start, end)
        case .multiline: decoded = Self.decodeMultiline(bytes, start, end)
        }
        guard let decoded, decoded.bytes == expected, decoded.offsets.count == expected.count + 1 else { return nil }
        offsets = decoded.offsets
    }

    /// The source span of value bytes `range`.
    func span(of range: Range<Int>, file: Int) -> SourceSpan? {
        guard range.lowerBound >= 0, range.upperBound < offsets.count, !range.isEmpty else { return nil }
        let lower = offsets[range.lowerBound]
        let upper = offsets[range.upperBound - 1] + 1
        return SourceSpan(file: file, start: lower, end: max(lower, upper))
    }

    private static func decodePlain(_ bytes: [UInt8], _ start: Int, _ end: Int) -> ([UInt8], [Int])? {
        guard bytes[start] == UInt8(ascii: "\""), end - start >= 2, bytes[end - 1] == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var offsets: [Int] = []
        var index = start + 1
        let limit = end - 1
        while index < limit {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                offsets.append(index)
                index += 1
                continue
            }
            guard index + 1 < limit else { return nil }
            let escape = bytes[index + 1]
            var scalar: Unicode.Scalar?
            var next = index + 2
            switch escape {
            case UInt8(ascii: "\\"): scalar = "\\"
            case UInt8(ascii: "\""): scalar = "\""
            case UInt8(ascii: "n"): scalar = "\n"
            case UInt8(ascii: "t"): scalar = "\t"
            case UInt8(ascii: "u"):
                guard next < limit, bytes[next] == UInt8(ascii: "{") else { return nil }
                next += 1
                var value: UInt32 = 0
                var digits = 0
                while next < limit, let digit = hexValue(bytes[next]), digits < 8 {
                    value = value << 4 | UInt32(digit)
                    digits += 1
                    next += 1
                }
                guard next < limit, bytes[next] == UInt8(ascii: "}"), digits > 0 else { return nil }
                next += 1
                scalar = Unicode.Scalar(value)
            default:
                return nil
            }
            guard let scalar else { return nil }
            for unit in String(Character(scalar)).utf8 {
                out.append(unit)
                offsets.append(index)
            }
            index = next
        }
        offsets.append(limit)
        return (out, offsets)
    }

    private static func decodeRaw(_ bytes: [UInt8], _ start: Int, _ end: Int) -> ([UInt8], [Int])? {
        guard end - start >= 4, bytes[start] == UInt8(ascii: "#"), bytes[start + 1] == UInt8(ascii: "\""),
            bytes[end - 2] == UInt8(ascii: "\""), bytes[end - 1] == UInt8(ascii: "#")
        else { return nil }
        let range = (start + 2)..<(end - 2)
        return (Array(bytes[range]), Array(range) + [end - 2])
    }

    /// Mirrors the lexer: content starts on the line after `"""`; the closing line's
    /// indentation is removed from every line; whitespace-only lines keep what follows the
    /// indentation (or nothing); a CR before a line's LF is dropped.
    private static func decodeMultiline(_ bytes: [UInt8], _ start: Int, _ end: Int) -> ([UInt8], [Int])? {
        guard end - start >= 6 else { return nil }
        let closingQuotes = end - 3
        guard bytes[closingQuotes..<end].allSatisfy({ $0 == UInt8(ascii: "\"") }) else { return nil }
        var cursor = start + 3
        while cursor < closingQuotes, bytes[cursor] != 0x0A { cursor += 1 }
        let contentStart = cursor + 1
        var closingLineStart = closingQuotes
        while closingLineStart > contentStart, bytes[closingLineStart - 1] != 0x0A { closingLineStart -= 1 }
        let indent = bytes[closingLineStart..<closingQuotes]
        var out: [UInt8] = []
        var offsets: [Int] = []
        var lineStart = contentStart
        var first = true
        while lineStart < closingLineStart {
            var lineEnd = lineStart
            while lineEnd < closingLineStart, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            if !first {
                out.append(0x0A)
                offsets.append(lineStart - 1)
            }
            first = false
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let content = bytes[lineStart..<contentEnd]
            var from = lineStart
            if content.starts(with: indent) {
                from = lineStart + indent.count
            } else if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                from = contentEnd
            }
            for offset in from..<max(from, contentEnd) {
                out.append(bytes[offset])
                offsets.append(offset)
            }
            lineStart = lineEnd + 1
        }
        offsets.append(offsets.last.map { $0 + 1 } ?? contentStart)
        return (out, offsets)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
