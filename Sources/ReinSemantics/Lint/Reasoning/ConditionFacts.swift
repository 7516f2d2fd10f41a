import ReinSyntax

extension ConditionAnalysis {
    /// What is known before any tool: every context key with its declared type and bounds
    /// (for strings, the checks values pass), and the fixed ranges of `alert.severity` (0–4), `now.hour` (0–23), `now.weekday` (1–7)
    /// and the session counters (≥ 0). The analysis of a runbook's trigger.
    init(model: SemanticModel) {
        var facts: [PathKey: ValueDomain] = [
            .alert(.severity): .interval(0, 4),
            .now(.hour): .interval(0, 23),
            .now(.weekday): .interval(1, 7),
            .session(.iteration): .interval(0, .max),
            .session(.denials): .interval(0, .max),
            .tool(.name): .anyString,
            .tool(.effect): .strings([ExactString(ToolEffect.read.rawValue), ExactString(ToolEffect.write.rawValue)]),
        ]
        for field in AlertField.allCases where field != .severity { facts[.alert(field)] = .anyString }
        let strings = StringChecks(model: model)
        for key in model.context { facts[.context(key.name)] = ValueDomain(key, strings: strings) }
        self.init(facts: facts, strings: strings)
    }

    /// This analysis for a rule evaluated against `tool`: adds the tool's name and effect and
    /// the bounds of the args the rule reads.
    func evaluating(_ rule: RuleModel, for tool: ToolModel) -> ConditionAnalysis {
        var facts = facts
        facts[.tool(.name)] = .strings([ExactString(tool.name)])
        if let effect = tool.effect { facts[.tool(.effect)] = .strings([ExactString(effect.rawValue)]) }
        for use in rule.argUses {
            if let arg = tool.args.first(where: { $0.name.isExactly(use.name) }) { facts[.arg(arg.name)] = ValueDomain(arg, strings: strings) }
        }
        return ConditionAnalysis(facts: facts, strings: strings)
    }

    /// What `rule`'s condition can do for each of `tools`. Tools that look the same to the
    /// condition (same effect, same bounds on the args it reads, and the same name when it
    /// reads `tool.name`) share one analysis: a `*` rule over a thousand tools costs a few.
    func outcomes(of rule: RuleModel, for tools: [ToolModel]) -> [Possibility] {
        let readsName = rule.condition.readsToolName(depth: 0)
        var cache: [ToolFacts: Possibility] = [:]
        return tools.map { tool in
            let key = ToolFacts(
                name: readsName ? ExactString(tool.name) : nil, effect: tool.effect,
                args: rule.argUses.map { use in
                    tool.args.first { $0.name.isExactly(use.name) }.map { ValueDomain($0, strings: strings) }
                })
            if let known = cache[key] { return known }
            let outcome = evaluating(rule, for: tool).possibility(of: rule.condition)
            cache[key] = outcome
            return outcome
        }
    }
}

/// What a condition can see of a tool.
private struct ToolFacts: Hashable {
    var name: ExactString?
    var effect: ToolEffect?
    var args: [ValueDomain?]
}

extension CheckedExpr {
    /// True when the expression reads `tool.name`.
    fileprivate func readsToolName(depth: Int) -> Bool {
        guard depth < ConditionAnalysis.depthLimit else { return true }
        switch kind {
        case .tool(.name): return true
        case .not(let inner): return inner.readsToolName(depth: depth + 1)
        case .list(let items), .logical(_, let items): return items.contains { $0.readsToolName(depth: depth + 1) }
        case .comparison(_, let left, let right): return left.readsToolName(depth: depth + 1) || right.readsToolName(depth: depth + 1)
        default: return false
        }
    }
}
