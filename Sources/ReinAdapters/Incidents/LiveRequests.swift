import ReinEngine

/// What opens a live incident: a recording's `incident` (optional: the host makes one),
/// `runbook` (optional: chosen by trigger), `context` and `alert` (docs/FORMATS.md §3).
public struct IncidentOpening: Sendable, Hashable {
    public var incident: String?
    public var runbook: String?
    public var context: JSONObject?
    public var alert: JSONObject

    public init(incident: String?, runbook: String?, context: JSONObject?, alert: JSONObject) {
        self.incident = incident
        self.runbook = runbook
        self.context = context
        self.alert = alert
    }
}

/// Why a body was refused: every problem found, each with its place in the body.
public struct BodyError: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}

/// The bodies a live host reads (JSON), as strictly as a recorded incident: unknown keys, wrong
/// types, duplicate keys and numbers beyond what JSON can carry exactly are errors, each with its
/// place in the body.
public enum LiveRequests {
    /// The kinds of event an agent posts.
    public static let agentEvents = ["propose", "observe"]
    /// The kinds of event an executor posts.
    public static let executorEvents = ["result"]

    /// An opening: `{"incident"?, "runbook"?, "context"?, "alert"}`.
    public static func opening(_ body: SourceFile) -> Result<IncidentOpening, BodyError> {
        read(body) { reading, root in
            guard let top = reading.members(root, "the incident", allowed: ["incident", "runbook", "context", "alert"]) else {
                return nil
            }
            if top["alert"] == nil { reading.fail("missing-key", "missing key `alert`", at: root) }
            let id = top["incident"].flatMap { reading.incidentID($0.value) }
            let runbook = top["runbook"].flatMap { reading.string($0.value, "`runbook`") }
            let context = top["context"].flatMap { reading.object($0.value, "`context`") }
            guard let alert = top["alert"].flatMap({ reading.object($0.value, "`alert`") }) else { return nil }
            return IncidentOpening(incident: id, runbook: runbook, context: context, alert: alert)
        }
    }

    /// One event in a recording's shape without `at` — the host stamps it with `at` — of one of
    /// `kinds` (``agentEvents``, ``executorEvents``).
    public static func event(_ body: SourceFile, at: Timestamp, kinds: [String]) -> Result<SessionEvent, BodyError> {
        read(body) { reading, root in reading.event(root, stamped: at, kinds: kinds) }
    }

    /// An event as a recording holds it (with its `at`): what the host stored.
    public static func storedEvent(_ bytes: [UInt8]) -> Result<SessionEvent, BodyError> {
        read(SourceFile(path: "event.json", bytes: bytes)) { reading, root in reading.event(root) }
    }

    /// An approver's verdict, `{"verdict":"approve"|"reject","digest","comment"?}`, as the event
    /// it is: given `by` the person the approver's credentials name, never a name in the body.
    public static func verdict(_ body: SourceFile, by: String, at: Timestamp) -> Result<SessionEvent, BodyError> {
        read(body) { reading, root in
            guard let fields = reading.members(root, "a verdict", allowed: ["verdict", "digest", "comment"]),
                let verdict = reading.required(fields, "verdict", root), let digest = reading.required(fields, "digest", root)
            else { return nil }
            let comment = fields["comment"].flatMap { reading.string($0.value, "`comment`") }
            switch verdict {
            case "approve":
                if let field = fields["comment"], comment != nil {
                    reading.fail("unknown-key", "`comment` is for a rejection: an approval carries none", at: field.key)
                    return nil
                }
                return .approve(at: at, by: by, digest: digest)
            case "reject": return .reject(at: at, by: by, comment: comment, digest: digest)
            default:
                reading.fail("value", "`verdict` must be `approve` or `reject`", at: fields["verdict"]?.value ?? root)
                return nil
            }
        }
    }

    /// An executor's acknowledgement of an effect: `{"ok":true}`, or `{"ok":false,"error":"…"}`
    /// with why it failed (1 to 4,096 characters, none of them U+0000). `error` goes with
    /// `false` only.
    public static func acknowledgement(_ body: SourceFile) -> Result<Acknowledgement, BodyError> {
        read(body) { reading, root in
            guard let fields = reading.members(root, "an acknowledgement", allowed: ["ok", "error"]) else { return nil }
            guard let okField = fields["ok"] else {
                reading.fail("missing-key", "missing key `ok`", at: root, help: #"write {"ok":true} or {"ok":false,"error":"why"}"#)
                return nil
            }
            guard case .scalar(let text, false) = okField.value.kind, case .bool(let ok) = IncidentSchema.resolve(text) else {
                reading.fail("type", "`ok` must be `true` or `false`", at: okField.value)
                return nil
            }
            let error = fields["error"].flatMap { reading.string($0.value, "`error`") }
            if ok, let field = fields["error"] {
                reading.fail("unknown-key", "`error` goes with `\"ok\": false` only", at: field.key)
                return nil
            }
            if !ok {
                guard let error else {
                    if fields["error"] == nil {
                        reading.fail("missing-key", "missing key `error`: a failed effect says why", at: root)
                    }
                    return nil
                }
                guard !error.isEmpty, error.unicodeScalars.count <= 4096 else {
                    reading.fail("value", "`error` must be 1 to 4096 characters", at: fields["error"]?.value ?? root)
                    return nil
                }
                // Kept as text by the store, which (PostgreSQL's) cannot hold U+0000.
                guard !error.unicodeScalars.contains("\u{0}") else {
                    reading.fail("value", "`error` must not contain the character U+0000", at: fields["error"]?.value ?? root)
                    return nil
                }
            }
            return Acknowledgement(ok: ok, error: ok ? nil : error)
        }
    }

    private static func read<T>(_ body: SourceFile, _ parse: (inout Reading, DocValue) -> T?) -> Result<T, BodyError> {
        switch IncidentDocument.json(body) {
        case .failure(let error):
            return .failure(BodyError([.error(error.code, error.message, at: SourceSpan(file: 0, start: error.offset, end: error.offset))]))
        case .success(let root):
            var reading = Reading()
            let value = parse(&reading, root)
            guard reading.problems.isEmpty else { return .failure(BodyError(reading.problems)) }
            guard let value else {
                return .failure(BodyError([.error("rein.incident.type", "the body is not a valid request", at: SourceSpan(file: 0, start: 0, end: 0))]))
            }
            return .success(value)
        }
    }
}

extension Reading {
    /// An incident id: a string of 1 to 128 characters from `A-Z a-z 0-9 . _ : -`, so that it
    /// is safe in a URL path, an effect id and a file name.
    mutating func incidentID(_ value: DocValue) -> String? {
        guard let text = string(value, "`incident`") else { return nil }
        let allowed = (1...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
            }
        guard allowed else {
            fail(
                "value", "`incident` must be 1 to 128 letters, digits, `.`, `_`, `:` or `-`", at: value,
                help: "write an id like INC-20260509-0247")
            return nil
        }
        return text
    }
}

/// An executor's word on an effect it was given: carried out (`ok`), or failed with `error`.
public struct Acknowledgement: Sendable, Hashable {
    public var ok: Bool
    public var error: String?

    public init(ok: Bool, error: String?) {
        self.ok = ok
        self.error = error
    }
}
