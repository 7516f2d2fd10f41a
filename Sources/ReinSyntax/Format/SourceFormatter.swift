/// `rein fmt`'s engine: rewrites one `.rein` file in the canonical layout (docs/LAYOUT.md).
///
/// Pure: bytes in, bytes out, no I/O. Only the layout changes — indentation, spacing, blank
/// lines, line ends, trailing white space (outside string literals, after comments too), the
/// alignment of `arg`/`context` types and of trailing comments. Tokens are copied as written
/// (a string literal is never re-rendered from its value, so blanks at the end of a `"""`
/// content line stay), the text of every comment is kept, and the order of everything is kept. A file with any
/// lexical or syntax error is not formatted at all.
///
/// Before answering, the formatter re-reads its own output: when that output does not parse
/// cleanly to the same tokens, comments, doc comments and statements as the input, the
/// result is ``FormatResult/unverified(_:)`` and the caller must keep the file as it is.
public enum SourceFormatter {
    /// Spaces per block level, and the extra indentation of a continuation line.
    public static let indentWidth = 2

    /// Formats the bytes of one file. A leading byte-order mark is kept; CRLF line ends
    /// become LF.
    public static func format(_ bytes: [UInt8]) -> FormatResult {
        let hasByteOrderMark = bytes.starts(with: byteOrderMark)
        let file = SourceFile(path: "", bytes: bytes)
        let syntax = Parser.parse(file, fileIndex: 0)
        guard syntax.diagnostics.isEmpty else { return .syntaxErrors(syntax.diagnostics.sortedForOutput()) }
        let lexed = Lexer.tokenize(file, fileIndex: 0)
        var printer = LayoutPrinter(file: file, tokens: lexed.tokens, comments: lexed.comments)
        let body = printer.layOut()
        if let problem = FormatVerification.problem(input: syntax, inputTokens: lexed.tokens, output: body) {
            return .unverified(problem)
        }
        return .formatted(hasByteOrderMark ? byteOrderMark + body : body)
    }

    /// Formats source text (a convenience for tests and tools).
    public static func format(_ text: String) -> FormatResult {
        format(Array(text.utf8))
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}

/// What ``SourceFormatter`` made of a file.
public enum FormatResult: Sendable, Hashable {
    /// The file in the canonical layout (byte-identical to the input when it already was).
    case formatted([UInt8])
    /// The file has lexical or syntax errors, in output order: it was not formatted, and must
    /// not be rewritten.
    case syntaxErrors([Diagnostic])
    /// The formatter's own check of its output failed (a bug in the formatter): the reason.
    /// The file must not be rewritten.
    case unverified(String)

    /// The formatted bytes, or nil when the file was not formatted.
    public var bytes: [UInt8]? {
        if case .formatted(let bytes) = self { return bytes }
        return nil
    }

    /// The formatted text, or nil when the file was not formatted.
    public var text: String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}
