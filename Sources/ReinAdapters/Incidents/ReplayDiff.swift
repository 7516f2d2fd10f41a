import ReinEngine
import ReinSyntax

/// The change impact of a policy change (`rein diff`): the same recorded incidents replayed
/// under a base and a head bundle, step by step — every decision, reason codes, approval
/// verdict, executed action and outcome that differs, and its direction. A step the head permits more than the
/// base did (deny → require_approval → allow) is *newly allowed*: the dangerous direction. A
/// proposal decided alike whose action differs (other validated args, a changed default) is a
/// *different action*. A change that only follows from an earlier one — a proposal denied
/// `approval_pending` because an earlier one now waits for approval, an approval judged against
/// another pending action, an event after the session ended — is a *knock-on* of it.
public enum ReplayDiff {
    public enum Direction: String, Sendable {
        case newlyAllowed = "newly_allowed"
        case newlyDenied = "newly_denied"
        /// Decided alike, but a different action would run (or wait for approval).
        case differentAction = "different_action"
        case changed
    }

    public struct Change: Sendable {
        /// The step's index, or nil for what was executed and the incident's outcome.
        public var index: Int?
        public var at: Timestamp?
        /// The line of the incident file where the step's event is written.
        public var line: Int?
        public var event: String
        public var base: String
        public var head: String
        public var direction: Direction
        /// A knock-on change: the first changed step before it, whose change it follows from.
        public var knockOnOf: (index: Int, line: Int?)?

        /// Counted as newly denied: a knock-on denial is not a new one.
        var isNewlyDenied: Bool { direction == .newlyDenied && knockOnOf == nil }
        /// A knock-on change counted in no direction (a newly allowed one still counts as such).
        var isKnockOnOnly: Bool { knockOnOf != nil && direction != .newlyAllowed }
    }

    public struct IncidentDiff: Sendable {
        public var path: String
        public var incident: String
        public var changes: [Change]
    }

    /// Replays an incident under both bundles. Both bind approvals alike: the approval digests use
    /// the recording's `bundle`, else the base bundle's (the session is taken to have been
    /// recorded under the base), and an approval without a digest counts under the head only
    /// for the action it was given for under the base — never for a different one.
    public static func replay(
        _ incident: RecordedIncident, base: CompiledPolicy, baseDigest: String, head: CompiledPolicy
    ) -> Result<(base: ReplayResult, head: ReplayResult), ReplayFailure> {
        Replay.run(incident, policy: base, bundleDigest: baseDigest, sha256: Hashing.sha256Hex).flatMap { before in
            Replay.run(
                incident, policy: head, bundleDigest: baseDigest, sha256: Hashing.sha256Hex,
                approvalsGivenFor: before.approvalBindings
            ).map { (before, $0) }
        }
    }

    /// The differences of one incident's two replays (steps line up: the same events). `file`
    /// gives the path and each event's line.
    public static func compare(_ file: IncidentFile, base: ReplayResult, head: ReplayResult) -> IncidentDiff {
        var changes: [Change] = []
        var first: (index: Int, line: Int?)?
        for (left, right) in zip(base.steps, head.steps) {
            if case .observe = left.event { continue }
            let line = file.line(ofEvent: left.index)
            var change = Change(
                index: left.index, at: left.event.at, line: line, event: ReplayEncoder.word(left.event),
                base: describe(left), head: describe(right), direction: .changed)
            if change.base != change.head {
                change.direction = direction(left, right)
                if followsFromState(left, right) { change.knockOnOf = first }
            } else if let before = action(of: left, in: base), let after = action(of: right, in: head), before != after {
                (change.base, change.head, change.direction) = (before.text, after.text, .differentAction)
            } else {
                continue
            }
            first = first ?? (left.index, line)
            changes.append(change)
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
            changes.append(Change(event: "executed", base: ran(base), head: ran(head)))
        }
        let baseOutcome = "\(base.outcome.result.rawValue) (\(base.outcome.reason.rawValue))"
        let headOutcome = "\(head.outcome.result.rawValue) (\(head.outcome.reason.rawValue))"
        if base.runbook != head.runbook || baseOutcome != headOutcome {
            changes.append(Change(event: "outcome", base: "\(baseOutcome) in \(base.runbook)", head: "\(headOutcome) in \(head.runbook)"))
        }
        // The dangerous direction first, then a different action, new denials, the rest; each in step order.
        let order: [Direction] = [.newlyAllowed, .differentAction, .newlyDenied]
        let rank = { (change: Change) in (change.isKnockOnOnly ? nil : order.firstIndex(of: change.direction)) ?? order.count }
        // Ties (`executed`, `outcome`: no step) keep the order they were found in.
        let sorted = changes.enumerated().sorted {
            (rank($0.element), $0.element.index ?? .max, $0.offset) < (rank($1.element), $1.element.index ?? .max, $1.offset)
        }
        return IncidentDiff(path: file.file.path, incident: base.incident, changes: sorted.map(\.element))
    }

