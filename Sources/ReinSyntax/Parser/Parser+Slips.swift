/// Help lines for common slips. Each one keeps the diagnostic the parser gives anyway (its code
/// and message) and replaces a generic help with the statement as it should be written:
/// `effect: read` → "write `effect read` (no colon)", `investigate [a, b]` → "list the names
/// without brackets: `investigate a, b`", `arg n: int 1..10` → "write `int in 1..10`".
extension Parser {
    /// Statements that take a comma-separated list without brackets (by their leading words),
    /// and what their items are.
    static let listStatementItems: [String: String] = [
        "investigate": "names", "remediate": "names", "allow": "globs", "forbid namespace": "namespaces",
    ]
    /// Fixed words inside a statement after which a `:` is a slip too (`for: 15m`).
    static let wordsBeforeValues: Set<String> = ["at", "for", "role", "when", "because", "approvals", "namespace", "page"]

    /// After the statement starting at token `keyword` failed with the diagnostics from index
    /// `first` on: when there is exactly one and it points at a slip, its help becomes the fix.
    mutating func explainSlip(statementAt keyword: Int, diagnosticsFrom first: Int) {
        guard !gaveUp, diagnostics.count == first + 1, let failure = tokenIndex(at: diagnostics[first].span.start, after: keyword),
            let help = slipHelp(statementAt: keyword, failure: failure)
        else { return }
        diagnostics[first].help = DiagnosticText.clean(help)
    }

    /// The token of the statement that starts at byte `offset`, if one does.
    private func tokenIndex(at offset: Int, after keyword: Int) -> Int? {
        var index = keyword + 1
        while index < tokens.count, tokens[index].start < offset, tokens[index].kind != .endOfFile { index += 1 }
        return index < tokens.count && tokens[index].start == offset ? index : nil
    }

    /// The help for a statement that failed at token `failure`, when the failure is a `:` or `=`
    /// after a word that takes a value, or a `[` that opens the list of a list statement.
    private func slipHelp(statementAt keyword: Int, failure: Int) -> String? {
        guard let word = tokens[keyword].identifier, word != "arg", word != "context", failure > keyword else { return nil }
        let leadingWords = tokens[keyword..<failure].allSatisfy { $0.kind == .identifier }
        let head = sourceText(from: keyword, through: failure - 1)
        switch tokens[failure].kind {
        case .colon, .equals:
            guard let before = tokens[failure - 1].identifier,
                leadingWords || Self.wordsBeforeValues.contains(before),
                file.line(of: tokens[failure].start) == file.line(of: tokens[failure - 1].end)
            else { return nil }
            let mark = tokens[failure].kind == .colon ? "no colon" : "no `=`"
            if let items = Self.listStatementItems[head], leadingWords, let list = bracketedItems(openingAt: failure + 1) {
                return "write `\(head) \(list)` (\(mark); list the \(items) without brackets)"
            }
            guard let rest = restOfLine(from: failure + 1) else { return "remove the `\(tokens[failure].kind == .colon ? ":" : "=")` after `\(head)`" }
            return "write `\(head) \(rest)` (\(mark))"
        case .leftBracket:
            guard let items = Self.listStatementItems[head], leadingWords else { return nil }
            guard let list = bracketedItems(openingAt: failure) else { return "list the \(items) without brackets, separated by `,`" }
            return "list the \(items) without brackets: `\(head) \(list)`"
        default:
            return nil
        }
    }

    /// `a, b` for the list `[a, b]` whose `[` is token `open`; nil when it is not one.
    private func bracketedItems(openingAt open: Int) -> String? {
        guard open < tokens.count, tokens[open].kind == .leftBracket else { return nil }
        var close = open + 1
        while close < tokens.count, tokens[close].kind != .rightBracket {
            switch tokens[close].kind {
            case .leftBracket, .leftBrace, .rightBrace, .newline, .endOfFile: return nil
            default: close += 1
            }
        }
        guard close < tokens.count, close > open + 1 else { return nil }
        return sourceText(from: open + 1, through: close - 1)
    }

