extension Parser {
    mutating func parseFile() -> [Declaration] {
        var declarations: [Declaration] = []
        skipNewlines()
        while !at(.endOfFile) && !gaveUp {
            if let word = current.identifier, let kind = Self.declarationKeywords[word] {
                if let declaration = parseDeclaration(kind) { declarations.append(declaration) }
            } else {
                let help = current.identifier.flatMap { Suggestions.didYouMean($0, in: Self.declarationKeywords.keys.sorted()) }
                report(
                    "rein.parse.expected-declaration",
                    "expected a declaration (`identity`, `tool`, `query`, `runbook` or `policy`), found \(describeCurrent())",
                    at: span(current), help: help)
                skipToNextDeclaration()
            }
            skipNewlines()
        }
        return declarations
    }

    /// After a top-level error: skip to the next line that starts with a declaration keyword
    /// outside any braces.
    mutating func skipToNextDeclaration() {
        var braces = 0
        var lineStart = false
        while !at(.endOfFile) {
            if lineStart, braces == 0, let word = current.identifier, Self.declarationKeywords[word] != nil { return }
            switch current.kind {
            case .leftBrace: braces += 1
            case .rightBrace: braces = max(0, braces - 1)
            default: break
            }
            lineStart = current.kind == .newline || current.kind == .rightBrace && braces == 0
            advance()
        }
    }

    /// True at `KEYWORD NAME {`: the start of a new declaration (used to recover from a
    /// missing `}`).
    func atDeclarationStart() -> Bool {
        guard let word = current.identifier, Self.declarationKeywords[word] != nil else { return false }
        return peek(1).kind == .identifier && peek(2).kind == .leftBrace
    }

    mutating func parseDeclaration(_ kind: DeclarationKind) -> Declaration? {
        declarationHasErrors = false
        let keyword = advance()
        let doc = docComment(above: keyword)
        let name: Identifier
        do {
            name = try expectName("a name for the \(kind.rawValue)")
        } catch {
            skipToNextDeclaration()
            return nil
        }
        guard let open = eat(.leftBrace) else {
            report(
                "rein.parse.expected-brace",
                "expected `{` after `\(kind.rawValue) \(name.name)`, found \(describeCurrent())",
                at: errorSpanAtCurrent())
            skipToNextDeclaration()
            return nil
        }
        let (statements, closed) = parseBlockReportingClosure(
            .declaration(kind), open: open, owner: "\(kind.rawValue) `\(name.name)`")
        let declaration = Declaration(
            kind: kind, name: name, doc: doc, statements: statements,
            span: span(from: keyword, to: previous), hasErrors: declarationHasErrors)
        if closed { expectLineEnd(after: "`}`") }
        return declaration
    }

    /// After a statement or a block: the line must end here (or a `}` / end of file follow).
    /// Returns false (after one error) when something else follows. A declaration that
    /// starts on the same line is parsed, not skipped.
    @discardableResult
    mutating func expectLineEnd(after what: String, help: String = "put each statement on a line of its own") -> Bool {
        if at(.newline) || at(.endOfFile) || at(.rightBrace) { return true }
        report(
            "rein.parse.expected-newline", "expected end of line after \(what), found \(describeCurrent())",
            at: span(current), help: help)
        if !atDeclarationStart() { skipStatement() }
        return false
    }

    /// The block of own-line comments directly above the token's line.
    func docComment(above token: Token) -> String? {
        let line = file.line(of: token.start)
        // The last own-line comment above the declaration's line.
        var low = 0
        var high = ownLineCommentLines.count
        while low < high {
            let mid = (low + high) / 2
            if ownLineCommentLines[mid] < line { low = mid + 1 } else { high = mid }
        }
        var position = low - 1
        var expected = line - 1
        var lines: [String] = []
        while position >= 0, ownLineCommentLines[position] == expected {
            var text = Substring(comments[ownLineCommentIndexes[position]].text)
            if text.first == " " { text = text.dropFirst() }
            lines.append(String(text))
            position -= 1
            expected -= 1
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}

/// Where a block sits: a declaration of some kind, or a runbook's `approval` block.
enum BlockContext: Equatable {
    case declaration(DeclarationKind)
    case approval

    var name: String {
        switch self {
        case .declaration(let kind): "a \(kind.rawValue)"
        case .approval: "an approval block"
        }
    }

    /// Statement keywords allowed here, in the order the reference lists them.
    var allowed: [String] {
        switch self {
        case .declaration(.identity): ["role", "eligible", "principal", "max_activation"]
        case .declaration(.tool): ["effect", "description", "arg", "elevate"]
        case .declaration(.query): ["effect", "description", "arg", "kql"]
        case .declaration(.runbook):
            ["title", "description", "trigger", "max_iterations", "investigate", "remediate", "approval", "deny", "require"]
        case .declaration(.policy):
            ["forbid", "max_iterations", "max_elevation", "approval_timeout", "context", "deny", "require"]
        case .approval: ["channel", "approvers", "allow", "timeout", "on_timeout"]
        }
    }

    static let allStatementKeywords: Set<String> = {
        var all = Set<String>()
        for kind in DeclarationKind.allCases { all.formUnion(BlockContext.declaration(kind).allowed) }
        all.formUnion(BlockContext.approval.allowed)
        return all
    }()
}
