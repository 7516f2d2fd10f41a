import ReinSemantics
import ReinSyntax

extension Interpreter {
    /// A proposal: decided as Grammar/README.md §13 says, with the session's facts; an allowed tool
    /// runs, an action that needs approval becomes pending and its card goes out, a denial goes
    /// back to the agent — except the iteration limit, which ends the session.
    func propose(_ action: ProposedAction, at: Timestamp, _ step: inout Transition) {
        let iteration = step.state.iteration
        let assessment = assess(action, at: at, in: step.state)
        let decision = assessment.decision
        let verdict = decision.verdict
        let validated = assessment.args
        step.report.decision = decision
        step.state.iteration += 1
        var proposalEntry: [(String, JSONValue)] = [
            ("iteration", .integer(iteration)), ("kind", .string(action.kind.rawValue)), ("tool", .string(action.tool)),
            ("args", .object(action.args)),
        ]
        if let thought = action.thought { proposalEntry.append(("thought", .string(thought))) }
        step.audit("proposal", proposalEntry)
        step.audit("decision", [("decision", Self.json(decision))])

        switch verdict {
        case .deny(let reasons):
            step.state.denials += 1
            // The iteration limit ends the session — unless a remediation is executing: then
            // its result (or the end of the recording) ends it, and its elevation with it.
            if reasons.contains(where: { $0.code == .iterationLimit }), !step.state.isExecuting {
                close(SessionOutcome(.noAction, .iterationLimit), &step)
            }
        case .allow(let identity):
            step.effects.append(.runTool(tool: action.tool, identity: identity, args: validated))
            step.state.toolsRun.append(action.tool)
        case .requireApproval(let approval, _, _):
            guard let pending = assessment.pending else { return }
            step.state.phase = .awaitingApproval(pending)
            step.effects.append(.sendApprovalCard(pending))
            step.audit(
                "card",
                [
                    ("tool", .string(action.tool)), ("digest", .string(pending.digest)),
                    ("expiresAt", .string(pending.deadline.description)), ("approvers", .integer(Int64(approval.approvers))),
                ])
        }
    }

    /// What a proposal made now, in this state, would get: its decision, its validated args
    /// (defaults filled), and the pending action a `require_approval` creates (with its digest
    /// and deadline). The one place a session decides; `rein render` shows its card and PIM
    /// request.
    public func assess(_ action: ProposedAction, at: Timestamp, in state: IncidentState) -> Assessment {
        let iteration = state.iteration
        let proposal = Proposal(
            id: "\(incident)#\(iteration)", runbook: runbook.name, kind: action.kind, tool: action.tool,
            args: action.args, thought: action.thought, context: context,
            session: ReinEngine.SessionState(iteration: iteration, denials: state.denials, tools: state.toolsRun),
            alert: alert, at: at)
        var options = DecisionOptions()
        options.approvalPending = state.pending != nil
        var trace = TraceRecorder(enabled: explain)
        let (verdict, args) = policy.verdict(proposal, options: options, trace: &trace, keepingArgs: true)
        let validated = args.jsonObject
        guard case .requireApproval(let approval, let elevation, let identity) = verdict else {
            return Assessment(
                decision: Decision(id: proposal.id, verdict: verdict, trace: trace.entries), args: validated, pending: nil)
        }
        guard let digest = actionDigest(tool: action.tool, args: validated, iteration: iteration) else {
            // Canonical JSON has no form for these args (an int beyond ±2^53): an approval
            // could not be bound to them. Fail closed.
            let denial = Verdict.deny([
                Reason(code: .evaluationError, message: "the args have no canonical form to bind an approval to")
            ])
            return Assessment(decision: Decision(id: proposal.id, verdict: denial), args: validated, pending: nil)
        }
        let pending = PendingApproval(
            tool: action.tool, kind: action.kind, args: validated, thought: action.thought, iteration: iteration,
            digest: digest, deadline: at.adding(approval.timeout), approval: approval, elevation: elevation,
            identity: identity, approvedBy: [])
        return Assessment(
            decision: Decision(id: proposal.id, verdict: verdict, trace: trace.entries), args: validated, pending: pending)
    }

