/// Turns one file's bytes into tokens, comments and lexical diagnostics.
///
/// Newlines are significant: a `.newline` token ends a statement, except inside `( )` or
/// `[ ]`, after a token that cannot end a statement (`==`, `,`, `and`, `..`, …), or when the
/// next line starts with `and`, `or`, `|` or `because`. Bracket depth is reset at `{` and `}`
/// so that one unclosed `(` cannot swallow the rest of the file.
public struct Lexer {
    private let bytes: [UInt8]
    private let fileIndex: Int
    private var index = 0
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var diagnostics: [Diagnostic] = []
    private var bracketDepth = 0
    private var pendingNewline: Token?
    private var lastSignificant: Token?
    private var damaged: [Range<Int>] = []
    /// Set at the error past the per-file cap: lexing stops at the next token.
    private var gaveUp = false

    /// The lexer's output.
    public struct Output: Sendable {
        public var tokens: [Token]
        public var comments: [Comment]
        public var diagnostics: [Diagnostic]
        /// Byte ranges made unreadable by a lexical error (the rest of its line, or the rest
        /// of the file after an unterminated `"""`). The parser reports nothing more there.
        public var damaged: [Range<Int>]
    }

    public init(bytes: [UInt8], fileIndex: Int) {
        self.bytes = bytes
        self.fileIndex = fileIndex
        tokens.reserveCapacity(bytes.count / 4)
    }

    /// Lexes the whole input. The last token is always `.endOfFile`.
    public static func tokenize(_ file: SourceFile, fileIndex: Int) -> Output {
        var lexer = Lexer(bytes: file.bytes, fileIndex: fileIndex)
        lexer.run()
        return Output(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics, damaged: lexer.damaged)
    }

    private mutating func run() {
        var invalidStart: Int?
        while index < bytes.count {
            if gaveUp {
                index = bytes.count
                invalidStart = nil
                break
            }
            let byte = bytes[index]
            if isRecognised(byte) {
                if let start = invalidStart {
                    reportInvalidCharacters(from: start, to: index)
                    invalidStart = nil
                }
                lexOne(byte)
            } else {
                if invalidStart == nil { invalidStart = index }
                index += 1
            }
        }
        if let start = invalidStart { reportInvalidCharacters(from: start, to: index) }
        flushPendingNewline(beforeNext: nil)
        tokens.append(Token(kind: .endOfFile, start: bytes.count, end: bytes.count))
    }

    private func isCRLF(at offset: Int) -> Bool {
        offset + 1 < bytes.count && bytes[offset + 1] == 0x0A
    }

    /// True for bytes the lexer can start something with (including whitespace and CRLF).
    private func isRecognised(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || (byte == 0x0D && isCRLF(at: index))
            || (byte < 0x80 && isTokenStart(byte))
    }

