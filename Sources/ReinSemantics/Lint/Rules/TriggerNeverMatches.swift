import ReinSyntax

/// A runbook whose trigger never selects it: false for every alert, or true only for alerts
/// that an earlier runbook's trigger already takes.
struct TriggerNeverMatches: LintRule {
    let id = "trigger-never-matches"
    let defaultLevel = Severity.warning
    let summary = "a runbook whose trigger can never select it: no alert satisfies it, or an earlier runbook takes every alert it matches"
    let rationale = """
        A runbook is chosen by the first trigger in bundle order that matches the alert; one \
        that can never be chosen is dead, and the incidents it was written for go to another \
        runbook. Azure alert severities run from 0 (critical) to 4 (verbose), so \
        `alert.severity > 4` never holds, and `alert.severity <= 1 and alert.severity >= 3` \
        contradicts itself. An earlier runbook whose trigger is this one's or a part of it \
        (`alert.rule like "aks-*"` before `alert.rule like "aks-*" and alert.severity <= 1`) \
        takes every alert first: put the narrower runbook first (files sort by path).
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
            """
            runbook any_aks_alert {
              title "Any AKS alert"
              trigger alert.rule like "aks-*"
            }
            runbook critical_disk_pressure {
              title "Critical node disk pressure"
              trigger alert.rule like "aks-*" and alert.severity <= 1
            }
            """,
        ],
        passing: [
            """
            runbook critical_disk_pressure {
              title "Critical node disk pressure"
              trigger alert.rule like "aks-*" and alert.severity <= 1
            }
            runbook any_aks_alert {
              title "Any AKS alert"
              trigger alert.rule like "aks-*"
            }
            """,
        ])

    func findings(in bundle: LintContext) -> [LintFinding] {
        var earlier: [(name: String, trigger: CheckedExpr, conjuncts: [CheckedExpr])] = []
        // Earlier runbooks by the structure of their first condition: only those whose first
        // condition is among a later trigger's can take its alerts (no quadratic scan).
        var byFirstCondition: [Int: [Int]] = [:]
        var firstAlwaysTrue: Int?
        var findings: [LintFinding] = []
        for runbook in bundle.model.runbooks {
            guard let trigger = runbook.trigger else { continue }
            let possibility = bundle.baseAnalysis.possibility(of: trigger)
            let conjuncts = Self.conjuncts(of: trigger)
            let hashes = conjuncts.map(Self.structureHash)
            if !possibility.canBeTrue {
                findings.append(
                    LintFinding(
                        at: trigger.span, "the trigger of runbook `\(runbook.name)` can never match an alert",
                        help: "`alert.severity` runs from 0 to 4, `now.hour` from 0 to 23 and `now.weekday` from 1 to 7; check the comparisons"))
            } else {
                let candidates = (Set(hashes).flatMap { byFirstCondition[$0] ?? [] } + (firstAlwaysTrue.map { [$0] } ?? [])).sorted()
                if let first = candidates.first(where: { Self.isPart(earlier[$0].conjuncts, of: conjuncts) || $0 == firstAlwaysTrue }) {
                    findings.append(
                        LintFinding(
                            at: trigger.span,
                            "the trigger of runbook `\(runbook.name)` never selects it: runbook `\(earlier[first].name)` comes first and takes every alert it matches",
                            notes: [DiagnosticNote("the earlier trigger", at: earlier[first].trigger.span)],
                            help: "put the narrower runbook first in bundle order (files sort by path), or narrow the earlier trigger"))
                }
            }
            // Always true only if it cannot fail either: a trigger that reads the alert fails on
            // an alert without that field, one that reads the context on an incident without
            // that key — and a trigger that fails does not match.
            if !possibility.canBeFalse, firstAlwaysTrue == nil, !Self.canFail(trigger, depth: 0) {
                firstAlwaysTrue = earlier.count
            }
            if let first = hashes.first { byFirstCondition[first, default: []].append(earlier.count) }
            earlier.append((runbook.name, trigger, conjuncts))
        }
        return findings
    }

    private static func structureHash(_ expr: CheckedExpr) -> Int {
        var hasher = Hasher()
        expr.hashStructure(into: &hasher)
        return hasher.finalize()
    }

    /// True when evaluating the trigger may fail: it reads `alert` or `context` (or anything
    /// but literals and `now`).
    static func canFail(_ expr: CheckedExpr, depth: Int) -> Bool {
        guard depth < ConditionAnalysis.depthLimit else { return true }
        switch expr.kind {
        case .alert, .context, .arg, .session, .tool, .invalid: return true
        case .not(let inner): return canFail(inner, depth: depth + 1)
        case .list(let items), .logical(_, let items): return items.contains { canFail($0, depth: depth + 1) }
        case .comparison(_, let left, let right): return canFail(left, depth: depth + 1) || canFail(right, depth: depth + 1)
        case .literal, .effect, .range, .now: return false
        }
    }

    /// The operands of a top-level `and` (the expression itself otherwise).
    static func conjuncts(of expr: CheckedExpr) -> [CheckedExpr] {
        if case .logical(.and, let operands) = expr.kind { return operands }
        return [expr]
    }

    /// True when every condition of `part` is also one of `whole`'s: whenever `whole` holds, so
    /// does `part`.
    static func isPart(_ part: [CheckedExpr], of whole: [CheckedExpr]) -> Bool {
        part.allSatisfy { condition in whole.contains { $0.hasSameStructure(as: condition) } }
    }
}
