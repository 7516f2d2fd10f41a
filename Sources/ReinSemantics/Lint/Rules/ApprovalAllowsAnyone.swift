import ReinSyntax

/// An approval `allow` glob that any identity matches.
struct ApprovalAllowsAnyone: LintRule {
    let id = "approval-allows-anyone"
    let defaultLevel = Severity.error
    let summary = "an approval allow glob that matches any identity, such as \"*\""
    let rationale = """
        The approval card is the one human check between the agent and a change in production. \
        `allow "*"` (or `"*@*"`) lets anyone who can see the card approve it — a guest in the \
        channel, a bot, another tenant's user. Name the people or the domain that may approve: \
        `allow "*@contoso.com"`, or better a short list of on-call identities.
        """
    let examples = LintExamples(
        triggering: [
            approvalExample(allow: #""*""#),
            approvalExample(allow: #""*@contoso.com", "*@*""#),
        ],
        passing: [
            approvalExample(allow: #""*@contoso.com""#),
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.model.runbooks.flatMap { runbook in
            bundle.approvalStatements(ofRunbook: runbook.name).flatMap { statement -> [LintFinding] in
                guard case .allow(let globs) = statement.kind else { return [] }
                return globs.filter { Self.matchesAnyone($0.value) }.map { glob in
                    LintFinding(
                        at: glob.span, "this `allow` glob lets anyone approve remediations of runbook `\(runbook.name)`",
                        help: "allow only your approvers: their domain (`\"*@contoso.com\"`) or their identities")
                }
            }
        }
    }

    /// True for a glob of only wildcards and the separators of an identity (`*`, `*@*`, `*@*.*`).
    static func matchesAnyone(_ glob: String) -> Bool {
        glob.unicodeScalars.contains("*") && glob.unicodeScalars.allSatisfy { "*?@.".unicodeScalars.contains($0) }
    }
}