    /// A step as compared, in words: a decision with its reason codes, an approval's verdict, a
    /// result counted, or why the event was ignored.
    static func describe(_ step: ReplayResult.Step) -> String {
        let report = step.report
        if report.ignored { return "ignored: \(report.why ?? "the session had ended")" }
        if let decision = report.decision {
            if case .deny(let reasons) = decision.verdict {
                return "deny (" + reasons.map(\.code.rawValue).joined(separator: ", ") + ")"
            }
            return decision.verdict.word
        }
        if let accepted = report.accepted { return accepted ? "accepted" : "ignored: \(report.why ?? "")" }
        if case .result(_, let succeeded, _) = step.event { return "counted (the execution \(succeeded ? "succeeded" : "failed"))" }
        return "-"
    }

    /// How far a proposal went: nowhere (denied, or ignored), to an approval, to a run; nil for
    /// another event.
    private static func rank(_ report: StepReport) -> Int? {
        switch report.decision?.verdict {
        case .deny?: 0
        case .requireApproval?: 1
        case .allow?: 2
        case nil: report.ignored && report.accepted == nil ? 0 : nil
        }
    }

    /// More permissive is newly allowed: a proposal that goes further, an approval that now
    /// counts — or a rejection that no longer does (the human's veto is lost).
    private static func direction(_ base: ReplayResult.Step, _ head: ReplayResult.Step) -> Direction {
        if let before = rank(base.report), let after = rank(head.report), before != after {
            return after > before ? .newlyAllowed : .newlyDenied
        }
        let counted = { (report: StepReport) in report.accepted ?? false }
        guard base.report.accepted != nil || head.report.accepted != nil, counted(base.report) != counted(head.report) else {
            return .changed
        }
        let veto = { if case .reject = base.event { true } else { false } }()
        return counted(head.report) != veto ? .newlyAllowed : .newlyDenied
    }

    /// Whether the step's change comes from the session's state, which only earlier events
    /// shape: one side ignored it (the session had ended, nothing was executing), one side but
    /// not the other denied it for a pending approval, an approval met another pending action,
    /// or a result met another execution.
    private static func followsFromState(_ base: ReplayResult.Step, _ head: ReplayResult.Step) -> Bool {
        if base.report.ignored != head.report.ignored { return true }
        if case .result = base.event { return true }
        let pending = { (report: StepReport) -> Bool in
            guard case .deny(let reasons)? = report.decision?.verdict else { return false }
            return reasons.contains { $0.code == .approvalPending }
        }
        if pending(base.report) != pending(head.report) { return true }
        switch base.event {
        case .approve, .reject: return base.report.pendingAction != head.report.pendingAction
        default: return false
        }
    }

    /// The action a proposal started — the tool run, or the one that waits for approval — as
    /// compared (canonical args) and as shown.
    private static func action(of step: ReplayResult.Step, in result: ReplayResult) -> (key: [UInt8], text: String)? {
        guard case .propose = step.event, let decision = step.report.decision else { return nil }
        for timed in result.effects where timed.step == step.index {
            let args: JSONObject, tool: String
            switch timed.effect {
            case .runTool(let name, _, let given): (tool, args) = (name, given)
            case .sendApprovalCard(let pending): (tool, args) = (pending.tool, pending.args)
            default: continue
            }
            let key = Array(tool.utf8) + [0] + (CanonicalJSON.encode(.object(args)) ?? [])
            return (key, "\(decision.verdict.word) \(tool) \(JSONWriter.string(.object(args)))")
        }
        return nil
    }
}

extension ReplayDiff.Change {
    /// A change of the incident as a whole (what was executed, the outcome).
    init(event: String, base: String, head: String) {
        self.init(index: nil, at: nil, line: nil, event: event, base: base, head: head, direction: .changed, knockOnOf: nil)
    }
}
