import ReinSyntax

/// A `deny` whose condition holds for every value the declarations allow.
struct DenyAlwaysMatches: LintRule {
    let id = "deny-always-matches"
    let defaultLevel = Severity.warning
    let summary = "a deny rule whose condition always holds, so the tools it targets can never be used"
    let rationale = """
        A `deny` that matches every proposal of its tools turns them off in a roundabout way: \
        the agent keeps proposing them and keeps being denied, spending its iteration budget. \
        `args.replicas >= 1` on an arg declared `in 1..10` is always true, and so is \
        `args.namespace != "Payments-DB"` (no namespace has upper case). To take a tool away, \
        remove it from the runbook's `investigate` or `remediate` list; otherwise narrow the \
        condition.
        """
    let examples = LintExamples(
        triggering: [
            writeToolExample(
                "scale", "Set the replica count of a deployment", arg: #"replicas: int in 1..10"#,
                policy: #"deny scale when args.replicas >= 1 because "scaling needs a ticket""#),
            writeToolExample(
                "restart", "Restart a deployment", arg: #"mode: "rolling" | "recreate""#,
                policy: #"deny restart when args.mode in ["rolling", "recreate"] because "no restarts""#),
            writeToolExample(
                "restart", "Restart the deployments of a namespace", arg: #"namespace: namespace"#,
                policy: #"deny restart when args.namespace != "Payments-DB" because "only the ledger database restarts here""#),
        ],
        passing: [
            writeToolExample(
                "restart", "Restart a deployment", arg: #"mode: "rolling" | "recreate""#,
                policy: #"deny restart when args.mode == "recreate" because "a recreate drops every pod at once""#),
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.denyFindings(where: { !$0.canBeFalse }) { analysis in
            ("this `deny` always matches: every proposal of \(LintContext.nameList(analysis.tools.map(\.name))) is denied",
             "narrow the condition, or take the tool out of the runbooks' lists instead")
        }
    }
}
