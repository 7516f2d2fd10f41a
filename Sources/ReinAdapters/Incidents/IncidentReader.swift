import ReinEngine

/// What `rein test` checks of a replay (docs/FORMATS.md §3 `expect`); each key is optional.
public struct IncidentExpectation: Sendable, Hashable {
    public var outcome: SessionOutcome.Result?
    public var reason: SessionOutcome.Reason?
    /// The decision word of each proposal, in order.
    public var decisions: [String]?
    /// `none`, `P1`, `P2` or `P3`.
    public var paged: String?
}

/// A recorded incident file, read: the incident and its expectation, or every problem found.
public struct IncidentFile: Sendable {
    public var file: SourceFile
    public var incident: RecordedIncident?
    public var expectation: IncidentExpectation?
    public var diagnostics: [Diagnostic]
    /// Where each of the incident's events starts in the file (byte offsets, in event order).
    public var eventOffsets: [Int] = []

    /// The 1-based line of the file on which event `index` starts, if there is such an event.
    public func line(ofEvent index: Int) -> Int? {
        guard eventOffsets.indices.contains(index) else { return nil }
        return file.position(of: eventOffsets[index]).line
    }
}

/// Reads recorded incidents (docs/FORMATS.md §3) strictly: the incident's own keys and every
/// event's shape are checked — unknown or missing keys, wrong types, malformed or backward
/// times — and each problem is reported at `path:line:col` before anything is replayed. The
/// `alert` payload is taken as received. YAML follows the 1.2 core schema.
public enum IncidentReader {
    public static func read(_ file: SourceFile) -> IncidentFile {
        let isJSON = file.path.hasSuffix(".json")
        switch isJSON ? IncidentDocument.json(file) : IncidentDocument.yaml(file) {
        case .failure(let error):
            let diagnostic = Diagnostic.error(error.code, error.message, at: SourceSpan(file: 0, start: error.offset, end: error.offset))
            return IncidentFile(file: file, incident: nil, expectation: nil, diagnostics: [diagnostic])
        case .success(let root):
            var reader = Reading()
            let (incident, expectation) = reader.incident(root)
            let clean = reader.problems.isEmpty
            return IncidentFile(
                file: file, incident: clean ? incident : nil, expectation: clean ? expectation : nil,
                diagnostics: reader.problems, eventOffsets: clean ? reader.eventOffsets : [])
        }
    }
}

/// One file's reading: the values found and the problems met (all of them, in file order).
struct Reading {
    var problems: [Diagnostic] = []
    /// Where each event read starts.
    var eventOffsets: [Int] = []

    mutating func fail(_ code: String, _ message: String, at value: DocValue, help: String? = nil) {
        problems.append(
            .error("rein.incident.\(code)", message, at: SourceSpan(file: 0, start: value.offset, end: value.offset), help: help))
    }

    /// The members of a mapping, each key known and given once; nil (after a problem) otherwise.
    mutating func members(_ value: DocValue, _ what: String, allowed: [String]) -> [String: (key: DocValue, value: DocValue)]? {
        guard case .mapping(let pairs) = value.kind else {
            fail("type", "\(what) must be a mapping", at: value)
            return nil
        }
        var found: [String: (key: DocValue, value: DocValue)] = [:]
        for pair in pairs {
            guard case .scalar(let name, _) = pair.key.kind else { continue }
            guard allowed.contains(name) else {
                fail(
                    "unknown-key", "unknown key `\(name)` in \(what)", at: pair.key,
                    help: "expected one of: \(allowed.joined(separator: ", "))")
                continue
            }
            found[name] = pair
        }
        return found
    }

    mutating func string(_ value: DocValue, _ what: String) -> String? {
        if case .scalar(let text, let quoted) = value.kind {
            if quoted || IncidentSchema.resolve(text) == .string(text) { return text }
            // A plain `yes`, `010` or `null` is not a string under the core schema.
            fail("type", "\(what) must be a string", at: value, help: "write it in quotes: \"\(text)\"")
            return nil
        }
        fail("type", "\(what) must be a string", at: value)
        return nil
    }

