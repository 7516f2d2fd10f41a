import ReinSyntax

extension CheckerContext {
    /// `deny TARGET when EXPR [because "MSG"]`. Returns the rule's index in `model.rules`.
    mutating func checkDenyRule(_ rule: DenyRule, statement: Statement, owner: RuleOwner) -> Int {
        let (target, scope) = resolveRuleTarget(rule.target)
        let (condition, state) = typeCondition(rule.condition, scope: scope, what: "a rule's condition")
        warnAboutUnmatchableArgs(state, scope: scope)
        return appendRule(
            RuleModel(
                action: .deny(message: rule.message?.value), owner: owner, target: target, condition: condition,
                argUses: state.argUses, span: statement.span))
    }

    /// `require approvals N [for TARGET] when EXPR`; without `for` the target is `*`.
    mutating func checkRequireRule(_ rule: RequireRule, statement: Statement, owner: RuleOwner) -> Int {
        let approvals = positiveCount(rule.approvals, keyword: "require approvals")
        let (target, scope) = resolveRuleTarget(rule.target)
        let (condition, state) = typeCondition(rule.condition, scope: scope, what: "a rule's condition")
        warnAboutUnmatchableArgs(state, scope: scope)
        return appendRule(
            RuleModel(
                action: .requireApprovals(approvals ?? 1), owner: owner, target: target, condition: condition,
                argUses: state.argUses, span: statement.span))
    }

    private mutating func appendRule(_ rule: RuleModel) -> Int {
        model.rules.append(rule)
        return model.rules.count - 1
    }

    /// `*`, one tool, or `[a, b]`: every name must be a declared tool or query.
    private mutating func resolveRuleTarget(_ target: RuleTarget?) -> (RuleTargetModel, ExpressionScope) {
        guard case .tools(let names, _)? = target else {
            return (.all, ExpressionScope(isTrigger: false, args: .wildcard))
        }
        var tools: [ToolModel] = []
        var resolved = true
        var seen: [String: SourceSpan] = [:]
        for name in names {
            if let first = seen[name.name] {
                error(
                    .duplicateListEntry, "`\(name.name)` is listed twice in the rule's target", at: name.span,
                    notes: [DiagnosticNote("first listed here", at: first)], help: "remove one of them")
                continue
            }
            seen[name.name] = name.span
            if let tool = resolveToolReference(name, listHelp: "a rule's target lists tools and queries") {
                tools.append(tool)
            } else {
                resolved = false
            }
        }
        return (.tools(tools.map(\.name)), ExpressionScope(isTrigger: false, args: resolved ? .tools(tools) : .unresolved))
    }

    /// A name that must be a declared tool or query. `expects` says what the list holds,
    /// for the wrong-kind message (`a tool or query`, `a write tool`), and `listHelp` what it
    /// lists.
    mutating func resolveToolReference(
        _ name: Identifier, expects: String = "a tool or query", listHelp: @autoclosure () -> String
    ) -> ToolModel? {
        guard let entry = symbols.lookup(name.name) else {
            // A declaration whose header did not parse was already reported.
            if parseErrors.lostNames.contains(name.name) { return nil }
            error(
                .unknownTool, "unknown tool `\(name.name)`", at: name.span,
                help: suggestion(for: name.name, among: symbols.names(of: [.tool, .query]))
                    ?? "declare it with `tool \(name.name) { … }` or `query \(name.name) { … }`")
            return nil
        }
        guard entry.kind == .tool || entry.kind == .query, let tool = model.tool(named: name.name) else {
            error(
                .wrongKind, "`\(name.name)` is \(entry.kind.withArticle), not \(expects)", at: name.span,
                notes: [DiagnosticNote("`\(name.name)` is declared here", at: entry.nameSpan)],
                help: listHelp())
            return nil
        }
        return tool
    }

    /// In a rule for `*`, an arg no tool has (at the type read) means the rule never applies:
    /// most likely a typo. A warning, since the rule is still well-formed; none when the
    /// bundle declares no tools at all (policies checked on their own), for an arg already
    /// warned about as read at two types, or for one that some tool declares with a syntax
    /// error (its type is unknown).
    private mutating func warnAboutUnmatchableArgs(_ state: TypingState, scope: ExpressionScope) {
        guard case .wildcard = scope.args, !model.tools.isEmpty else { return }
        for use in state.argUses {
            guard !state.conflictingArgs.contains(use.name), !invalidArgNames.contains(use.name),
                let span = state.argUseSpans[use.name]?.span
            else { continue }
            guard let types = argTypesByName[use.name] else {
                warning(
                    .argMatchesNoTool, "no tool has an arg `\(use.name)`, so this rule never applies", at: span,
                    help: suggestion(for: use.name, among: argTypesByName.keys.sorted()))
                continue
            }
            if use.type != .any, !types.contains(use.type) {
                warning(
                    .argMatchesNoTool, "no tool has \(use.type.withArticle) arg `\(use.name)`, so this rule never applies", at: span,
                    help: "the tools' `\(use.name)` args are \(types.map(\.description).sorted().joined(separator: ", "))")
            }
        }
    }
}
