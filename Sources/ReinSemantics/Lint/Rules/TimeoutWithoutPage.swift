import ReinSyntax

/// `on_timeout no_action` on a runbook that can change things.
struct TimeoutWithoutPage: LintRule {
    let id = "timeout-without-page"
    let defaultLevel = Severity.warning
    let summary = "on_timeout no_action on a runbook with write tools: an unanswered approval pages no one"
    let rationale = """
        When nobody answers an approval card in time, the session ends with no action — always. \
        With `no_action` that is also the end of the story: the incident that needed a fix is \
        still open and nobody has been told. Page someone (`on_timeout page P1`, as the seed \
        design does) so that a human picks up what the agent could not finish.
        """
    let examples = LintExamples(
        triggering: [approvalExample(onTimeout: "no_action")],
        passing: [approvalExample(onTimeout: "page P2")])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.model.runbooks.compactMap { runbook in
            guard !runbook.remediate.isEmpty, runbook.approval?.onTimeout == .noAction else { return nil }
            let statement = bundle.approvalStatements(ofRunbook: runbook.name).first {
                if case .onTimeout = $0.kind { return true }
                return false
            }
            return LintFinding(
                at: statement?.span ?? runbook.span,
                "an unanswered approval in runbook `\(runbook.name)` ends the session without paging anyone",
                help: "use `on_timeout page P1` (or `P2`, `P3`) so that a human takes over")
        }
    }
}
