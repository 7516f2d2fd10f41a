import ReinEngine

/// A session written back as a recorded incident (docs/FORMATS.md §3): what the live host
/// exports, and what `rein replay` reads back into the same ``RecordedIncident``.
public enum RecordingEncoder {
    /// The recording as a JSON object, keys in the format's order. Deadlines and the end are not
    /// events of a recording: replay fires them again from the times.
    public static func json(_ recorded: RecordedIncident) -> JSONValue {
        var top: [(key: String, value: JSONValue)] = [("incident", .string(recorded.incident))]
        if let runbook = recorded.runbook { top.append(("runbook", .string(runbook))) }
        if let bundle = recorded.bundle { top.append(("bundle", .string(bundle))) }
        if let context = recorded.context { top.append(("context", .object(context))) }
        top.append(("alert", .object(recorded.alert)))
        top.append(("events", .array(recorded.events.compactMap(event))))
        return .object(JSONObject(entries: top))
    }

    /// One event as a recording holds it; nil for a deadline or the end.
    public static func event(_ event: SessionEvent) -> JSONValue? {
        let body: (String, [(key: String, value: JSONValue)])
        switch event {
        case .propose(_, let action):
            var fields: [(key: String, value: JSONValue)] = []
            if let thought = action.thought { fields.append(("thought", .string(thought))) }
            fields.append((action.kind == .toolCall ? "tool" : "remediate", .string(action.tool)))
            fields.append(("args", .object(action.args)))
            body = ("propose", fields)
        case .observe(_, let output): body = ("observe", [("output", .string(output))])
        case .approve(_, let by, let digest):
            body = ("approve", [("by", .string(by))] + (digest.map { [("digest", .string($0))] } ?? []))
        case .reject(_, let by, let comment, let digest):
            var fields: [(key: String, value: JSONValue)] = [("by", .string(by))]
            if let comment { fields.append(("comment", .string(comment))) }
            if let digest { fields.append(("digest", .string(digest))) }
            body = ("reject", fields)
        case .result(_, let succeeded, let detail):
            body = ("result", [("status", .string(succeeded ? "succeeded" : "failed"))] + (detail.map { [("detail", .string($0))] } ?? []))
        case .deadline, .end: return nil
        }
        return .object(JSONObject(entries: [("at", .string(event.at.rfc3339)), (body.0, .object(JSONObject(entries: body.1)))]))
    }
}