    /// The source from token `first` to the last token of its line (or before a `}`), white
    /// space runs made single spaces and anything after a line break inside a token cut to
    /// `…`; nil when `first` ends the statement.
    func restOfLine(from first: Int) -> String? {
        let ends: Set<TokenKind> = [.newline, .endOfFile, .rightBrace]
        guard first < tokens.count, !ends.contains(tokens[first].kind) else { return nil }
        var last = first
        while last + 1 < tokens.count, !ends.contains(tokens[last + 1].kind) { last += 1 }
        var text = Substring(file.text(of: span(from: tokens[first], to: tokens[last])))
        if let lineBreak = text.firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) {
            text = text[..<lineBreak] + "…"
        }
        return String(text)
    }

    /// The source of tokens `first...last` with each run of white space written as one space.
    private func sourceText(from first: Int, through last: Int) -> String {
        let text = file.text(of: span(from: tokens[first], to: tokens[max(first, last)]))
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" }).joined(separator: " ")
    }

    /// `int 1..10` for `int in 1..10` (or `string 1..64` for `string len 1..64`): the help
    /// when a range follows an arg's type with no constraint word; nil otherwise.
    func missingConstraintWordHelp(after declaration: ArgDeclaration) -> String? {
        guard declaration.range == nil, declaration.length == nil, declaration.pattern == nil,
            declaration.defaultValue == nil, startsRange(at: position)
        else { return nil }
        let word: String
        switch declaration.type.kind {
        case .int, .duration: word = "in"
        case .string: word = "len"
        default: return nil
        }
        guard let rest = restOfLine(from: position) else { return nil }
        return "write `\(file.text(of: declaration.type.span)) \(word) \(rest)`"
    }

    /// True when a range `LO..` starts at token `index` (`1..`, `-1..`, `5m..`).
    private func startsRange(at index: Int) -> Bool {
        var index = index
        if index < tokens.count, tokens[index].kind == .minus { index += 1 }
        guard index + 1 < tokens.count, tokens[index].kind == .integer || tokens[index].kind == .duration else { return false }
        return tokens[index + 1].kind == .dotDot
    }

    /// The help when `when` does not follow a rule's target: a second tool without brackets
    /// (`deny a, b when …`), or `if`/`where` in its place; nil otherwise.
    func conditionWordHelp(after target: RuleTarget) -> String? {
        if let word = current.identifier, word == "if" || word == "where" {
            return "a rule's condition starts with `when`: write `when` in place of `\(word)`"
        }
        guard at(.comma), case .tools(let names, _) = target, names.count == 1 else { return nil }
        var items = [names[0].name]
        var index = position
        while index + 1 < tokens.count, tokens[index].kind == .comma, let name = tokens[index + 1].identifier {
            items.append(name)
            index += 2
        }
        return "put several tools in brackets: `[\(items.joined(separator: ", "))]`"
    }

    /// `approvers "2"`, `timeout "15m"`: the help when the current token is a string that
    /// holds an integer (or a duration); nil otherwise.
    func quotedNumberHelp(duration: Bool) -> String? {
        guard case .string(let value, _) = current.value else { return nil }
        let bytes = value.utf8.span
        let valid = duration ? (try? NumberSyntax.duration(bytes).get()) != nil : (try? NumberSyntax.digits(bytes).get()) != nil
        return valid ? "write the \(duration ? "duration" : "number") without quotes: `\(value)`" : nil
    }

    /// `arg replicas int …`: the help when a type follows an arg's name without a `:`; nil when
    /// what follows is no type.
    func missingColonHelp(after name: Identifier) -> String? {
        let isType = current.kind == .string || current.identifier.map { Self.typeNames[$0] != nil } == true
        guard isType, let rest = restOfLine(from: position) else { return nil }
        return "put a `:` after the name: `\(name.name): \(rest)`"
    }
}
