import ReinSyntax

/// A rule that repeats an earlier one in force wherever it is.
struct ShadowedRule: LintRule {
    let id = "shadowed-rule"
    let defaultLevel = Severity.warning
    let summary = "a deny or require approvals rule identical to an earlier one that is in force wherever it is"
    let rationale = """
        A rule with the same target and condition as an earlier rule (and, for `deny`, the same \
        message; for `require approvals`, no more approvers) changes no verdict: whenever it \
        matches, the earlier one already does, and it only repeats a reason. It usually comes from a copy and paste whose edit was forgotten. \
        A policy rule is in force in every runbook, so it shadows a runbook's copy; a runbook's \
        rule shadows only later copies in the same runbook.
        """
    let examples = LintExamples(
        triggering: [
            writeToolExample(
                "restart", "Restart a deployment", arg: "namespace: namespace",
                policy: #"deny restart when args.namespace == "payments" because "payments restarts go through the change board""#,
                #"deny restart when args.namespace == "payments" because "payments restarts go through the change board""#),
            writeToolExample(
                "restart", "Restart a deployment", arg: "namespace: namespace",
                policy: #"require approvals 2 for restart when args.namespace == "payments""#,
                #"require approvals 2 for restart when args.namespace == "payments""#),
        ],
        passing: [
            writeToolExample(
                "restart", "Restart a deployment", arg: "namespace: namespace",
                policy: #"require approvals 2 for restart when args.namespace == "payments""#,
                #"require approvals 3 for restart when args.namespace == "payments""#,
                #"deny restart when args.namespace == "billing" because "billing restarts go through the change board""#),
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        let rules = bundle.model.rules
        return bundle.shadowingRules.keys.sorted().compactMap { index in
            guard let earlier = bundle.shadowingRules[index] else { return nil }
            return LintFinding(
                at: rules[index].span, "this rule repeats an earlier one: whenever it matches, the earlier one already does",
                notes: [DiagnosticNote("the earlier rule", at: rules[earlier].span)],
                help: "remove it, or change what it was meant to change")
        }
    }

    /// For each rule that an earlier one makes redundant, the first such earlier rule (indices
    /// into `SemanticModel.rules`). Rules are bucketed by kind, targets and condition, so this
    /// is linear in the number of rules unless many identical ones live in different runbooks.
    static func shadowing(in rules: [RuleModel]) -> [Int: Int] {
        var buckets: [Int: [Int]] = [:]
        var result: [Int: Int] = [:]
        for (index, rule) in rules.enumerated() {
            var hasher = Hasher()
            rule.condition.hashStructure(into: &hasher)
            if case .deny = rule.action { hasher.combine(0) } else { hasher.combine(1) }
            switch rule.target {
            case .all: hasher.combine(0)
            case .tools(let names): hasher.combine(Set(names.map(ExactString.init)))
            }
            let key = hasher.finalize()
            let earlier = buckets[key, default: []]
            if let first = earlier.first(where: { shadows(rules[$0], rule) }) { result[index] = first }
            buckets[key, default: []].append(index)
        }
        return result
    }

    /// True when `earlier` makes `later` redundant.
    static func shadows(_ earlier: RuleModel, _ later: RuleModel) -> Bool {
        switch (earlier.owner, later.owner) {
        case (.runbook(let a), .runbook(let b)) where !a.isExactly(b): return false
        case (.runbook, .policy): return false
        default: break
        }
        switch (earlier.action, later.action) {
        case (.deny(let a), .deny(let b)):
            switch (a, b) {
            case (nil, nil): break
            case (let a?, let b?) where a.isExactly(b): break
            default: return false
            }
        case (.requireApprovals(let a), .requireApprovals(let b)):
            guard b <= a else { return false }
        default:
            return false
        }
        return sameTargets(earlier.target, later.target) && earlier.condition.hasSameStructure(as: later.condition)
    }

    private static func sameTargets(_ left: RuleTargetModel, _ right: RuleTargetModel) -> Bool {
        switch (left, right) {
        case (.all, .all): true
        case (.tools(let a), .tools(let b)): Set(a.map(ExactString.init)) == Set(b.map(ExactString.init))
        default: false
        }
    }
}
