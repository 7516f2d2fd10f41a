import ReinAdapters

/// The interpreter's safety invariants, read from the outside on one replay (its steps and
/// effects, in order) rather than from the interpreter's own state:
///
/// - a card goes out only for a `require_approval` and while nothing else is pending; an
///   approval or rejection counts only on time, for the pending digest, from a person (not an
///   identity of the bundle), once per person (compared byte for byte, ASCII case aside);
/// - nothing executes without that many approvals for the pending digest: one `execute` after
///   the `activate_role` of the pending digest, with the card's tool, args and elevation, and
///   only of a tool the runbook lists under `remediate`;
/// - every `activate_role` is followed by its `deactivate_role`;
/// - no tool runs while an action awaits approval or executes, except the approved tool call;
///   a write tool or a remediation never runs on an allow;
/// - one outcome, last; a timeout, a rejection, the iteration limit or an investigation end in
///   `no_action` with nothing executed; the outcome agrees with the effects and the steps; a
///   page only where the runbook says so.
struct ReplayInvariants {
    private let result: ReplayResult
    private let runbook: RunbookModel?
    /// The bundle's identities and principals, ASCII-lowercased: never a person.
    private let identities: Set<[UInt8]>
    /// The bundle's write tools, by exact name: they run only after approval.
    private let writeTools: Set<[UInt8]>
    private var findings = Findings()

    /// The action awaiting approval or executing, and the people whose approval counted.
    private var card: PendingApproval?
    private var executing = false
    private var approvers: [[UInt8]] = []
    private var activeDigest: String?
    private var stepsCounted = 0
    private var executions = 0
    private var outcomes = 0
    private var pages: [String] = []
    private var rejected = false

    static func check(_ result: ReplayResult, events: [SessionEvent], model: SemanticModel) -> Findings {
        var walk = ReplayInvariants(result: result, model: model)
        walk.findings.expect(
            result.steps.map(\.event) == events && result.steps.map(\.index) == Array(events.indices),
            "the steps are not the recorded events in order")
        walk.walkEffects()
        walk.checkOutcome()
        return walk.findings
    }

    private init(result: ReplayResult, model: SemanticModel) {
        self.result = result
        runbook = model.runbook(named: result.runbook)
        identities = Set(model.identities.flatMap { [$0.name] + ($0.principal.map { [$0] } ?? []) }.map(Self.folded))
        writeTools = Set(model.tools.filter { $0.effect == .write }.map { Array($0.name.utf8) })
    }

    private static func folded(_ text: String) -> [UInt8] { Array(text.asciiLowercased().utf8) }

    private mutating func walkEffects() {
        for timed in result.effects {
            if let step = timed.step {
                guard result.steps.indices.contains(step) else {
                    findings.fail("an effect names step \(step), which does not exist")
                    continue
                }
                count(through: step)
                findings.expect(!result.steps[step].report.ignored, "ignored step \(step) has effects")
            }
            findings.expect(outcomes == 0, "an effect after the outcome: \(timed.effect)")
            apply(timed.effect, step: timed.step)
        }
        count(through: result.steps.count - 1)
        findings.expect(activeDigest == nil, "an activation was never deactivated")
        findings.expect(outcomes == 1, "\(outcomes) outcomes")
    }

    // MARK: Steps

    /// Counts the approvals and rejections of every step up to `last`, checking each.
    private mutating func count(through last: Int) {
        while stepsCounted <= last, stepsCounted < result.steps.count {
            let step = result.steps[stepsCounted]
            stepsCounted += 1
            let report = step.report
            guard !report.ignored else { continue }
            switch step.event {
            case .propose: findings.expect(report.decision != nil, "proposal step \(step.index) has no decision")
            case .approve(let at, let by, let digest), .reject(let at, let by, _, let digest):
                guard let accepted = report.accepted else {
                    findings.fail("approval step \(step.index) says neither accepted nor ignored")
                    continue
                }
                guard accepted else {
                    findings.expect(report.why != nil, "approval step \(step.index) was ignored without saying why")
                    continue
                }
                countAccepted(step.event, at: at, by: by, digest: digest, index: step.index)
            case .observe, .result, .deadline, .end: break
            }
        }
    }

    private mutating func countAccepted(_ event: SessionEvent, at: Timestamp, by: String, digest: String?, index: Int) {
        guard let card, !executing else { return findings.fail("step \(index) counted with nothing awaiting approval") }
        findings.expect(at <= card.deadline, "step \(index) counted after the deadline \(card.deadline)")
        findings.expect(digest.map { Array($0.utf8) == Array(card.digest.utf8) } ?? true, "step \(index) counted for another digest")
        let person = Self.folded(by)
        findings.expect(!identities.contains(person), "step \(index) counted `\(by)`, an identity of the bundle")
        if case .reject = event {
            rejected = true
        } else {
            findings.expect(!approvers.contains(person), "step \(index) counted `\(by)` twice")
            approvers.append(person)
        }
    }

    // MARK: Effects

