/// Prints a file that parsed without errors in the canonical layout.
///
/// Works on the token stream: every token is copied as written, in order, and comments are
/// merged in by position. The layout decisions are local:
/// - a statement starts a line, indented by its block depth; `{` ends its line and `}` stands
///   on its own (an empty block is `{ }`);
/// - where the author broke a statement over several lines, the break is kept and the
///   continuation line is indented one level more, plus one level per `(` or `[` still open;
/// - between tokens of a line: one space, or none where ``TokenSpacing`` says so;
/// - a comment stays after the token it followed on its line, or on a line of its own, and
///   ends where the lexer ends it: before any trailing white space;
/// - runs of blank lines become one; none at the start or end of the file, after `{` or before
///   `}`; exactly one after a top-level declaration.
struct LayoutPrinter {
    private let file: SourceFile
    private let bytes: [UInt8]
    /// The tokens without newlines and the end of file.
    private let tokens: [Token]
    /// For each of `tokens`: true when it is the first token of a statement or declaration.
    private let startsStatement: [Bool]
    private let comments: [Comment]

    private var lines: [OutputLine] = []
    /// `{` not yet closed.
    private var depth = 0
    /// `(` and `[` not yet closed in the current statement.
    private var brackets = 0
    private var statementIndent = 0
    private var statement: Int?
    /// Set after a top-level `}`: the next line is preceded by a blank line.
    private var blankAfterDeclaration = false
    /// Set while the last line ends with `{`.
    private var atBlockStart = false

    init(file: SourceFile, tokens: [Token], comments: [Comment]) {
        self.file = file
        self.bytes = file.bytes
        var kept: [Token] = []
        var starts: [Bool] = []
        var afterBreak = true
        for token in tokens {
            switch token.kind {
            case .newline:
                afterBreak = true
            case .endOfFile:
                break
            default:
                kept.append(token)
                starts.append(afterBreak)
                afterBreak = token.kind == .leftBrace
            }
        }
        self.tokens = kept
        self.startsStatement = starts
        self.comments = comments
    }

    /// The formatted bytes (empty for a file with neither tokens nor comments).
    mutating func layOut() -> [UInt8] {
        var tokenIndex = 0
        var commentIndex = 0
        var previousEnd: Int?
        while tokenIndex < tokens.count || commentIndex < comments.count {
            let takeComment = commentIndex < comments.count
                && (tokenIndex >= tokens.count || comments[commentIndex].span.start < tokens[tokenIndex].start)
            if takeComment {
                let comment = comments[commentIndex]
                place(comment, previousEnd: previousEnd, next: tokenIndex < tokens.count ? tokenIndex : nil)
                previousEnd = comment.span.end
                commentIndex += 1
            } else {
                place(token: tokenIndex, previousEnd: previousEnd, commentBefore: lastCommentFollowsPreviousToken(commentIndex, tokenIndex))
                previousEnd = tokens[tokenIndex].end
                tokenIndex += 1
            }
        }
        LineLayout.alignArguments(&lines)
        return LineLayout.render(lines)
    }

    /// True when a comment stands between token `index - 1` and token `index`.
    private func lastCommentFollowsPreviousToken(_ nextComment: Int, _ index: Int) -> Bool {
        guard nextComment > 0, index > 0 else { return false }
        return comments[nextComment - 1].span.start > tokens[index - 1].start
    }

    // MARK: Comments

    private mutating func place(_ comment: Comment, previousEnd: Int?, next: Int?) {
        let text = Array(bytes[comment.span.start..<comment.span.end])
        if let previousEnd, !lines.isEmpty, lines[lines.count - 1].role == .code,
            file.line(of: previousEnd) == file.line(of: comment.span.start)
        {
            lines[lines.count - 1].trailingComment = text
            return
        }
        let indent = next.map { indentOfLine(startingWith: $0, insideBlock: true) } ?? depth * SourceFormatter.indentWidth
        openLine(OutputLine(role: .comment, indent: indent, text: text), at: comment.span.start, previousEnd: previousEnd, closesBlock: false)
    }

    // MARK: Tokens

