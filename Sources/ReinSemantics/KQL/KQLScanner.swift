import ReinSyntax

/// Finds the `{IDENT}` placeholders of a KQL template and where each one stands: in KQL
/// code, inside a KQL string literal, or inside a `//` comment (Grammar/README.md §6).
///
/// String literals recognised: `'…'` and `"…"` with backslash escapes (single-line),
/// verbatim `@'…'` / `@"…"` (a doubled quote escapes; single-line), their `h`/`H`-prefixed
/// obfuscated forms (the prefix needs no handling: the quote starts the literal), and
/// multi-line ```` ```…``` ```` and `~~~…~~~`. A brace that does not open `{IDENT}` is KQL text.
enum KQLScanner {
    /// Where a placeholder stands.
    enum Position: Equatable {
        case code
        case string
        case comment
        /// Inside a string that never ends (reported once, as the unterminated string).
        case unterminatedString
    }

    struct Placeholder: Equatable {
        var name: String
        /// Byte range of `{name}` in the template.
        var range: Range<Int>
        var position: Position
    }

    struct Result {
        var placeholders: [Placeholder] = []
        /// The template cut at the placeholders that stand in code.
        var segments: [KQLSegment] = []
        /// Offsets of the opening quotes of strings that do not end.
        var unterminatedStrings: [Int] = []
        /// The byte ranges of string contents and comments, in order: what is not KQL code.
        var nonCode: [Range<Int>] = []
    }

    static func scan(_ bytes: [UInt8]) -> Result {
        var result = Result()
        let count = bytes.count
        var index = 0
        var textStart = 0

        func at(_ offset: Int) -> UInt8 { offset < count ? bytes[offset] : 0 }

        /// Placeholders in `bytes[lower..<upper]` (inside a string or a comment).
        func collect(_ lower: Int, _ upper: Int, _ position: Position) {
            if lower < upper { result.nonCode.append(lower..<upper) }
            var cursor = lower
            while cursor < upper {
                if let end = placeholderEnd(bytes, at: cursor), end <= upper {
                    result.placeholders.append(Placeholder(name: name(bytes, cursor, end), range: cursor..<end, position: position))
                    cursor = end
                } else {
                    cursor += 1
                }
            }
        }

        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "/") where at(index + 1) == UInt8(ascii: "/"):
                var end = index
                while end < count, bytes[end] != 0x0A { end += 1 }
                collect(index, end, .comment)
                index = end
            case UInt8(ascii: "`") where at(index + 1) == byte && at(index + 2) == byte,
                UInt8(ascii: "~") where at(index + 1) == byte && at(index + 2) == byte:
                var close = index + 3
                while close + 2 < count, !(bytes[close] == byte && bytes[close + 1] == byte && bytes[close + 2] == byte) {
                    close += 1
                }
                if close + 2 < count {
                    collect(index + 3, close, .string)
                    index = close + 3
                } else {
                    result.unterminatedStrings.append(index)
                    collect(index + 3, count, .unterminatedString)
                    index = count
                }
            case UInt8(ascii: "@") where at(index + 1) == UInt8(ascii: "'") || at(index + 1) == UInt8(ascii: "\""):
                let quote = bytes[index + 1]
                var cursor = index + 2
                var closed = false
                while cursor < count, bytes[cursor] != 0x0A {
                    if bytes[cursor] == quote {
                        if at(cursor + 1) == quote {
                            cursor += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    cursor += 1
                }
                if closed {
                    collect(index + 2, cursor, .string)
                    index = cursor + 1
                } else {
                    result.unterminatedStrings.append(index)
                    collect(index + 2, cursor, .unterminatedString)
                    index = cursor
                }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                var cursor = index + 1
                var closed = false
                while cursor < count, bytes[cursor] != 0x0A {
                    if bytes[cursor] == UInt8(ascii: "\\") {
                        cursor += 2
                        continue
                    }
                    if bytes[cursor] == byte {
                        closed = true
                        break
                    }
                    cursor += 1
                }
                cursor = min(cursor, count)
                if closed {
                    collect(index + 1, cursor, .string)
                    index = cursor + 1
                } else {
                    result.unterminatedStrings.append(index)
                    collect(index + 1, cursor, .unterminatedString)
                    index = cursor
                }
            case UInt8(ascii: "{"):
                if let end = placeholderEnd(bytes, at: index) {
                    let placeholder = name(bytes, index, end)
                    result.placeholders.append(Placeholder(name: placeholder, range: index..<end, position: .code))
                    if textStart < index { result.segments.append(.text(String(decoding: bytes[textStart..<index], as: UTF8.self))) }
                    result.segments.append(.placeholder(placeholder))
                    textStart = end
                    index = end
                } else {
                    index += 1
                }
            default:
                index += 1
            }
        }
        if textStart < count { result.segments.append(.text(String(decoding: bytes[textStart..<count], as: UTF8.self))) }
        return result
    }

    /// The end of `{IDENT}` starting at `start`, or nil. IDENT is `[A-Za-z_][A-Za-z0-9_]*`.
    static func placeholderEnd(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start + 2 < bytes.count, bytes[start] == UInt8(ascii: "{"), isIdentifierStart(bytes[start + 1]) else {
            return nil
        }
        var cursor = start + 2
        while cursor < bytes.count, isIdentifierByte(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "}") else { return nil }
        return cursor + 1
    }

    private static func name(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        String(decoding: bytes[(start + 1)..<(end - 1)], as: UTF8.self)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
