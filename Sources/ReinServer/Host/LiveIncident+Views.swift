import ReinAdapters

extension LiveIncident {
    /// The incident as the API shows it: `incident`, `runbook`, `bundle`, `phase`, `iteration`,
    /// `opened`, `pending` (while an action awaits approval or runs), `outcome` (once closed),
    /// `steps` and `effects` as replay prints them, each effect with its `id` and `delivery`.
    func view() -> JSONValue {
        let state = session.state
        var entries: [(key: String, value: JSONValue)] = [
            ("incident", .string(record.id)), ("runbook", .string(record.runbook)), ("bundle", .string(bundle.digest)),
            ("phase", .string(Self.phase(state.phase))), ("iteration", .integer(state.iteration)),
            ("opened", .string(record.opened.rfc3339)),
        ]
        if let pending = state.pending { entries.append(("pending", pendingView(pending))) }
        if let outcome = state.outcome { entries.append(("outcome", Self.outcomeJSON(outcome))) }
        entries.append(("steps", .array(session.steps.map(ReplayEncoder.step))))
        entries.append(("effects", .array(identified.map { Self.effectView($0.effect) })))
        return .object(JSONObject(entries: entries))
    }

    /// What the incident list shows of it.
    func summary() -> (phase: String, json: JSONValue) {
        let state = session.state
        let phase = Self.phase(state.phase)
        var entries: [(key: String, value: JSONValue)] = [
            ("incident", .string(record.id)), ("runbook", .string(record.runbook)), ("phase", .string(phase)),
            ("iteration", .integer(state.iteration)), ("opened", .string(record.opened.rfc3339)),
        ]
        if let outcome = state.outcome { entries.append(("outcome", Self.outcomeJSON(outcome))) }
        return (phase, .object(JSONObject(entries: entries)))
    }

    /// The session as a recording: what opened it and every event, with the pinned bundle.
    func recording() -> RecordedIncident {
        RecordedIncident(
            incident: record.id, runbook: record.runbook, context: record.context, alert: record.alert,
            events: session.steps.map(\.event), bundle: bundle.digest)
    }

    /// What a post answers: the step (with its decision) and the effects it caused.
    func stepView(_ index: Int, effectsFrom start: Int) -> JSONValue {
        let step = session.steps.first { $0.index == index }.map(ReplayEncoder.step) ?? .null
        let effects = identified.reversed().prefix { $0.position >= start }.reversed().map { Self.effectView($0.effect) }
        return .object(JSONObject(entries: [("step", step), ("effects", .array(effects)), ("incident", .string(record.id))]))
    }

    /// Effect `id` as the incident shows it (null when it has none).
    func effectView(_ id: String) -> JSONValue {
        effect(id).map(Self.effectView) ?? .null
    }

    private func pendingView(_ pending: PendingApproval) -> JSONValue {
        .object(
            JSONObject(entries: [
                ("tool", .string(pending.tool)), ("kind", .string(pending.kind == .toolCall ? "tool_call" : "remediation")),
                ("args", .object(pending.args)), ("digest", .string(pending.digest)), ("deadline", .string(pending.deadline.rfc3339)),
                ("needed", .integer(Int64(pending.approval.approvers))), ("approvedBy", .array(pending.approvedBy.map(JSONValue.string))),
                ("card", ApprovalCard.card(pending, incident: record.id, runbook: record.runbook)),
            ]))
    }

    private static func effectView(_ effect: IdentifiedEffect) -> JSONValue {
        guard case .object(let json) = effect.json else { return effect.json }
        return .object(JSONObject(entries: [("id", .string(effect.id))] + json.entries + [("delivery", .string(effect.delivery))]))
    }

    private static func outcomeJSON(_ outcome: SessionOutcome) -> JSONValue {
        .object(JSONObject(entries: [("outcome", .string(outcome.result.rawValue)), ("reason", .string(outcome.reason.rawValue))]))
    }

    private static func phase(_ phase: IncidentState.Phase) -> String {
        switch phase {
        case .investigating: "investigating"
        case .awaitingApproval: "awaiting_approval"
        case .executing: "executing"
        case .closed: "closed"
        }
    }
}
