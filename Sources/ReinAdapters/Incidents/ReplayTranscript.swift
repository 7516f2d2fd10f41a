import ReinEngine

/// A replay as a readable transcript: one line per event with what it did, the effects it
/// caused, then the outcome. Plain text (no colour), the same bytes for the same replay.
public enum ReplayTranscript {
    public static func render(_ result: ReplayResult) -> String {
        var lines = ["\(result.incident) — runbook \(result.runbook)"]
        // Effects come in the order they happened: each step's own under it, those of the
        // deadline or the end of the recording (no step) on their own line, at their time.
        var effects = result.effects[...]
        func unowned() {
            while let next = effects.first, next.step == nil {
                if let text = describe(next.effect) { lines.append("  \(next.at)  → \(text)") }
                effects.removeFirst()
            }
        }
        for step in result.steps {
            unowned()
            lines.append("  \(step.event.at)  \(describe(step))")
            while let next = effects.first, next.step == step.index {
                if let text = describe(next.effect) { lines.append("      → \(text)") }
                effects.removeFirst()
            }
        }
        unowned()
        lines.append("  outcome: \(result.outcome.result.rawValue) (\(result.outcome.reason.rawValue))")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ step: ReplayResult.Step) -> String {
        let report = step.report
        let ignored = report.ignored ? " (ignored: \(report.why ?? "the session had ended"))" : ""
        switch step.event {
        case .propose(_, let action):
            let verb = action.kind == .remediation ? "remediate" : "tool"
            guard let decision = report.decision, !report.ignored else { return "propose \(verb) \(action.tool)\(ignored)" }
            return "propose \(verb) \(action.tool): \(describe(decision.verdict))"
        case .observe: return "observe\(ignored)"
        case .approve(_, let by, _), .reject(_, let by, _, _):
            let word = { if case .approve = step.event { "approve" } else { "reject" } }()
            guard let accepted = report.accepted else { return "\(word) by \(by)\(ignored)" }
            return "\(word) by \(by): \(accepted ? "accepted" : "ignored")" + (report.why.map { " (\($0))" } ?? "")
        case .result(_, let succeeded, let detail):
            return "result: \(succeeded ? "succeeded" : "failed")\(detail.map { " — \($0)" } ?? "")\(ignored)"
        case .deadline: return "deadline"
        case .end: return "end"
        }
    }

    private static func describe(_ verdict: Verdict) -> String {
        switch verdict {
        case .allow(let identity): return "allow (runs as \(identity))"
        case .deny(let reasons):
            return "deny — " + reasons.map { "\($0.code.rawValue): \($0.message)" }.joined(separator: "; ")
        case .requireApproval(let approval, let elevation, _):
            let who = "\(approval.approvers) approver\(approval.approvers == 1 ? "" : "s") within \(approval.timeout.iso8601)"
            return "require_approval (\(who)" + (elevation.map { ", then elevate \($0.identity) as \"\($0.role)\"" } ?? "") + ")"
        }
    }

    private static func describe(_ effect: SessionEffect) -> String? {
        switch effect {
        case .runTool(let tool, let identity, _): "run_tool \(tool) as \(identity)"
        case .sendApprovalCard(let pending): "send_approval_card (digest \(pending.digest.prefix(12))…, expires \(pending.deadline))"
        case .activateRole(let plan, _, _): "activate_role \(plan.identity) \"\(plan.role)\" for \(plan.duration.iso8601)"
        case .execute(let tool, let identity, _): "execute \(tool) as \(identity)"
        case .deactivateRole(let plan, _): "deactivate_role \(plan.identity)"
        case .page(let priority, let summary): "page \(priority): \(summary)"
        case .audit: nil
        }
    }
}
