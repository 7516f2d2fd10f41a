import Crypto
import ReinEngine

/// Replay results as docs/FORMATS.md §4 objects and as a readable transcript. Effects are rendered
/// here: the approval card (§6), the PIM requests (§7), the KQL of a query run (§5).
public struct ReplayEncoder {
    public let policy: CompiledPolicy

    public init(policy: CompiledPolicy) {
        self.policy = policy
    }

    /// SHA-1, for the name-based UUIDs of PIM requests.
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) }

    /// The audit chain of a replay, continuing `chain`.
    public func audit(_ result: ReplayResult, continuing chain: AuditChain = AuditChain()) -> AuditChain {
        var chain = chain
        for timed in result.effects {
            guard case .audit(let type, let data) = timed.effect else { continue }
            chain.append(at: timed.at, incident: result.incident, type: type, data: data)
        }
        return chain
    }

    /// The docs/FORMATS.md §4 object. `auditHead`: the hash of the last audit entry written for it
    /// (by default, of this replay's own chain).
    public func json(_ result: ReplayResult, alert: JSONObject, auditHead: String? = nil) -> JSONValue {
        let target = Self.alertTarget(alert)
        let steps = result.steps.map(Self.step)
        let effects = result.effects.compactMap {
            effect($0.effect, incident: result.incident, runbook: result.runbook, target: target)
        }
        return .object(JSONObject([
            "incident": .string(result.incident), "runbook": .string(result.runbook),
            "outcome": .string(result.outcome.result.rawValue), "reason": .string(result.outcome.reason.rawValue),
            "steps": .array(steps), "effects": .array(effects),
            "audit_head": .string(auditHead ?? audit(result).head),
        ]))
    }

    /// One step as §4 `steps` shows it.
    public static func step(_ step: ReplayResult.Step) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = [
            ("index", .integer(Int64(step.index))), ("at", .string(step.event.at.description)),
            ("event", .string(Self.word(step.event))),
        ]
        if step.report.ignored { entries.append(("ignored", .bool(true))) }
        if let decision = step.report.decision, !step.report.ignored {
            entries.append(("decision", Self.decisionJSON(decision)))
        }
        if let accepted = step.report.accepted {
            entries.append(("accepted", .bool(accepted)))
            if let why = step.report.why { entries.append(("why", .string(why))) }
        }
        return .object(JSONObject(entries: entries))
    }

    /// One effect as §4 `effects` shows it (the card, PIM requests and KQL rendered); nil for an
    /// audit entry. `target`: the alert's target (``alertTarget(_:)``).
    public func effect(_ effect: SessionEffect, incident: String, runbook: String, target: String?) -> JSONValue? {
        switch effect {
        case .runTool(let tool, let identity, let args):
            var entries: [(key: String, value: JSONValue)] = [
                ("type", .string("run_tool")), ("tool", .string(tool)), ("identity", .string(identity)), ("args", .object(args)),
            ]
            if let kql = policy.renderedKQL(tool: tool, args: args) { entries.append(("kql", .string(kql))) }
            return .object(JSONObject(entries: entries))
        case .sendApprovalCard(let pending):
            return .object(JSONObject([
                "type": .string("send_approval_card"),
                "card": ApprovalCard.card(pending, incident: incident, runbook: runbook),
            ]))
        case .activateRole(let plan, let start, let digest):
            return role("activate_role", .activate, plan: plan, digest: digest, start: start, incident: incident, target: target)
        case .deactivateRole(let plan, let digest):
            return role("deactivate_role", .deactivate, plan: plan, digest: digest, start: nil, incident: incident, target: target)
        case .execute(let tool, let identity, let args):
            return .object(JSONObject([
                "type": .string("execute"), "tool": .string(tool), "identity": .string(identity), "args": .object(args),
            ]))
        case .page(let priority, let summary):
            return .object(JSONObject(["type": .string("page"), "priority": .string(priority), "summary": .string(summary)]))
        case .audit:
            return nil
        }
    }

    private func role(
        _ word: String, _ type: PIMRequest.RequestType, plan: ElevationPlan, digest: String, start: Timestamp?,
        incident: String, target: String?
    ) -> JSONValue {
        guard let target, let elevation = policy.elevationTarget(for: plan, alertTarget: target) else {
            return .object(JSONObject([
                "type": .string(word), "error": .string("no elevation scope: the alert target does not resolve one"),
            ]))
        }
        let request = PIMRequest.request(
            type, plan: plan, target: elevation, incident: incident, digest: digest, start: start, sha1: Self.sha1)
        return .object(JSONObject(["type": .string(word), "request": request]))
    }

    /// The alert's target resource id (`data.essentials.alertTargetIDs[0]`), if it has one.
    public static func alertTarget(_ alert: JSONObject) -> String? {
        guard case .object(let data)? = alert["data"], case .object(let essentials)? = data["essentials"],
            case .array(let ids)? = essentials["alertTargetIDs"], case .string(let first)? = ids.first
        else { return nil }
        return first
    }

    static func decisionJSON(_ decision: Decision) -> JSONValue {
        guard case .success(let value) = JSONReader.parse(DecisionEncoder.jsonLine(decision)) else { return .null }
        return value
    }

    public static func word(_ event: SessionEvent) -> String {
        switch event {
        case .propose: "propose"
        case .observe: "observe"
        case .approve: "approve"
        case .reject: "reject"
        case .result: "result"
        case .deadline: "deadline"
        case .end: "end"
        }
    }
}
