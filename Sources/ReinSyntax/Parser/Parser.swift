/// The hand-written recursive-descent parser for `.rein` files.
///
/// Diagnostics are values collected as parsing goes. Inside a statement the first error
/// unwinds (`ParseAbort`) to the statement, which is skipped to its end, so one mistake
/// gives one diagnostic and parsing continues with the next statement.
public struct Parser {
    let file: SourceFile
    let fileIndex: Int
    var tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic] = []
    let comments: [Comment]
    /// 1-based line numbers of the comments that stand alone on their line, ascending, and
    /// their indexes in `comments` (for doc comments).
    var ownLineCommentLines: [Int] = []
    var ownLineCommentIndexes: [Int] = []
    /// Set when an error is reported inside the declaration being parsed.
    var declarationHasErrors = false
    /// Byte ranges where the lexer already reported an error.
    var damaged: [Range<Int>] = []
    /// Expression nesting depth (parentheses, lists, `not`).
    var depth = 0

    /// Set when the last error was something missing at the end of a line: the next line
    /// may then be the rest of that statement, and is skipped without a second error.
    var missingAtLineEnd = false
    /// A statement kept in place of one that failed part-way (see `parseArgDeclaration`).
    var partialStatement: Statement?
    /// Set once the file has produced `maximumErrors` diagnostics: parsing stops.
    var gaveUp = false

    /// After this many errors in one file, parsing stops with one last diagnostic.
    public static let maximumErrors = 100
    /// The deepest expression nesting accepted.
    public static let maximumNestingDepth = 64
    /// The keywords that start a declaration.
    public static let declarationKeywords: [String: DeclarationKind] = [
        "identity": .identity, "tool": .tool, "query": .query, "runbook": .runbook, "policy": .policy,
    ]
    /// Words that are never names.
    public static let reservedWords: Set<String> = ["and", "or", "not", "in", "like", "true", "false"]

    /// Unwinds to the enclosing statement after an error has been reported.
    struct ParseAbort: Error {}

    /// Parses one file. Never fails: problems are returned as diagnostics.
    public static func parse(_ file: SourceFile, fileIndex: Int) -> SourceFileSyntax {
        if let offset = file.invalidUTF8Offset {
            let diagnostic = Diagnostic.error(
                "rein.lex.invalid-utf8", "file is not valid UTF-8",
                at: SourceSpan(file: fileIndex, start: offset, end: offset + 1),
                help: "save the file as UTF-8")
            return SourceFileSyntax(file: file, fileIndex: fileIndex, declarations: [], comments: [], diagnostics: [diagnostic])
        }
        let lexed = Lexer.tokenize(file, fileIndex: fileIndex)
        var parser = Parser(file: file, fileIndex: fileIndex, tokens: lexed.tokens, comments: lexed.comments)
        parser.diagnostics = lexed.diagnostics
        parser.damaged = lexed.damaged
        let declarations = parser.parseFile()
        return SourceFileSyntax(
            file: file, fileIndex: fileIndex, declarations: declarations, comments: lexed.comments,
            diagnostics: parser.diagnostics)
    }

    init(file: SourceFile, fileIndex: Int, tokens: [Token], comments: [Comment]) {
        self.file = file
        self.fileIndex = fileIndex
        self.tokens = tokens
        self.comments = comments
        for (index, comment) in comments.enumerated() {
            let line = file.line(of: comment.span.start)
            let lineStart = file.lineStarts[line - 1]
            let before = file.bytes[lineStart..<comment.span.start]
            if before.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                ownLineCommentLines.append(line)
                ownLineCommentIndexes.append(index)
            }
        }
    }

    // MARK: Vocabulary

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    func at(_ kind: TokenKind) -> Bool { current.kind == kind }

    func atWord(_ word: String) -> Bool { current.kind == .identifier && current.identifier == word }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func eat(_ kind: TokenKind) -> Token? {
        at(kind) ? advance() : nil
    }

    mutating func eatWord(_ word: String) -> Token? {
        atWord(word) ? advance() : nil
    }

    func span(_ token: Token) -> SourceSpan { SourceSpan(file: fileIndex, start: token.start, end: token.end) }

    func span(from start: Token, to end: Token) -> SourceSpan {
        SourceSpan(file: fileIndex, start: start.start, end: max(start.end, end.end))
    }

    /// The last token consumed.
    var previous: Token { tokens[max(0, position - 1)] }

    /// How the current token is named in "found …" messages.
    func describeCurrent() -> String {
        switch current.kind {
        case .identifier: "`\(current.identifier ?? "")`"
        case .integer, .duration: "`\(file.text(of: span(current)))`"
        case .string: "a string"
        default: current.kind.displayName
        }
    }

    /// Reports an error and marks the declaration being parsed.
    mutating func report(
        _ code: String, _ message: String, at span: SourceSpan, notes: [DiagnosticNote] = [], help: String? = nil
    ) {
        declarationHasErrors = true
        // One mistake, one error: nothing more where the lexer already complained.
        if gaveUp || Self.isDamaged(span.start, in: damaged) { return }
        if diagnostics.count >= Self.maximumErrors {
            gaveUp = true
            diagnostics.append(Self.tooManyErrors(at: span))
            return
        }
        diagnostics.append(.error(code, message, at: span, notes: notes, help: help))
    }

    /// The last diagnostic of a file that has too many.
    static func tooManyErrors(at span: SourceSpan) -> Diagnostic {
        .error(
            "rein.parse.too-many-errors", "too many errors in this file; the rest of it was not checked",
            at: span, help: "fix the errors above and run the check again")
    }

    /// Whether `offset` lies in one of the sorted, disjoint damaged ranges.
    static func isDamaged(_ offset: Int, in ranges: [Range<Int>]) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count && ranges[low].contains(offset)
    }

    /// Reports an error about something missing before the current token, and unwinds.
    mutating func fail(_ code: String, _ message: String, help: String? = nil) -> ParseAbort {
        let span = errorSpanAtCurrent()
        missingAtLineEnd = span.start == span.end  // only a line-end position is zero-width
        report(code, message, at: span, help: help)
        return ParseAbort()
    }

    /// Reports an error about the current token itself, and unwinds.
    mutating func failAtCurrent(_ code: String, _ message: String, help: String? = nil) -> ParseAbort {
        report(code, message, at: span(current), help: help)
        return ParseAbort()
    }

    /// The span to blame for a missing token: the current token, or the line end after the
    /// previous token when the current one is a newline or end of file.
    func errorSpanAtCurrent() -> SourceSpan {
        var back = position - 1
        while back >= 0, tokens[back].kind == .newline { back -= 1 }
        guard back >= 0 else { return span(current) }
        let last = tokens[back]
        let onLaterLine = current.kind == .newline || current.kind == .endOfFile
            || file.line(of: current.start) > file.line(of: last.end)
        return onLaterLine ? SourceSpan(file: fileIndex, start: last.end, end: last.end) : span(current)
    }

    /// Unwinds after a lexical error already reported for the current token.
    mutating func skipMalformedToken() -> ParseAbort {
        declarationHasErrors = true
        advance()
        return ParseAbort()
    }

    mutating func expect(_ kind: TokenKind, _ what: String) throws -> Token {
        if let token = eat(kind) { return token }
        throw fail("rein.parse.expected-token", "expected \(kind.displayName) \(what), found \(describeCurrent())")
    }

    /// A non-reserved identifier.
    mutating func expectName(_ what: String) throws -> Identifier {
        if current.kind == .identifier, let text = current.identifier, !Self.reservedWords.contains(text) {
            let token = advance()
            return Identifier(text, span: span(token))
        }
        if current.kind == .identifier, let text = current.identifier {
            throw failAtCurrent("rein.parse.reserved-word", "`\(text)` is a reserved word and cannot be used as \(what)")
        }
        throw fail("rein.parse.expected-name", "expected \(what), found \(describeCurrent())")
    }

    mutating func skipNewlines() {
        while at(.newline) { advance() }
    }

    /// Skips the rest of a statement: up to and including its newline, or up to (not
    /// including) a `}` that closes the enclosing block. Nested `{ … }` are skipped whole.
    mutating func skipStatement() {
        var braces = 0
        while !at(.endOfFile) {
            switch current.kind {
            case .leftBrace: braces += 1
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
            case .newline where braces == 0:
                advance()
                return
            default: break
            }
            advance()
        }
    }
}