    private mutating func place(token index: Int, previousEnd: Int?, commentBefore: Bool) {
        let token = tokens[index]
        switch token.kind {
        case .rightBrace:
            depth = max(0, depth - 1)
            brackets = 0
            if index > 0, tokens[index - 1].kind == .leftBrace, !commentBefore {
                lines[lines.count - 1].text += [UInt8(ascii: " "), UInt8(ascii: "}")]
            } else {
                openLine(.code(indent: depth * SourceFormatter.indentWidth, statement: nil), at: token.start, previousEnd: previousEnd, closesBlock: true)
                lines[lines.count - 1].text.append(UInt8(ascii: "}"))
            }
            statement = nil
            atBlockStart = false
            if depth == 0 { blankAfterDeclaration = true }
            return
        case _ where startsStatement[index]:
            statement = index
            statementIndent = depth * SourceFormatter.indentWidth
            brackets = 0
            openLine(.code(indent: statementIndent, statement: index), at: token.start, previousEnd: previousEnd, closesBlock: false)
            lines[lines.count - 1].isStatementHead = true
        case _ where index > 0 && file.line(of: token.start) > file.line(of: tokens[index - 1].end):
            let indent = indentOfLine(startingWith: index, insideBlock: false)
            openLine(.code(indent: indent, statement: statement), at: token.start, previousEnd: previousEnd, closesBlock: false)
        default:
            if index > 0, TokenSpacing.needsSpace(between: tokens[index - 1], and: token) {
                lines[lines.count - 1].text.append(UInt8(ascii: " "))
            }
        }
        append(token)
        noteAlignment(at: index)
        switch token.kind {
        case .leftParen, .leftBracket: brackets += 1
        case .rightParen, .rightBracket: brackets = max(0, brackets - 1)
        case .leftBrace: depth += 1
        default: break
        }
        atBlockStart = token.kind == .leftBrace
    }

    /// Appends a token's text to the current line; a `"""` string also adds its content lines
    /// and continues on the line of its closing delimiter.
    private mutating func append(_ token: Token) {
        guard case .string(_, .multiline) = token.value else {
            lines[lines.count - 1].text += bytes[token.start..<token.end]
            return
        }
        let indent = lines[lines.count - 1].indent + SourceFormatter.indentWidth
        let block = MultilineStringLayout.reindent(bytes[token.start..<token.end], indent: indent)
        lines[lines.count - 1].text += block.opening
        for content in block.content {
            var line = OutputLine(role: .verbatim, indent: 0, text: content)
            line.statement = statement
            lines.append(line)
        }
        lines.append(.code(indent: indent, statement: statement))
        lines[lines.count - 1].text = block.closing
    }

    /// On the `:` of an `arg NAME:` or `context NAME:` statement: remember where its type starts.
    private mutating func noteAlignment(at index: Int) {
        guard index >= 2, tokens[index].kind == .colon, startsStatement[index - 2],
            let keyword = tokens[index - 2].identifier, keyword == "arg" || keyword == "context",
            lines[lines.count - 1].isStatementHead, lines[lines.count - 1].alignment == nil
        else { return }
        lines[lines.count - 1].alignment = (keyword, lines[lines.count - 1].text.count)
    }

    // MARK: Lines

    /// The indentation of a line that starts with token `index` (for a comment line just
    /// above it, `insideBlock` puts a comment before `}` at the level of the block's statements).
    private func indentOfLine(startingWith index: Int, insideBlock: Bool) -> Int {
        let token = tokens[index]
        if token.kind == .rightBrace {
            return (insideBlock ? depth : max(0, depth - 1)) * SourceFormatter.indentWidth
        }
        if startsStatement[index] { return depth * SourceFormatter.indentWidth }
        let closes = token.kind == .rightParen || token.kind == .rightBracket
        let open = max(0, brackets - (closes ? 1 : 0))
        return statementIndent + SourceFormatter.indentWidth * (1 + open)
    }

    /// Starts a new line, preceded by one blank line when the source had one there (or after
    /// a declaration), except at the start of the file, after `{` and before `}`.
    private mutating func openLine(_ line: OutputLine, at start: Int, previousEnd: Int?, closesBlock: Bool) {
        if let previousEnd, !lines.isEmpty, !atBlockStart, !closesBlock,
            blankAfterDeclaration || hasBlankLine(from: previousEnd, to: start)
        {
            lines.append(.blank)
        }
        blankAfterDeclaration = false
        atBlockStart = false
        lines.append(line)
    }

    /// True when the white space between two offsets holds an empty line.
    private func hasBlankLine(from start: Int, to end: Int) -> Bool {
        var newlines = 0
        for offset in start..<max(start, end) where bytes[offset] == 0x0A {
            newlines += 1
            if newlines == 2 { return true }
        }
        return false
    }
}
