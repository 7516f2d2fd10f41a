import ReinSyntax

/// An `elevate … for` longer than an hour.
struct LongElevation: LintRule {
    let id = "long-elevation"
    let defaultLevel = Severity.warning
    let summary = "an elevation longer than 1h"
    let rationale = """
        A PIM activation is standing access for as long as it lasts: the remediator keeps the \
        role after the fix is done. A remediation takes minutes; ask for that (the seed design \
        uses 15m). A policy's `max_elevation` caps every tool at once.
        """
    let examples = LintExamples(
        triggering: [approvalExample(elevation: "2h")],
        passing: [approvalExample(elevation: "30m")])

    static let limit = DurationValue(seconds: 3600)

    func findings(in bundle: LintContext) -> [LintFinding] {
        bundle.model.tools.compactMap { tool in
            guard let elevation = tool.elevation, elevation.requested > Self.limit else { return nil }
            return LintFinding(
                at: elevation.span, "tool `\(tool.name)` activates `\(elevation.role.name)` for longer than 1h",
                help: "ask for the time the change takes (minutes), or cap every tool with a policy's `max_elevation`")
        }
    }
}