    mutating func time(_ value: DocValue, _ what: String) -> Timestamp? {
        guard let text = string(value, what) else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            fail("time", "\(what) `\(text)` is not an RFC 3339 time", at: value, help: "write it like 2026-05-09T02:47:05Z")
            return nil
        }
        return time
    }

    mutating func object(_ value: DocValue, _ what: String) -> JSONObject? {
        guard case .mapping = value.kind, case .object(let object) = IncidentSchema.json(value) else {
            fail("type", "\(what) must be a mapping", at: value)
            return nil
        }
        return object
    }

    /// A bundle digest: exactly 64 lowercase hex digits.
    mutating func digest(_ value: DocValue, _ what: String) -> String? {
        guard let text = string(value, what) else { return nil }
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            fail(
                "value", "\(what) must be a bundle digest: 64 lowercase hex digits", at: value,
                help: "write the bundle digest the session ran under (docs/FORMATS.md §6), or leave the key out to use the current bundle")
            return nil
        }
        return text
    }

    mutating func incident(_ root: DocValue) -> (RecordedIncident?, IncidentExpectation?) {
        let keys = ["incident", "runbook", "bundle", "context", "alert", "events", "expect"]
        guard let top = members(root, "the incident", allowed: keys) else { return (nil, nil) }
        for required in ["incident", "alert", "events"] where top[required] == nil {
            fail("missing-key", "missing key `\(required)`", at: root)
        }
        let id = top["incident"].flatMap { string($0.value, "`incident`") }
        let runbook = top["runbook"].flatMap { string($0.value, "`runbook`") }
        let bundle = top["bundle"].flatMap { digest($0.value, "`bundle`") }
        let context = top["context"].flatMap { object($0.value, "`context`") }
        let alert = top["alert"].flatMap { object($0.value, "`alert`") }
        let recorded = top["events"].flatMap { self.events($0.value) }
        let expected = top["expect"].flatMap { self.expectation($0.value) }
        guard let id, let alert, let recorded else { return (nil, expected) }
        return (
            RecordedIncident(incident: id, runbook: runbook, context: context, alert: alert, events: recorded, bundle: bundle),
            expected
        )
    }

    mutating func events(_ value: DocValue) -> [SessionEvent]? {
        guard case .sequence(let items) = value.kind else {
            fail("type", "`events` must be a list", at: value)
            return nil
        }
        var events: [SessionEvent] = []
        var previous: Timestamp?
        for item in items {
            guard let event = event(item) else { continue }
            if let previous, event.at < previous {
                fail("time-order", "this event is earlier than the one before it: times must not go back", at: item)
            }
            previous = event.at
            events.append(event)
            eventOffsets.append(item.offset)
        }
        return events
    }

    static let eventKinds = ["propose", "observe", "approve", "reject", "result"]

    /// A recorded event (with its `at`), or — `stamped` — a live one, which has no `at`: the
    /// host gives the time. `kinds`: the kinds of event allowed here.
    mutating func event(_ value: DocValue, stamped: Timestamp? = nil, kinds: [String] = Self.eventKinds) -> SessionEvent? {
        let known = problems.count
        guard let fields = members(value, "an event", allowed: (stamped == nil ? ["at"] : []) + kinds) else { return nil }
        let given = kinds.filter { fields[$0] != nil }
        let at = fields["at"]
        if stamped == nil, at == nil {
            fail("missing-key", "missing key `at` in an event", at: value)
            return nil
        }
        guard given.count == 1, let kind = given.first, let body = fields[kind]?.value else {
            // An unknown key (a misspelt kind) was reported already: one mistake, one error.
            if problems.count == known {
                fail("event", "an event has exactly one of \(kinds.map { "`\($0)`" }.joined(separator: ", "))", at: value)
            }
            return nil
        }
        guard let time = stamped ?? at.flatMap({ time($0.value, "`at`") }) else { return nil }
        switch kind {
        case "propose": return propose(body, at: time)
        case "observe":
            guard let f = members(body, "`observe`", allowed: ["output"]) else { return nil }
            let output = f["output"].flatMap { string($0.value, "`output`") } ?? ""
            return .observe(at: time, output: output)
        case "approve":
            guard let f = members(body, "`approve`", allowed: ["by", "digest"]), let by = required(f, "by", body) else { return nil }
            return .approve(at: time, by: by, digest: f["digest"].flatMap { string($0.value, "`digest`") })
        case "reject":
            guard let f = members(body, "`reject`", allowed: ["by", "comment", "digest"]), let by = required(f, "by", body) else {
                return nil
            }
            return .reject(
                at: time, by: by, comment: f["comment"].flatMap { string($0.value, "`comment`") },
                digest: f["digest"].flatMap { string($0.value, "`digest`") })
        default:
            guard let f = members(body, "`result`", allowed: ["status", "detail"]), let status = required(f, "status", body) else {
                return nil
            }
            guard status == "succeeded" || status == "failed" else {
                fail("value", "`status` must be `succeeded` or `failed`", at: f["status"]?.value ?? body)
                return nil
            }
            return .result(at: time, succeeded: status == "succeeded", detail: f["detail"].flatMap { string($0.value, "`detail`") })
        }
    }

    mutating func required(_ fields: [String: (key: DocValue, value: DocValue)], _ key: String, _ owner: DocValue) -> String? {
        guard let field = fields[key] else {
            fail("missing-key", "missing key `\(key)`", at: owner)
            return nil
        }
        return string(field.value, "`\(key)`")
    }

    mutating func propose(_ body: DocValue, at: Timestamp) -> SessionEvent? {
        guard let f = members(body, "`propose`", allowed: ["thought", "tool", "remediate", "args"]) else { return nil }
        let thought = f["thought"].flatMap { string($0.value, "`thought`") }
        guard (f["tool"] == nil) != (f["remediate"] == nil) else {
            fail("event", "a proposal has exactly one of `tool` (a tool call) and `remediate` (a remediation)", at: body)
            return nil
        }
        let kind: ProposalKind = f["tool"] != nil ? .toolCall : .remediation
        guard let tool = required(f, kind == .toolCall ? "tool" : "remediate", body) else { return nil }
        guard let argsField = f["args"] else {
            fail("missing-key", "missing key `args`", at: body, help: "write `args: {}` for a tool without args")
            return nil
        }
        guard let args = object(argsField.value, "`args`") else { return nil }
        return .propose(at: at, ProposedAction(thought: thought, kind: kind, tool: tool, args: args))
    }

    mutating func expectation(_ value: DocValue) -> IncidentExpectation? {
        guard let f = members(value, "`expect`", allowed: ["outcome", "reason", "decisions", "paged"]) else { return nil }
        var expectation = IncidentExpectation()
        if let field = f["outcome"], let text = string(field.value, "`outcome`") {
            expectation.outcome = SessionOutcome.Result(rawValue: text)
            if expectation.outcome == nil { fail("value", "unknown outcome `\(text)`", at: field.value, help: "remediated, failed or no_action") }
        }
        if let field = f["reason"], let text = string(field.value, "`reason`") {
            expectation.reason = SessionOutcome.Reason(rawValue: text)
            if expectation.reason == nil { fail("value", "unknown reason `\(text)`", at: field.value) }
        }
        if let field = f["decisions"] {
            if case .sequence(let items) = field.value.kind {
                expectation.decisions = items.compactMap { item in
                    guard let word = string(item, "a decision") else { return nil }
                    guard ["allow", "deny", "require_approval"].contains(word) else {
                        fail("value", "unknown decision `\(word)`", at: item, help: "allow, deny or require_approval")
                        return nil
                    }
                    return word
                }
            } else {
                fail("type", "`decisions` must be a list", at: field.value)
            }
        }
        if let field = f["paged"], let text = string(field.value, "`paged`") {
            guard ["none", "P1", "P2", "P3"].contains(text) else {
                fail("value", "`paged` must be none, P1, P2 or P3", at: field.value)
                return expectation
            }
            expectation.paged = text
        }
        return expectation
    }
}