    private func isTokenStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"),
            UInt8(ascii: "="), UInt8(ascii: "."), UInt8(ascii: "<"), UInt8(ascii: ">"),
            UInt8(ascii: "|"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "\""),
            UInt8(ascii: "#"), UInt8(ascii: "!"), 0x0A:
            return true
        default:
            return false
        }
    }

    private mutating func lexOne(_ byte: UInt8) {
        let start = index
        switch byte {
        case 0x20, 0x09:
            index += 1
        case 0x0D:
            index += 1  // the CR of a CRLF; the LF follows
        case 0x0A:
            index += 1
            noteNewline(at: start)
        case UInt8(ascii: "#"):
            if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                lexRawString()
            } else {
                lexComment()
            }
        case UInt8(ascii: "\""):
            if matches("\"\"\"", at: index) { lexMultilineString() } else { lexString() }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            lexNumber()
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            emit(Token(kind: .identifier, start: start, end: index, value: .text(text)))
        default:
            lexPunctuation(byte)
        }
    }

    private mutating func lexPunctuation(_ byte: UInt8) {
        let start = index
        let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
        var kind: TokenKind
        var length = 1
        switch byte {
        case UInt8(ascii: "{"): kind = .leftBrace
        case UInt8(ascii: "}"): kind = .rightBrace
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: "|"): kind = .pipe
        case UInt8(ascii: "*"): kind = .star
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { kind = .equalEqual; length = 2 } else { kind = .equals }
        case UInt8(ascii: "."):
            if next == UInt8(ascii: ".") { kind = .dotDot; length = 2 } else { kind = .dot }
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") { kind = .lessEqual; length = 2 } else { kind = .less }
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") { kind = .greaterEqual; length = 2 } else { kind = .greater }
        default:  // "!"
            if next == UInt8(ascii: "=") {
                kind = .bangEqual
                length = 2
            } else {
                index += 1
                lexError(
                    .error(
                        "rein.lex.unexpected-character", "unexpected character `!`",
                        at: span(start, index), help: "write `not` for negation, or `!=` for inequality"))
                return
            }
        }
        index += length
        switch kind {
        case .leftParen, .leftBracket: bracketDepth += 1
        case .rightParen, .rightBracket: bracketDepth = max(0, bracketDepth - 1)
        case .leftBrace, .rightBrace: bracketDepth = 0
        default: break
        }
        emit(Token(kind: kind, start: start, end: index))
    }

    // MARK: Newlines and continuation

    private mutating func noteNewline(at offset: Int) {
        if pendingNewline != nil { return }
        if bracketDepth > 0 { return }
        if let last = lastSignificant, Self.continues(last) { return }
        if lastSignificant == nil || lastSignificant?.kind == .newline { return }
        pendingNewline = Token(kind: .newline, start: offset, end: offset + 1)
    }

    /// A token at the end of a line that carries the statement on to the next line.
    private static func continues(_ token: Token) -> Bool {
        switch token.kind {
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .comma,
            .pipe, .equals, .colon, .dotDot:
            return true
        case .identifier:
            switch token.identifier {
            case "and", "or", "not", "in", "like": return true
            default: return false
            }
        default:
            return false
        }
    }

    private mutating func flushPendingNewline(beforeNext next: Token?) {
        guard let newline = pendingNewline else { return }
        pendingNewline = nil
        if let next {
            if next.kind == .pipe { return }
            if next.kind == .identifier, let text = next.identifier, text == "and" || text == "or" || text == "because" {
                return
            }
        }
        tokens.append(newline)
        lastSignificant = newline
    }

    private mutating func emit(_ token: Token) {
        flushPendingNewline(beforeNext: token)
        tokens.append(token)
        lastSignificant = token
    }

    // MARK: Comments

    /// A comment runs from `#` to the end of its line; trailing spaces, tabs and carriage
    /// returns are not part of it (so `rein fmt` drops them, as it drops them after code).
    private mutating func lexComment() {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        var end = index
        while end > start + 1, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D { end -= 1 }
        let text = String(decoding: bytes[(start + 1)..<max(start + 1, end)], as: UTF8.self)
        comments.append(Comment(text: text, span: span(start, end)))
    }

    // MARK: Numbers and durations

    private mutating func lexNumber() {
        let start = index
        while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
        // `5.0` or `1.5m`: a fraction is never a Rein number (`1..5` is a range, not this).
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) {
            index += 1
            while index < bytes.count, isIdentifierByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") && index + 1 < bytes.count && isDigit(bytes[index + 1]) {
                index += 1
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            lexError(
                .error(
                    "rein.lex.invalid-number", "`\(text)` is not a whole number", at: span(start, index),
                    help: "Rein numbers are integers or durations: write `90s` for 1.5m"))
            emit(Token(kind: .integer, start: start, end: index, value: .malformed))
            return
        }
        let word = Array(bytes[start..<index])
        let tokenSpan = span(start, index)
        let text = String(decoding: word, as: UTF8.self)
        if word.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") }) {
            guard let magnitude = parseDigits(word[...], text: text, span: tokenSpan) else {
                emit(Token(kind: .integer, start: start, end: index, value: .malformed))
                return
            }
            emit(Token(kind: .integer, start: start, end: index, value: .integer(magnitude)))
            return
        }
        let value = parseDuration(word, text: text, span: tokenSpan).map { TokenValue.duration(DurationValue(seconds: $0)) }
        emit(Token(kind: .duration, start: start, end: index, value: value ?? .malformed))
    }

    /// Digits with `_` only between digits; nil (after a diagnostic) when malformed or > UInt64.
    private mutating func parseDigits(_ digits: ArraySlice<UInt8>, text: String, span: SourceSpan) -> UInt64? {
        switch NumberSyntax.digits(digits.span) {
        case .success(let value):
            return value
        case .failure(.outOfRange):
            lexError(
                .error(
                    "rein.lex.integer-out-of-range",
                    "integer literal `\(text)` is outside the 64-bit signed range", at: span))
            return nil
        case .failure:
            return malformedNumber(text, span)
        }
    }

    private mutating func malformedNumber(_ text: String, _ span: SourceSpan) -> UInt64? {
        lexError(
            .error(
                "rein.lex.invalid-number", "invalid number `\(text)`", at: span,
                help: "`_` may only separate digits, as in `1_000`"))
        return nil
    }

    /// `<int><unit>` groups with units `d h m s` in that order (``NumberSyntax``); nil after a
    /// diagnostic.
    private mutating func parseDuration(_ word: [UInt8], text: String, span: SourceSpan) -> Int64? {
        switch NumberSyntax.duration(word.span) {
        case .success(let seconds):
            return seconds
        case .failure(.malformedNumber):
            _ = malformedNumber(text, span)
        case .failure(.missingUnit):
            lexError(
                .error(
                    "rein.lex.invalid-duration", "duration `\(text)` ends without a unit", at: span,
                    help: "every number in a duration needs a unit: d, h, m or s"))
        case .failure(.unknownUnit(let unit)):
            lexError(
                .error(
                    "rein.lex.unknown-duration-unit", "unknown duration unit `\(unit)` in `\(text)`",
                    at: span, help: "durations use the units d, h, m and s, as in `15m` or `1h30m`"))
        case .failure(.unitOrder):
            lexError(
                .error(
                    "rein.lex.invalid-duration",
                    "duration units in `\(text)` must go from largest to smallest, each at most once",
                    at: span, help: "write units in the order d, h, m, s, as in `1h30m`"))
        case .failure(.outOfRange):
            lexError(.error("rein.lex.duration-out-of-range", "duration `\(text)` is too long", at: span))
        }
        return nil
    }

    // MARK: Strings

    private mutating func lexString() {
        let start = index
        let errorsBefore = diagnostics.count
        index += 1
        // The value is built as UTF-8 bytes: linear however many escapes it holds.
        var value: [UInt8] = []
        while true {
            guard index < bytes.count, bytes[index] != 0x0A else {
                let end = index > start && index <= bytes.count && bytes[index - 1] == 0x0D ? index - 1 : index
                lexError(
                    .error(
                        "rein.lex.unterminated-string", "unterminated string", at: span(start, end),
                        help: "close the string with `\"` on the same line, or use a `\"\"\"` block"))
                break
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                if let scalar = lexEscape() { value.append(contentsOf: String(scalar).utf8) }
                continue
            }
            if byte == 0x0D, !isCRLF(at: index) {
                reportLoneCarriageReturn(at: index)
                index += 1
                continue
            }
            value.append(byte)
            index += 1
        }
        emitString(String(decoding: value, as: UTF8.self), .plain, start: start, end: index, errorsBefore: errorsBefore)
    }

    /// Reads one escape at `index` (a backslash); reports and returns nil when invalid.
    private mutating func lexEscape() -> Unicode.Scalar? {
        let start = index
        index += 1
        guard index < bytes.count, bytes[index] != 0x0A else {
            lexError(.error("rein.lex.invalid-escape", "incomplete escape at end of line", at: span(start, index)))
            return nil
        }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
                return invalidEscape(start, help: "write a Unicode escape as `\\u{1F600}`")
            }
            index += 1
            var value: UInt32 = 0
            var digits = 0
            while index < bytes.count, let digit = hexValue(bytes[index]) {
                if digits < 8 { value = value &* 16 &+ UInt32(digit) }
                digits += 1
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "}"), (1...8).contains(digits) else {
                return invalidEscape(start, help: "write a Unicode escape as `\\u{` 1 to 8 hex digits `}`")
            }
            index += 1
            guard let scalar = Unicode.Scalar(value) else {
                lexError(
                    .error(
                        "rein.lex.invalid-escape", "`\(text(start, index))` is not a Unicode scalar value",
                        at: span(start, index)))
                return nil
            }
            return scalar
        default:
            // Step over a whole (possibly multi-byte) character.
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            return invalidEscape(
                start, help: "the escapes are `\\\\`, `\\\"`, `\\n`, `\\t` and `\\u{HEX}`; use a raw string `#\"…\"#` for backslashes")
        }
    }

    private mutating func invalidEscape(_ start: Int, help: String) -> Unicode.Scalar? {
        if gaveUp { return nil }  // past the cap: not even the message is built
        lexError(
            .error(
                "rein.lex.invalid-escape", "invalid escape `\(text(start, index))` in string",
                at: span(start, index), help: help))
        return nil
    }

    private mutating func lexRawString() {
        let start = index
        let errorsBefore = diagnostics.count
        index += 2
        let contentStart = index
        while index < bytes.count, bytes[index] != 0x0A {
            if bytes[index] == 0x0D, !isCRLF(at: index) { reportLoneCarriageReturn(at: index) }
            if bytes[index] == UInt8(ascii: "\""), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "#") {
                let value = String(decoding: bytes[contentStart..<index], as: UTF8.self)
                index += 2
                emitString(value, .raw, start: start, end: index, errorsBefore: errorsBefore)
                return
            }
            index += 1
        }
        var end = index
        if end > contentStart, bytes[end - 1] == 0x0D { end -= 1 }
        lexError(
            .error(
                "rein.lex.unterminated-string", "unterminated raw string", at: span(start, end),
                help: "close a raw string with `\"#` on the same line"))
        let value = String(decoding: bytes[contentStart..<end], as: UTF8.self)
        emitString(value, .raw, start: start, end: end, errorsBefore: errorsBefore)
    }

    /// A `"""` block: raw content; the closing `"""` sits on its own line and its
    /// indentation is removed from every content line.
    private mutating func lexMultilineString() {
        let start = index
        let errorsBefore = diagnostics.count
        index += 3
        // Only whitespace may follow the opening delimiter on its line.
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D {
            index += 1
        }
        let openingLineHasText = index < bytes.count && bytes[index] != 0x0A
        if openingLineHasText {
            lexError(
                .error(
                    "rein.lex.multiline-string-start", "a `\"\"\"` string starts its content on the next line",
                    at: span(start, start + 3), help: "break the line after the opening `\"\"\"`"))
            // Ignore the rest of the opening line and read the block as usual, so that one
            // mistake gives one error.
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        }
        if index < bytes.count { index += 1 }
        var lines: [(start: Int, end: Int)] = []
        while index < bytes.count {
            let lineStart = index
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            for offset in lineStart..<lineEnd where bytes[offset] == 0x0D { reportLoneCarriageReturn(at: offset) }
            var indentEnd = lineStart
            while indentEnd < lineEnd, bytes[indentEnd] == 0x20 || bytes[indentEnd] == 0x09 { indentEnd += 1 }
            if matches("\"\"\"", at: indentEnd), indentEnd + 3 <= lineEnd {
                index = indentEnd + 3
                let value = dedent(lines, indent: Array(bytes[lineStart..<indentEnd]), closing: lineStart)
                emitString(value, .multiline, start: start, end: index, errorsBefore: errorsBefore)
                return
            }
            lines.append((lineStart, lineEnd))
            if index < bytes.count { index += 1 }
        }
        if openingLineHasText {
            // Already reported at the opening line: one mistake, one error.
            damaged.append(start..<(bytes.count + 1))
        } else {
            lexError(
                .error(
                    "rein.lex.unterminated-string", "unterminated `\"\"\"` string", at: span(start, start + 3),
                    help: "close it with `\"\"\"` on a line of its own"), damageToEnd: true)
        }
        emitString("", .multiline, start: start, end: index, errorsBefore: errorsBefore)
    }

    private mutating func dedent(_ lines: [(start: Int, end: Int)], indent: [UInt8], closing: Int) -> String {
        var out: [UInt8] = []
        var reported = false
        for (number, line) in lines.enumerated() {
            if number > 0 { out.append(0x0A) }
            let content = bytes[line.start..<line.end]
            if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                if content.starts(with: indent) { out.append(contentsOf: content.dropFirst(indent.count)) }
                continue
            }
            guard content.starts(with: indent) else {
                if !reported {
                    reported = true
                    var firstNonBlank = line.start
                    while firstNonBlank < line.end, bytes[firstNonBlank] == 0x20 || bytes[firstNonBlank] == 0x09 {
                        firstNonBlank += 1
                    }
                    let lessIndented = indent.starts(with: bytes[line.start..<firstNonBlank])
                    lexError(
                        .error(
                            "rein.lex.multiline-indentation",
                            lessIndented
                                ? "line is indented less than the closing `\"\"\"`"
                                : "line is indented with different whitespace than the closing `\"\"\"`",
                            at: span(line.start, firstNonBlank),
                            notes: [DiagnosticNote("the closing `\"\"\"` sets the indentation", at: span(closing, closing + indent.count + 3))],
                            help: "indent every line of the block at least as far as the closing `\"\"\"`, with the same spaces or tabs"))
                }
                out.append(contentsOf: content)
                continue
            }
            out.append(contentsOf: content.dropFirst(indent.count))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A string token; `.malformed` when an error was reported inside it, so that nothing
    /// judges a value the user did not write (one mistake, one error).
    private mutating func emitString(_ value: String, _ form: StringLiteral.Form, start: Int, end: Int, errorsBefore: Int) {
        let payload: TokenValue = diagnostics.count > errorsBefore ? .malformed : .string(value, form)
        emit(Token(kind: .string, start: start, end: end, value: payload))
    }

    // MARK: Errors and helpers

    /// A carriage return that is not part of CRLF, inside a string: a raw line break.
    private mutating func reportLoneCarriageReturn(at offset: Int) {
        if gaveUp { return }  // past the cap: not even the message is built
        lexError(
            .error(
                "rein.lex.carriage-return-in-string", "a string cannot contain a raw carriage return",
                at: span(offset, offset + 1), help: "write it as `\\u{D}` in a `\"…\"` string"))
    }

    /// Records a lexical error; the rest of its line (or of the file) counts as damaged.
    private mutating func lexError(_ diagnostic: Diagnostic, damageToEnd: Bool = false) {
        // The cap also holds inside one token (a string of a million bad escapes); the run
        // loop adds the `too-many-errors` marker at the next token.
        if gaveUp { return }
        if diagnostics.count >= Parser.maximumErrors {
            gaveUp = true
            diagnostics.append(Parser.tooManyErrors(at: diagnostic.span))
            damaged.append(min(diagnostic.span.start, bytes.count)..<(bytes.count + 1))
            return
        }
        diagnostics.append(diagnostic)
        // Another error on an already damaged line: nothing new to record (and no rescan of
        // a very long line).
        if !damageToEnd, let last = damaged.last, last.contains(diagnostic.span.start), last.upperBound > diagnostic.span.end {
            return
        }
        var lineStart = min(diagnostic.span.start, bytes.count)
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = min(max(diagnostic.span.end, lineStart), bytes.count)
        if damageToEnd {
            lineEnd = bytes.count
        } else {
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        }
        // Ranges are kept sorted and disjoint (errors come in source order).
        if let last = damaged.last, lineStart <= last.upperBound {
            damaged[damaged.count - 1] = last.lowerBound..<max(last.upperBound, lineEnd + 1)
        } else {
            damaged.append(lineStart..<(lineEnd + 1))
        }
    }

    private mutating func reportInvalidCharacters(from start: Int, to end: Int) {
        let shown = String(decoding: bytes[start..<min(end, start + 16)], as: UTF8.self)
        let rendered = shown.unicodeScalars.prefix(4).map { scalar -> String in
            scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FFFD}"
                ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }.joined()
        let plural = String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.count > 1
        lexError(
            .error(
                "rein.lex.unexpected-character",
                plural ? "unexpected characters `\(rendered)`" : "unexpected character `\(rendered)`",
                at: span(start, end),
                help: "names are ASCII letters, digits and `_`; other text belongs inside a string"))
    }

    private func matches(_ literal: StaticString, at offset: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for position in 0..<count where bytes[offset + position] != buffer[position] { return false }
            return true
        }
    }

    private func span(_ start: Int, _ end: Int) -> SourceSpan {
        SourceSpan(file: fileIndex, start: start, end: end)
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<min(end, bytes.count)], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
