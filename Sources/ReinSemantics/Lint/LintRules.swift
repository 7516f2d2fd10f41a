import ReinSyntax

/// The registry of lint rules, in catalogue order.
public enum LintRules {
    /// Every rule's diagnostic code starts with this.
    public static let codePrefix = "rein.lint."

    /// Every lint rule, in the order of the catalogue (docs/LINT.md).
    public static let all: [any LintRule] = [
        DenyNeverMatches(),
        DenyAlwaysMatches(),
        ShadowedRule(),
        TriggerNeverMatches(),
        UnusedTool(),
        MissingDescription(),
        ApprovalAllowsAnyone(),
        TimeoutWithoutPage(),
        KQLWithoutTimeFilter(),
        LongElevation(),
    ]

    /// The rule with this id (or its full code `rein.lint.ID`), if any.
    public static func rule(named name: String) -> (any LintRule)? {
        let id = name.hasPrefix(codePrefix) ? String(name.dropFirst(codePrefix.count)) : name
        return all.first { $0.id == id }
    }

}
