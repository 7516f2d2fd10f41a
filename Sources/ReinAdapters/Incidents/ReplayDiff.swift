import ReinEngine
import ReinSyntax

/// The change impact of a policy change (`rein diff`): the same recorded incidents replayed
/// under a base and a head bundle, step by step — every decision, reason codes, approval
/// verdict, executed action and outcome that differs, and its direction. A step the head permits more than the
/// base did (deny → require_approval → allow) is *newly allowed*: the dangerous direction.
public enum ReplayDiff {
    public enum Direction: String, Sendable {
        case newlyAllowed = "newly_allowed"
        case newlyDenied = "newly_denied"
        case changed
    }

    public struct Change: Sendable {
        /// The step's index, or nil for the incident's outcome.
        public var index: Int?
        public var at: Timestamp?
        public var event: String
        public var base: String
        public var head: String
        public var direction: Direction
    }

    public struct IncidentDiff: Sendable {
        public var path: String
        public var incident: String
        public var changes: [Change]
    }

    /// The differences of one incident's two replays (steps line up: the same events).
    public static func compare(path: String, base: ReplayResult, head: ReplayResult) -> IncidentDiff {
        var changes: [Change] = []
        for (left, right) in zip(base.steps, head.steps) {
            let before = describe(left.report), after = describe(right.report)
            guard before != after else { continue }
            changes.append(
                Change(
                    index: left.index, at: left.event.at, event: ReplayEncoder.word(left.event), base: before, head: after,
                    direction: direction(left.report, right.report)))
        }
        // What ran against production, in order: the same outcome can hide another action.
        let ran = { (result: ReplayResult) -> String in
            let actions = result.effects.compactMap { timed -> String? in
                guard case .execute(let tool, _, let args) = timed.effect else { return nil }
                return "\(tool) \(JSONWriter.string(.object(args)))"
            }
            return actions.isEmpty ? "nothing" : actions.joined(separator: "; ")
        }
        if ran(base) != ran(head) {
            changes.append(Change(index: nil, at: nil, event: "executed", base: ran(base), head: ran(head), direction: .changed))
        }
        let baseOutcome = "\(base.outcome.result.rawValue) (\(base.outcome.reason.rawValue))"
        let headOutcome = "\(head.outcome.result.rawValue) (\(head.outcome.reason.rawValue))"
        if base.runbook != head.runbook || baseOutcome != headOutcome {
            let before = "\(baseOutcome) in \(base.runbook)", after = "\(headOutcome) in \(head.runbook)"
            changes.append(Change(index: nil, at: nil, event: "outcome", base: before, head: after, direction: .changed))
        }
        // The dangerous direction first, then in step order.
        let order: [Direction] = [.newlyAllowed, .newlyDenied, .changed]
        changes.sort { (order.firstIndex(of: $0.direction) ?? 2, $0.index ?? .max) < (order.firstIndex(of: $1.direction) ?? 2, $1.index ?? .max) }
        return IncidentDiff(path: path, incident: base.incident, changes: changes)
    }

    /// A step as compared: a decision with its reason codes, an approval's verdict, or ignored.
    static func describe(_ report: StepReport) -> String {
        if report.ignored { return "ignored" }
        if let decision = report.decision {
            if case .deny(let reasons) = decision.verdict {
                return "deny (" + reasons.map(\.code.rawValue).joined(separator: ", ") + ")"
            }
            return decision.verdict.word
        }
        if let accepted = report.accepted { return accepted ? "accepted" : "ignored: \(report.why ?? "")" }
        return "-"
    }

    private static func rank(_ report: StepReport) -> Int? {
        switch report.decision?.verdict {
        case .deny?: 0
        case .requireApproval?: 1
        case .allow?: 2
        case nil: nil
        }
    }

    private static func direction(_ base: StepReport, _ head: StepReport) -> Direction {
        if let before = rank(base), let after = rank(head), before != after {
            return after > before ? .newlyAllowed : .newlyDenied
        }
        if let before = base.accepted, let after = head.accepted, before != after {
            return after ? .newlyAllowed : .newlyDenied
        }
        return .changed
    }

    /// `3 of 41 incidents change: 2 newly denied, 1 newly allowed` (counting steps).
    public static func summary(_ diffs: [IncidentDiff], total: Int) -> String {
        let changed = diffs.filter { !$0.changes.isEmpty }.count
        let all = diffs.flatMap(\.changes)
        let allowed = all.count { $0.direction == .newlyAllowed }, denied = all.count { $0.direction == .newlyDenied }
        return "\(changed) of \(total) incident\(total == 1 ? "" : "s") change: \(denied) newly denied, \(allowed) newly allowed"
    }

    public static func text(_ diffs: [IncidentDiff], total: Int) -> String {
        var out = ""
        for diff in diffs where !diff.changes.isEmpty {
            out += "\(diff.incident) (\(diff.path))\n"
            for change in diff.changes {
                let step = change.index.map { "step \($0) \(change.event)" } ?? change.event
                let label = change.direction == .changed ? "" : " [\(change.direction.rawValue.replacingUnderscores())]"
                out += "  \(step): \(change.base) → \(change.head)\(label)\n"
            }
        }
        return out + summary(diffs, total: total) + "\n"
    }

    public static func json(_ diffs: [IncidentDiff], total: Int) -> String {
        let items = diffs.filter { !$0.changes.isEmpty }.map { diff -> String in
            let changes = diff.changes.map { change -> String in
                var out = "{"
                if let index = change.index { out += "\"index\":\(index),\"at\":\(JSONString.quote(change.at?.description ?? "")),"}
                out += "\"event\":\(JSONString.quote(change.event)),\"base\":\(JSONString.quote(change.base)),"
                out += "\"head\":\(JSONString.quote(change.head)),\"direction\":\"\(change.direction.rawValue)\"}"
                return out
            }
            return "{\"incident\":\(JSONString.quote(diff.incident)),\"file\":\(JSONString.quote(diff.path)),"
                + "\"changes\":[\(changes.joined(separator: ","))]}"
        }
        let all = diffs.flatMap(\.changes)
        return "{\"incidents\":[\(items.joined(separator: ","))],\"total\":\(total),"
            + "\"changed\":\(diffs.filter { !$0.changes.isEmpty }.count),"
            + "\"newly_allowed\":\(all.count { $0.direction == .newlyAllowed }),"
            + "\"newly_denied\":\(all.count { $0.direction == .newlyDenied })}\n"
    }

    /// GitHub workflow commands: a newly allowed step is an error, any other change a notice,
    /// each on the incident file; then the summary as a notice.
    public static func github(_ diffs: [IncidentDiff], total: Int) -> String {
        var out = ""
        for diff in diffs {
            for change in diff.changes {
                let command = change.direction == .newlyAllowed ? "error" : "notice"
                let step = change.index.map { "step \($0) \(change.event)" } ?? change.event
                let title = GitHubDiagnosticRenderer.property("rein diff: \(change.direction.rawValue.replacingUnderscores())")
                out += "::\(command) file=\(GitHubDiagnosticRenderer.property(diff.path)),title=\(title)::"
                out += GitHubDiagnosticRenderer.data("\(diff.incident) \(step): \(change.base) → \(change.head)") + "\n"
            }
        }
        return out + "::notice title=rein diff::\(GitHubDiagnosticRenderer.data(summary(diffs, total: total)))\n"
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