    /// An approval: counted when valid (docs/FORMATS.md §3); the count reached, the action runs —
    /// a remediation with its elevation, a tool call as its identity.
    func approve(by: String, digest: String?, givenFor: ApprovalBinding?, at: Timestamp, _ step: inout Transition) {
        guard case .awaitingApproval(var pending) = step.state.phase else {
            return ignore(approvalBy: by, why: "no approval is pending", &step)
        }
        step.report.pendingAction = pending.action
        if let why = invalidity(by: by, digest: digest, givenFor: givenFor, at: at, pending) {
            return ignore(approvalBy: by, why: why, &step)
        }
        if pending.approvedBy.contains(where: { $0.asciiLowercased() == by.asciiLowercased() }) {
            return ignore(approvalBy: by, why: "`\(by)` has already approved", &step)
        }
        pending.approvedBy.append(by)
        step.report.accepted = true
        step.report.why = "approval \(pending.approvedBy.count) of \(pending.approval.approvers)"
        step.audit("approval", [("by", .string(by)), ("verdict", .string("approve")), ("accepted", .bool(true))])
        guard pending.approvedBy.count >= pending.approval.approvers else {
            step.state.phase = .awaitingApproval(pending)
            return
        }
        switch pending.kind {
        case .remediation:
            guard let plan = pending.elevation else {
                // A remediation is never pending without its elevation plan; if it were, nothing runs.
                return close(SessionOutcome(.failed, .executionFailed), &step)
            }
            step.effects.append(.activateRole(plan, start: at, digest: pending.digest))
            step.audit("elevation", Self.elevationEntry(plan, request: "SelfActivate", digest: pending.digest))
            step.effects.append(.execute(tool: pending.tool, identity: plan.identity, args: pending.args))
            step.audit("execution", [("tool", .string(pending.tool)), ("identity", .string(plan.identity)), ("args", .object(pending.args))])
            step.state.phase = .executing(pending)
        case .toolCall:
            let identity = pending.identity ?? ""
            step.effects.append(.runTool(tool: pending.tool, identity: identity, args: pending.args))
            step.state.toolsRun.append(pending.tool)
            step.state.phase = .investigating
        }
    }

    /// A rejection: one valid rejection ends the session with no action.
    func reject(
        by: String, comment: String?, digest: String?, givenFor: ApprovalBinding?, at: Timestamp, _ step: inout Transition
    ) {
        guard case .awaitingApproval(let pending) = step.state.phase else {
            return ignore(approvalBy: by, why: "no approval is pending", &step)
        }
        step.report.pendingAction = pending.action
        if let why = invalidity(by: by, digest: digest, givenFor: givenFor, at: at, pending) {
            return ignore(approvalBy: by, why: why, &step)
        }
        step.report.accepted = true
        step.report.why = "rejected: no action"
        var entry: [(String, JSONValue)] = [("by", .string(by)), ("verdict", .string("reject")), ("accepted", .bool(true))]
        if let comment { entry.append(("comment", .string(comment))) }
        step.audit("approval", entry)
        close(SessionOutcome(.noAction, .approvalRejected), &step)
    }

    /// The executed remediation's result: the activation ends, then the session.
    func result(succeeded: Bool, detail: String?, _ step: inout Transition) {
        guard case .executing(let pending) = step.state.phase else {
            step.report.ignored = true
            step.report.why = "nothing was executing"
            return
        }
        var entry: [(String, JSONValue)] = [("tool", .string(pending.tool)), ("status", .string(succeeded ? "succeeded" : "failed"))]
        if let detail { entry.append(("detail", .string(detail))) }
        step.audit("execution", entry)
        deactivate(pending, &step)
        close(SessionOutcome(succeeded ? .remediated : .failed, succeeded ? .completed : .executionFailed), &step)
    }

    /// The approval deadline: a pending action that has not got its approvals times out.
    func deadline(at: Timestamp, _ step: inout Transition) {
        guard case .awaitingApproval(let pending) = step.state.phase, at >= pending.deadline else { return }
        close(SessionOutcome(.noAction, .approvalTimeout), &step)
    }

    /// The end of the recording: nothing pending is investigation only; a pending approval has
    /// timed out; an execution without a result is unconfirmed (production may have changed).
    func end(_ step: inout Transition) {
        switch step.state.phase {
        case .investigating: close(SessionOutcome(.noAction, .investigationOnly), &step)
        case .awaitingApproval: close(SessionOutcome(.noAction, .approvalTimeout), &step)
        case .executing(let pending):
            deactivate(pending, &step)
            close(SessionOutcome(.failed, .executionUnconfirmed), &step)
        case .closed: break
        }
    }

    // MARK: - Pieces