    private mutating func apply(_ effect: SessionEffect, step: Int?) {
        switch effect {
        case .sendApprovalCard(let pending):
            findings.expect(card == nil, "a card for `\(pending.tool)` while another action is pending")
            findings.expect(pending.approval.approvers >= 1, "a card that needs no approver")
            findings.expect(decision(of: step)?.verdict.word == "require_approval", "a card without a require_approval")
            if pending.kind == .remediation {
                findings.expect(runbook?.remediate.contains(pending.tool) == true, "remediation `\(pending.tool)` is not listed by the runbook")
            }
            card = pending
            approvers = []
        case .activateRole(let plan, let start, let digest):
            guard let card, !executing, card.kind == .remediation else { return findings.fail("an activation without a pending remediation") }
            findings.expect(digest == card.digest && plan == card.elevation, "an activation for another action than the pending one")
            findings.expect(approvers.count >= card.approval.approvers, "activated with \(approvers.count) of \(card.approval.approvers) approvals")
            findings.expect(start <= card.deadline, "activated after the deadline")
            findings.expect(activeDigest == nil, "a second activation while one is active")
            activeDigest = digest
        case .execute(let tool, let identity, let args):
            guard let card, !executing, activeDigest == card.digest else {
                return findings.fail("`\(tool)` executed without the activation of the pending action")
            }
            findings.expect(
                tool == card.tool && identity == card.elevation?.identity && args == card.args,
                "the execution is not the approved action")
            executing = true
            executions += 1
        case .deactivateRole(let plan, let digest):
            findings.expect(activeDigest == digest && plan == card?.elevation, "a deactivation without its activation")
            activeDigest = nil
        case .runTool(let tool, let identity, let args):
            runTool(tool, identity: identity, args: args, step: step)
        case .page(let priority, _):
            pages.append(priority)
        case .audit(let type, let data):
            guard type == "outcome" else { return }
            outcomes += 1
            findings.expect(
                data["outcome"] == .string(result.outcome.result.rawValue) && data["reason"] == .string(result.outcome.reason.rawValue),
                "the outcome's audit entry disagrees with the outcome")
        }
    }

    /// A tool runs either as an allowed proposal, with nothing pending, or as the approved
    /// tool call of the card.
    private mutating func runTool(_ tool: String, identity: String, args: JSONObject, step: Int?) {
        if let pending = card {
            guard !executing, pending.kind == .toolCall, approvers.count >= pending.approval.approvers else {
                return findings.fail("`\(tool)` ran while an action was pending")
            }
            findings.expect(
                tool == pending.tool && identity == pending.identity && args == pending.args, "the tool run is not the approved tool call")
            card = nil
            return
        }
        guard case .allow(let allowed)? = decision(of: step)?.verdict,
            let index = step, case .propose(_, let action) = result.steps[index].event
        else { return findings.fail("`\(tool)` ran without an allow") }
        findings.expect(action.tool == tool && allowed == identity, "`\(tool)` ran, not the allowed proposal or its identity")
        findings.expect(
            action.kind == .toolCall && !writeTools.contains(Array(tool.utf8)), "`\(tool)` changed things without an approval")
    }

    private func decision(of step: Int?) -> Decision? {
        step.flatMap { result.steps.indices.contains($0) ? result.steps[$0].report.decision : nil }
    }

    // MARK: Outcome

    private mutating func checkOutcome() {
        let outcome = result.outcome
        let expected: SessionOutcome.Result
        switch outcome.reason {
        case .approvalTimeout, .approvalRejected, .iterationLimit, .investigationOnly:
            expected = .noAction
            findings.expect(executions == 0, "\(outcome.reason.rawValue) after an execution")
        case .completed:
            expected = .remediated
            findings.expect(executions == 1 && hasResult(succeeded: true), "completed without an execution that succeeded")
        case .executionFailed:
            expected = .failed
            findings.expect(executions == 1 && hasResult(succeeded: false), "execution_failed without an execution that failed")
        case .executionUnconfirmed:
            expected = .failed
            findings.expect(executions == 1, "execution_unconfirmed without an execution")
        }
        findings.expect(outcome.result == expected, "reason \(outcome.reason.rawValue) with outcome \(outcome.result.rawValue)")
        if outcome.reason == .approvalRejected { findings.expect(rejected, "approval_rejected without a counted rejection") }
        if outcome.reason == .approvalTimeout {
            findings.expect(card != nil && !executing, "approval_timeout with nothing awaiting approval")
        }
        if outcome.reason == .iterationLimit {
            let limited = result.steps.contains { step in
                guard case .deny(let reasons)? = step.report.decision?.verdict else { return false }
                return reasons.contains { $0.code == .iterationLimit }
            }
            findings.expect(limited, "iteration_limit without a proposal denied for it")
        }
        var expectedPages: [String] = []
        if outcome.reason == .approvalTimeout || outcome.reason == .iterationLimit, case .page(let priority)? = runbook?.approval?.onTimeout {
            expectedPages = [priority.rawValue]
        }
        findings.expect(pages == expectedPages, "pages \(pages) where the runbook asks for \(expectedPages)")
    }

    private func hasResult(succeeded: Bool) -> Bool {
        result.steps.contains { step in
            guard case .result(_, let outcome, _) = step.event else { return false }
            return outcome == succeeded && !step.report.ignored
        }
    }
}
