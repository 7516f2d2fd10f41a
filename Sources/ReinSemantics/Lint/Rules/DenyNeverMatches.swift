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
        changed without the other. The same goes for a string literal no checked value can \
        equal: one outside the arg's `len` (`args.prefix == ""` on `len 1..64`), one that does \
        not match its `matching` pattern, one that is not a valid `name` or `namespace` \
        (`args.namespace == "Payments-DB"`: namespaces are lower case), or a namespace a policy \
        forbids — there a typo silently turns the protection off. Ints and durations are \
        reasoned about as intervals, enums as sets, strings by the checks they pass, \
        `alert.severity` as 0–4, `now.hour` as 0–23 and `now.weekday` as 1–7; `and` and `or` \
        combine what they can.
        """
    let examples = LintExamples(
        triggering: [
            writeToolExample(
                "scale", "Set the replica count of a deployment", arg: #"replicas: int in 1..10"#,
                policy: #"deny scale when args.replicas > 20 because "the pool holds at most 20 replicas""#),
            writeToolExample(
                "drain", "Drain a node", arg: #"grace: duration in 30s..10m"#,
                policy: #"deny drain when args.grace < 10s and now.hour in 8..17 because "too short a grace period by day""#),
            writeToolExample(
                "purge", "Purge the cached objects under a key prefix", arg: #"prefix: string len 1..64"#,
                policy: #"deny purge when args.prefix == "" because "an empty prefix purges everything""#),
            writeToolExample(
                "restart", "Restart the deployments of a namespace", arg: #"namespace: namespace"#,
                policy: #"deny restart when args.namespace == "Payments-DB" because "the ledger database restarts by hand""#),
            writeToolExample(
                "restart", "Restart the deployments of a namespace", arg: #"namespace: namespace"#,
                policy: #"forbid namespace "kube-system", "gatekeeper-system""#,
                #"deny restart when args.namespace in ["kube-system", "gatekeeper-system"] because "system namespaces""#),
            writeToolExample(
                "resize", "Resize an AKS node pool", arg: ##"pool: string len 1..12 matching #"^[a-z][a-z0-9]*$"#"##,
                policy: #"deny resize when args.pool == "gpu_pool" because "the GPU pool is sized by hand""#),
        ],
        passing: [
            writeToolExample(
                "scale", "Set the replica count of a deployment", arg: #"replicas: int in 1..10"#,
                policy: #"deny scale when args.replicas > 6 because "the pool holds at most 6 replicas""#),
            writeToolExample(
                "restart", "Restart the deployments of a namespace", arg: #"namespace: namespace"#,
                policy: #"deny restart when args.namespace == "payments-db" because "the ledger database restarts by hand""#),
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.denyFindings(where: { !$0.canBeTrue }) { _ in
            ("this `deny` can never match: its condition is false for every value the declarations allow",
             "fix the bound or the condition, or remove the rule")
        }
    }
}