    /// Why an approval or rejection does not count, or nil when it does (docs/FORMATS.md §3): late,
    /// for another digest — or, without one, given for another action than the pending one (see
    /// ``ApprovalBinding``) — from an identity of the bundle, or from someone no `allow` matches.
    func invalidity(by: String, digest: String?, givenFor: ApprovalBinding?, at: Timestamp, _ pending: PendingApproval) -> String? {
        if at > pending.deadline { return "late: the deadline was \(pending.deadline)" }
        if let digest, !digest.isExactly(pending.digest) { return "the digest is not the pending action's" }
        if digest == nil, let why = givenFor.flatMap({ Self.otherAction($0, than: pending) }) { return why }
        let person = by.asciiLowercased()
        let identities = policy.model.identities.flatMap { [$0.name] + ($0.principal.map { [$0] } ?? []) }
        if identities.contains(where: { $0.asciiLowercased() == person }) {
            return "`\(by)` is an identity of the bundle, not a person"
        }
        let allow = runbook.approval?.allow ?? []
        guard allow.contains(where: { Glob.matches($0.asciiLowercased(), person) }) else {
            return "`\(by)` is not allowed to approve (allow \(allow.map { "\"\($0)\"" }.joined(separator: ", ")))"
        }
        return nil
    }

    /// Why an approval given for `binding` does not count for `pending`, or nil when it is the same action.
    private static func otherAction(_ binding: ApprovalBinding, than pending: PendingApproval) -> String? {
        switch binding {
        case .nothing:
            return "given for no action: nothing was pending at this point under the base bundle"
        case .action(let action) where action != pending.action:
            let args = action.tool == pending.tool && action.iteration == pending.iteration ? " with other args" : ""
            return "given for another action: `\(action.tool)` (iteration \(action.iteration))\(args) under the base bundle"
        case .action:
            return nil
        }
    }

    private func ignore(approvalBy by: String, why: String, _ step: inout Transition) {
        step.report.accepted = false
        step.report.why = why
        step.audit("approval", [("by", .string(by)), ("accepted", .bool(false)), ("why", .string(why))])
    }

    private func deactivate(_ pending: PendingApproval, _ step: inout Transition) {
        guard let plan = pending.elevation else { return }
        step.effects.append(.deactivateRole(plan, digest: pending.digest))
        step.audit("elevation", Self.elevationEntry(plan, request: "SelfDeactivate", digest: pending.digest))
    }

    /// Ends the session: a page first when a timeout or the iteration limit ends it and the
    /// runbook says `on_timeout page`, then the outcome.
    func close(_ outcome: SessionOutcome, _ step: inout Transition) {
        if outcome.reason == .approvalTimeout || outcome.reason == .iterationLimit,
            case .page(let priority)? = runbook.approval?.onTimeout
        {
            let summary = pageSummary(outcome.reason, pending: step.state.pending)
            step.effects.append(.page(priority: priority.rawValue, summary: summary))
            step.audit("page", [("priority", .string(priority.rawValue)), ("summary", .string(summary))])
        }
        step.state.phase = .closed(outcome)
        step.audit("outcome", [("outcome", .string(outcome.result.rawValue)), ("reason", .string(outcome.reason.rawValue))])
    }

    private func pageSummary(_ reason: SessionOutcome.Reason, pending: PendingApproval?) -> String {
        let what = pending.map { "`\($0.tool)`" } ?? "the proposed action"
        switch reason {
        case .approvalTimeout:
            return "\(incident): no approval for \(what) before the deadline (runbook \(runbook.name)); no action was taken"
        default:
            return "\(incident): the agent reached the iteration limit without a fix (runbook \(runbook.name)); no action was taken"
        }
    }

    /// The digest an approval binds to (docs/FORMATS.md §6); nil when the args have no canonical form.
    func actionDigest(tool: String, args: JSONObject, iteration: Int64) -> String? {
        let body = JSONValue.object(
            JSONObject(entries: [
                ("args", .object(args)), ("bundle", .string(bundleDigest)), ("incident", .string(incident)),
                ("iteration", .integer(iteration)), ("tool", .string(tool)),
            ]))
        return CanonicalJSON.encode(body).map(sha256)
    }

    private static func elevationEntry(_ plan: ElevationPlan, request: String, digest: String) -> [(String, JSONValue)] {
        [
            ("request", .string(request)), ("identity", .string(plan.identity)), ("role", .string(plan.role)),
            ("scope", .string(plan.scope)), ("duration", .string(plan.duration.iso8601)), ("digest", .string(digest)),
        ]
    }

    /// A decision as the JSON value of its docs/FORMATS.md §2 line.
    static func json(_ decision: Decision) -> JSONValue {
        guard case .success(let value) = JSONReader.parse(DecisionEncoder.jsonLine(decision)) else { return .null }
        return value
    }
}

extension Timestamp {
    /// This time plus a duration (saturating at the latest time a timestamp can hold).
    func adding(_ duration: DurationValue) -> Timestamp {
        let (sum, overflow) = seconds.addingReportingOverflow(duration.seconds)
        // `nanoseconds` is already in range, so this initialiser cannot fail.
        return Timestamp(seconds: overflow ? Int64.max : sum, nanoseconds: nanoseconds) ?? Timestamp(seconds: Int64.max)
    }
}
