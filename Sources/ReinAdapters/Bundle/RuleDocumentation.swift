/// The SARIF rule description of every code `rein check` reports: a lint rule's from the rule
/// itself (its summary, rationale and examples, docs/LINT.md), any other code's from
/// docs/DIAGNOSTICS.md (``SARIFRuleDescription/catalogued(_:)``).
public enum RuleDocumentation {
    /// The description of `code`'s rule, or nil for a code nothing documents.
    @Sendable public static func describe(_ code: String) -> SARIFRuleDescription? {
        guard code.hasPrefix(LintRules.codePrefix), let rule = LintRules.rule(named: code) else {
            return SARIFRuleDescription.catalogued(code)
        }
        return describe(rule)
    }

    /// A lint rule's description. The examples leave out the identities every example shares
    /// (``LintExamples/prelude``), as docs/LINT.md does. Lint rules reason about what the
    /// bundle declares, not what runs: precision `high`.
    public static func describe(_ rule: any LintRule) -> SARIFRuleDescription {
        let suppression = """
            To accept one finding, say why in a comment on its line or alone on the line above: \
            `# rein:ignore \(rule.id) REASON`. `rein check --rule \(rule.id)=LEVEL` sets the rule's \
            level (`error`, `warning`, `note` or `off`).
            """
        let examples = rule.examples.triggering.prefix(1).map { example("Triggers it", $0) }
            + rule.examples.passing.prefix(1).map { example("Does not", $0) }
        return SARIFRuleDescription(
            title: SARIFRuleDescription.title(of: rule.code), summary: SARIFRuleDescription.sentence(rule.summary),
            paragraphs: [rule.rationale, suppression], markdownOnly: examples,
            documentation: "docs/LINT.md#\(rule.id)", defaultLevel: rule.defaultLevel, precision: .high)
    }

    /// An example as markdown: its caption, then the source as a fenced `rein` block.
    private static func example(_ caption: String, _ source: String) -> String {
        var source = Substring(source)
        while source.last == "\n" { source = source.dropLast() }
        return "\(caption):\n\n```rein\n\(source)\n```"
    }
}
