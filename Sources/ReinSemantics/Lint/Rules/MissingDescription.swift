import ReinSyntax

/// A tool or query the model is shown without a `description`.
struct MissingDescription: LintRule {
    let id = "missing-description"
    let defaultLevel = Severity.warning
    let summary = "a tool or query the model sees that has no description"
    let rationale = """
        The agent chooses among the tools it is shown by their descriptions; without one it \
        guesses from the name, and guesses wrong more often. A tool is shown when a runbook \
        lists it, and every tool is in policy-only mode (a bundle without runbooks). A doc \
        comment is for the people who read the file and does not count.
        """
    let examples = LintExamples(
        triggering: [
            """
            # Lists pods; the model never sees this comment.
            tool get_pods {
              effect read
              arg namespace: namespace
            }
            """,
        ],
        passing: [
            """
            tool get_pods {
              effect read
              description "List the pods of a namespace with their status and restarts"
              arg namespace: namespace
            }
            """,
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.model.tools.compactMap { tool in
            guard tool.description == nil, bundle.isPolicyOnly || bundle.listedTools.contains(tool.name) else { return nil }
            return LintFinding(
                at: tool.span, "\(tool.kind.rawValue) `\(tool.name)` has no `description` for the model",
                help: "add `description \"…\"`: say what it returns or changes, and when to use it")
        }
    }
}
