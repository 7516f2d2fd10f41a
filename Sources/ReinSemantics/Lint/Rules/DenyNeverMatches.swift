import ReinSyntax

/// A `deny` whose condition is false for every value the declarations allow.
struct DenyNeverMatches: LintRule {
    let id = "deny-never-matches"
    let defaultLevel = Severity.warning
    let summary = "a deny rule whose condition can never hold, given the declared bounds of what it reads"
    let rationale = """
        Args are checked against their declared bounds before any rule runs, so a `deny` that \
        compares an arg with a value outside them never fires: `args.replicas > 20` on an arg \
        declared `in 1..10` protects nothing, and usually means the bound or the rule was \
        changed without the other. Ints and durations are reasoned about as intervals, enums as \
        sets, `alert.severity` as 0–4, `now.hour` as 0–23 and `now.weekday` as 1–7; `and` and \
        `or` combine what they can.
        """
    let examples = LintExamples(
        triggering: [
            writeToolExample(
                "scale", "Set the replica count of a deployment", arg: #"replicas: int in 1..10"#,
                policy: #"deny scale when args.replicas > 20 because "the pool holds at most 20 replicas""#),
            writeToolExample(
                "drain", "Drain a node", arg: #"grace: duration in 30s..10m"#,
                policy: #"deny drain when args.grace < 10s and now.hour in 8..17 because "too short a grace period by day""#),
        ],
        passing: [
            writeToolExample(
                "scale", "Set the replica count of a deployment", arg: #"replicas: int in 1..10"#,
                policy: #"deny scale when args.replicas > 6 because "the pool holds at most 6 replicas""#),
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.denyFindings(where: { !$0.canBeTrue }) { _ in
            ("this `deny` can never match: its condition is false for every value the declarations allow",
             "fix the bound or the condition, or remove the rule")
        }
    }
}
