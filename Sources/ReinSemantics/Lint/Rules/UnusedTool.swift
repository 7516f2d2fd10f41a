import ReinSyntax

/// A tool or query that no runbook lists.
struct UnusedTool: LintRule {
    let id = "unused-tool"
    let defaultLevel = Severity.warning
    let summary = "a tool or query that no runbook lists in investigate or remediate"
    let rationale = """
        In a bundle with runbooks, the agent may only call what the runbook in use lists, so a \
        tool or query that no runbook names is dead policy: it is reviewed and maintained but \
        never runs, and a later runbook may pick it up without anyone looking at it again. In a \
        bundle without runbooks (policy-only mode) every declared tool is in scope and the rule \
        does not apply.
        """
    let examples = LintExamples(
        triggering: [
            """
            tool get_pods {
              effect read
              description "List the pods of a namespace"
              arg namespace: namespace
            }
            tool get_events {
              effect read
              description "List the events of a namespace"
              arg namespace: namespace
            }
            runbook crashloop {
              title "Pods in CrashLoopBackOff"
              trigger alert.rule like "aks-crashloop-*"
              investigate get_pods
            }
            """,
        ],
        passing: [
            """
            tool get_pods {
              effect read
              description "List the pods of a namespace"
              arg namespace: namespace
            }
            runbook crashloop {
              title "Pods in CrashLoopBackOff"
              trigger alert.rule like "aks-crashloop-*"
              investigate get_pods
            }
            """,
            """
            tool get_pods {
              effect read
              description "List the pods of a namespace"
              arg namespace: namespace
            }
            """,
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        guard !bundle.isPolicyOnly else { return [] }
        return bundle.model.tools.compactMap { tool in
            guard !bundle.listedTools.contains(tool.name) else { return nil }
            return LintFinding(
                at: tool.span, "\(tool.kind.rawValue) `\(tool.name)` is not listed in any runbook",
                help: "list it in a runbook's `\(tool.effect == .write ? "remediate" : "investigate")`, or remove it")
        }
    }
}
