import ReinSyntax

/// A runbook whose trigger is false for every alert.
struct TriggerNeverMatches: LintRule {
    let id = "trigger-never-matches"
    let defaultLevel = Severity.warning
    let summary = "a runbook whose trigger can never match an alert"
    let rationale = """
        A runbook is chosen by its trigger; one that no alert can satisfy is dead, and the \
        incidents it was written for fall through to another runbook or to none. Azure alert \
        severities run from 0 (critical) to 4 (verbose), so `alert.severity > 4` never holds, \
        and `alert.severity <= 1 and alert.severity >= 3` contradicts itself.
        """
    let examples = LintExamples(
        triggering: [
            """
            runbook disk_pressure {
              title "Node disk pressure"
              trigger alert.rule like "aks-disk-*" and alert.severity > 4
            }
            """,
            """
            runbook disk_pressure {
              title "Node disk pressure"
              trigger alert.severity <= 1 and alert.severity >= 3
            }
            """,
        ],
        passing: [
            """
            runbook disk_pressure {
              title "Node disk pressure"
              trigger alert.rule like "aks-disk-*" and alert.severity <= 2
            }
            """,
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        let analysis = bundle.baseAnalysis
        return bundle.model.runbooks.compactMap { runbook in
            guard let trigger = runbook.trigger, !analysis.possibility(of: trigger).canBeTrue else { return nil }
            return LintFinding(
                at: trigger.span, "the trigger of runbook `\(runbook.name)` can never match an alert",
                help: "`alert.severity` runs from 0 to 4, `now.hour` from 0 to 23 and `now.weekday` from 1 to 7; check the comparisons")
        }
    }
}
