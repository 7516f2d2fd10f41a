/// The Teams Adaptive Card (1.5) that asks for approval of a pending action (docs/FORMATS.md §6):
/// the incident, runbook and tool, every arg, the agent's thought, the elevation approval will
/// trigger and the expiry; `approve` and `reject` buttons (`Action.Execute`) whose data carry the
/// incident, the digest and the expiry. The card stays under Teams' 40 KB bot-message limit: a
/// long thought is cut, and the cut is marked.
public enum ApprovalCard {
    /// The largest card, in bytes of UTF-8.
    public static let maxBytes = 40_960

    public static func card(_ pending: PendingApproval, incident: String, runbook: String) -> JSONValue {
        let thought = pending.thought ?? ""
        let full = build(pending, incident: incident, runbook: runbook, thought: thought)
        guard JSONWriter.encode(full).count >= maxBytes else { return full }
        // Cut the thought to the longest prefix (in Unicode scalars) that fits.
        let scalars = Array(thought.unicodeScalars)
        var low = 0, high = scalars.count
        while low < high {
            let middle = (low + high + 1) / 2
            let candidate = build(pending, incident: incident, runbook: runbook, thought: cut(scalars, middle))
            if JSONWriter.encode(candidate).count < maxBytes { low = middle } else { high = middle - 1 }
        }
        return build(pending, incident: incident, runbook: runbook, thought: cut(scalars, low))
    }

    private static func cut(_ scalars: [Unicode.Scalar], _ count: Int) -> String {
        var text = String(String.UnicodeScalarView(scalars.prefix(count)))
        text += " … [cut: \(scalars.count - count) more characters]"
        return text
    }

    private static func build(_ pending: PendingApproval, incident: String, runbook: String, thought: String) -> JSONValue {
        let expires = pending.deadline.description
        func text(_ value: String, bold: Bool = false) -> JSONValue {
            var entries: [(key: String, value: JSONValue)] = [("type", .string("TextBlock")), ("text", .string(value)), ("wrap", .bool(true))]
            if bold { entries.append(("weight", .string("Bolder"))) }
            return .object(JSONObject(entries: entries))
        }
        func facts(_ pairs: [(String, String)]) -> JSONValue {
            .object(JSONObject([
                "type": .string("FactSet"),
                "facts": .array(pairs.map { .object(JSONObject(["title": .string($0.0), "value": .string($0.1)])) }),
            ]))
        }
        let args = pending.args.entries.map { entry -> (String, String) in
            if case .string(let value) = entry.value { return (entry.key, value) }
            return (entry.key, JSONWriter.string(entry.value))
        }
        var body: [JSONValue] = [
            text("Approval needed: `\(pending.tool)`", bold: true),
            facts([
                ("Incident", incident), ("Runbook", runbook), ("Tool", pending.tool),
                ("Approvers needed", String(pending.approval.approvers)),
            ]),
            text("Arguments", bold: true), facts(args),
            text("The agent's reasoning", bold: true), text(thought.isEmpty ? "(none given)" : thought),
        ]
        if let plan = pending.elevation {
            body.append(
                text("Approving activates `\(plan.identity)` as \"\(plan.role)\" at \(plan.scope) scope for \(plan.duration.iso8601)."))
        } else if let identity = pending.identity {
            body.append(text("Approving runs the tool as `\(identity)`; no elevation."))
        }
        body.append(text("Expires {{DATE(\(expires))}} {{TIME(\(expires))}}"))
        let data = JSONValue.object(JSONObject([
            "incident": .string(incident), "digest": .string(pending.digest), "expiresAt": .string(expires),
        ]))
        func action(_ title: String, _ verb: String) -> JSONValue {
            .object(JSONObject([
                "type": .string("Action.Execute"), "title": .string(title), "verb": .string(verb), "data": data,
            ]))
        }
        return .object(JSONObject([
            "type": .string("AdaptiveCard"),
            "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"),
            "version": .string("1.5"),
            "body": .array(body),
            "actions": .array([action("Approve", "approve"), action("Reject", "reject")]),
        ]))
    }
}
