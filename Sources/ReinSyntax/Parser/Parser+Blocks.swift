extension Parser {
    /// Parses statements up to the closing `}` (consumed). `open` is the `{` token.
    mutating func parseBlock(_ context: BlockContext, open: Token, owner: String) -> [Statement] {
        parseBlockReportingClosure(context, open: open, owner: owner).statements
    }

    /// As `parseBlock`, also telling whether the closing `}` was there.
    mutating func parseBlockReportingClosure(
        _ context: BlockContext, open: Token, owner: String
    ) -> (statements: [Statement], closed: Bool) {
        var statements: [Statement] = []
        skipNewlines()
        while true {
            if gaveUp { return (statements, true) }
            if eat(.rightBrace) != nil { return (statements, true) }
            if at(.endOfFile) || atDeclarationStart() {
                report(
                    "rein.parse.expected-brace", "expected `}` to close \(owner)",
                    at: at(.endOfFile) ? errorSpanAtCurrent() : span(current),
                    notes: [DiagnosticNote("the block opens here", at: span(open))],
                    help: "add `}` on a line after the block's last statement")
                return (statements, false)
            }
            if let word = operatorAtLineStart() {
                // `like "x*"` under `deny * when alert.rule`: the user meant to continue.
                report(
                    "rein.parse.continuation-line", "a line cannot start with `\(word)`", at: span(current),
                    help: "only `and`, `or`, `|` and `because` may start a continuation line; end the previous line with `\(word)` instead")
                if !statements.isEmpty { statements[statements.count - 1].invalidateCondition() }
                skipStatement()
                skipNewlines()
                continue
            }
            do {
                missingAtLineEnd = false
                if var statement = try parseStatement(context, owner: owner) {
                    if !expectLineEnd(after: "the statement", help: lineEndHelp(after: statement)) {
                        statement.invalidateCondition()
                    }
                    statements.append(statement)
                }
            } catch {
                if let partial = partialStatement { statements.append(partial) }
                skipStatement()
                skipBrokenContinuation(context)
            }
            partialStatement = nil
            skipNewlines()
        }
    }

    /// An operator that can only continue an expression, at the start of a line.
    func operatorAtLineStart() -> String? {
        switch current.kind {
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .dotDot, .dot, .comma, .equals:
            return file.text(of: span(current))
        case .identifier:
            guard let word = current.identifier, ["like", "in", "not"].contains(word) else { return nil }
            return word
        default:
            return nil
        }
    }

    /// The help for text left over after a complete statement.
    func lineEndHelp(after statement: Statement) -> String {
        if at(.equals) { return "compare with `==`; a single `=` only introduces a default value" }
        if atWord("not"), peek().identifier == "like" { return "there is no `not like`: write `not (a like b)`" }
        switch statement.kind {
        case .investigate, .remediate, .allow, .forbidNamespace:
            return "separate the items of a list with `,`"
        case .arg(let declaration), .context(let declaration):
            if atWord("default"), let value = restOfLine(from: position + 1) { return "write the default after `=`: `= \(value)`" }
            return missingConstraintWordHelp(after: declaration) ?? "put each statement on a line of its own"
        default:
            return "put each statement on a line of its own"
        }
    }

    /// After a statement that was cut short at a line end, a next line that cannot start a
    /// statement (`when …`, `because …`, `"…"`) is its continuation: skip it silently.
    mutating func skipBrokenContinuation(_ context: BlockContext) {
        guard missingAtLineEnd else { return }
        missingAtLineEnd = false
        skipNewlines()
        if at(.rightBrace) || at(.endOfFile) || atDeclarationStart() { return }
        if let word = current.identifier, BlockContext.allStatementKeywords.contains(word) { return }
        if current.kind == .identifier, Suggestions.closest(to: current.identifier ?? "", in: context.allowed) != nil { return }
        skipStatement()
    }

    mutating func parseStatement(_ context: BlockContext, owner: String) throws -> Statement? {
        guard current.kind == .identifier, let word = current.identifier else {
            throw failAtCurrent("rein.parse.expected-statement", "expected a statement in \(owner), found \(describeCurrent())")
        }
        guard context.allowed.contains(word) else {
            let allowedList = context.allowed.map { "`\($0)`" }.joined(separator: ", ")
            if BlockContext.allStatementKeywords.contains(word) {
                throw failAtCurrent(
                    "rein.parse.statement-not-allowed", "`\(word)` is not allowed in \(context.name)",
                    help: "\(context.name) may contain \(allowedList)")
            }
            let help = Suggestions.didYouMean(word, in: context.allowed) ?? "\(context.name) may contain \(allowedList)"
            throw failAtCurrent("rein.parse.unknown-statement", "unknown statement `\(word)` in \(owner)", help: help)
        }
        let keywordIndex = position
        let keywordToken = advance()
        let keyword = Identifier(word, span: span(keywordToken))
        let diagnosticsBefore = diagnostics.count
        do {
            let kind = try parseStatementBody(word, context: context, keyword: keywordToken)
            return Statement(kind: kind, keyword: keyword, span: span(from: keywordToken, to: previous))
        } catch {
            explainSlip(statementAt: keywordIndex, diagnosticsFrom: diagnosticsBefore)
            throw error
        }
    }

    // swiftlint:disable:next cyclomatic_complexity
    mutating func parseStatementBody(_ word: String, context: BlockContext, keyword: Token) throws -> StatementKind {
        switch word {
        case "role": return .role(try parseRole())
        case "eligible":
            let role = try parseRole()
            _ = try expectWord("at", after: "the role")
            let scope = try expectName("a scope (`subscription`, `resource_group` or `resource`)")
            guard ["subscription", "resource_group", "resource"].contains(scope.name) else {
                report(
                    "rein.parse.unknown-scope", "unknown scope `\(scope.name)`", at: scope.span,
                    help: "a scope is `subscription`, `resource_group` or `resource`")
                throw ParseAbort()
            }
            return .eligible(role, scope: scope)
        case "principal": return .principal(try parseString("the principal's object id"))
        case "max_activation": return .maxActivation(try parseDuration())
        case "effect":
            let name = try expectName("`read` or `write`")
            guard let effect = ToolEffect(rawValue: name.name) else {
                report(
                    "rein.parse.invalid-effect", "unknown effect `\(name.name)`", at: name.span,
                    help: "a tool's effect is `read` or `write`")
                throw ParseAbort()
            }
            if context == .declaration(.query), effect == .write {
                report(
                    "rein.parse.invalid-effect", "a query is always `effect read`", at: name.span,
                    help: "a query only reads; declare a `tool` with `effect write` to change anything")
                throw ParseAbort()
            }
            return .effect(effect, span: name.span)
        case "description": return .description(try parseString("a description"))
        case "title": return .title(try parseString("a title"))
        case "kql": return .kql(try parseString("a KQL template"))
        case "channel": return .channel(try parseString("a Teams channel id"))
        case "arg", "context":
            let declaration = try parseArgDeclaration { partial in
                word == "arg" ? .arg(partial) : .context(partial)
            }
            return word == "arg" ? .arg(declaration) : .context(declaration)
        case "elevate": return .elevate(try parseElevation())
        case "trigger": return .trigger(try parseExpression())
        case "max_iterations": return .maxIterations(try parseInteger())
        case "approvers": return .approvers(try parseInteger())
        case "investigate": return .investigate(try parseNameList())
        case "remediate": return .remediate(try parseNameList())
        case "approval":
            guard let open = eat(.leftBrace) else {
                throw fail("rein.parse.expected-brace", "expected `{` after `approval`, found \(describeCurrent())")
            }
            return .approval(parseBlock(.approval, open: open, owner: "the approval block"))
        case "deny": return .deny(try parseDenyRule())
        case "require": return .requireApprovals(try parseRequireRule())
        case "allow": return .allow(try parseStringList("an approver glob like `\"*@contoso.com\"`"))
        case "timeout": return .timeout(try parseDuration())
        case "max_elevation": return .maxElevation(try parseDuration())
        case "approval_timeout": return .approvalTimeout(try parseDuration())
        case "on_timeout": return .onTimeout(try parseTimeoutAction())
        default:  // "forbid"
            _ = try expectWord("namespace", after: "`forbid`")
            return .forbidNamespace(try parseStringList("a namespace"))
        }
    }

    /// Consumes the fixed word `word`, or fails with `help` (by default, at a line end, that the
    /// word belongs on this line).
    mutating func expectWord(_ word: String, after what: String, help: String? = nil) throws -> Token {
        if let token = eatWord(word) { return token }
        let atLineEnd = at(.newline)
        let help = help ?? (atLineEnd ? "keep `\(word)` on this line: only `and`, `or`, `|` and `because` may start a continuation line" : nil)
        throw fail("rein.parse.expected-keyword", "expected `\(word)` after \(what), found \(describeCurrent())", help: help)
    }

    mutating func parseString(_ what: String) throws -> StringLiteral {
        if at(.string), current.value == .malformed { throw skipMalformedToken() }
        guard at(.string), case .string(let value, let form) = current.value else {
            let help = current.kind == .identifier ? "put the text in double quotes: `\"…\"`" : nil
            throw fail("rein.parse.expected-string", "expected \(what) as a string, found \(describeCurrent())", help: help)
        }
        let token = advance()
        return StringLiteral(value, form: form, span: span(token))
    }

    mutating func parseStringList(_ what: String) throws -> [StringLiteral] {
        var items = [try parseString(what)]
        while eat(.comma) != nil { items.append(try parseString(what)) }
        return items
    }

    mutating func parseNameList() throws -> [Identifier] {
        var names = [try expectName("a tool or query name")]
        while eat(.comma) != nil { names.append(try expectName("a tool or query name")) }
        return names
    }

    /// `"Role Name"` or `"Custom Role" id "GUID"`.
    mutating func parseRole() throws -> RoleReference {
        let name = try parseString("a role name like `\"Reader\"`")
        var id: StringLiteral?
        if eatWord("id") != nil { id = try parseString("the custom role's GUID") }
        return RoleReference(name: name, id: id)
    }

    mutating func parseElevation() throws -> Elevation {
        let identity = try expectName("an identity name")
        _ = try expectWord("role", after: "the identity")
        let role = try parseRole()
        _ = try expectWord("for", after: "the role")
        return Elevation(identity: identity, role: role, duration: try parseDuration())
    }

    mutating func parseTimeoutAction() throws -> TimeoutAction {
        let help = "write `on_timeout page P1` (or `P2`, `P3`) or `on_timeout no_action`; a timeout never approves"
        guard let word = current.identifier else {
            throw fail("rein.parse.invalid-on-timeout", "expected `page` or `no_action`, found \(describeCurrent())", help: help)
        }
        let token = advance()
        if word == "no_action" { return .noAction }
        guard word == "page" else {
            report("rein.parse.invalid-on-timeout", "`on_timeout \(word)` is not a timeout action", at: span(token), help: help)
            throw ParseAbort()
        }
        guard let priorityWord = current.identifier, let priority = PagePriority(rawValue: priorityWord) else {
            throw fail("rein.parse.invalid-on-timeout", "expected a page priority `P1`, `P2` or `P3`, found \(describeCurrent())", help: help)
        }
        advance()
        return .page(priority)
    }

    mutating func parseTarget() throws -> RuleTarget {
        if let star = eat(.star) { return .all(span: span(star)) }
        if let open = eat(.leftBracket) {
            var names = [try expectName("a tool name")]
            while eat(.comma) != nil { names.append(try expectName("a tool name")) }
            let close = try expect(.rightBracket, "to close the tool list")
            return .tools(names, span: span(from: open, to: close))
        }
        let name = try expectName("a tool name, a list `[a, b]` or `*`")
        return .tools([name], span: name.span)
    }

    mutating func parseDenyRule() throws -> DenyRule {
        let target = try parseTarget()
        _ = try expectWord("when", after: "the rule's target", help: conditionWordHelp(after: target))
        let condition = try parseExpression()
        var message: StringLiteral?
        if eatWord("because") != nil { message = try parseString("the reason") }
        return DenyRule(target: target, condition: condition, message: message)
    }

    mutating func parseRequireRule() throws -> RequireRule {
        _ = try expectWord("approvals", after: "`require`")
        let count = try parseInteger()
        var target: RuleTarget?
        if eatWord("for") != nil { target = try parseTarget() }
        _ = try expectWord("when", after: target == nil ? "the approval count" : "the rule's target", help: target.flatMap(conditionWordHelp))
        return RequireRule(approvals: count, target: target, condition: try parseExpression())
    }
}
