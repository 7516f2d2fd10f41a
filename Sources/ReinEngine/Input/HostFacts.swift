/// The facts about a proposal that only the host knows: the caller's `context`, the `session`
/// state, the `alert` and the time (`at`). The model supplies only `tool`, `kind`, `args` and
/// `thought` (and an `id` to correlate the answer); everything that decides *which* rules apply
/// and how far the session has got must come from the host.
///
/// A host that passes the model's JSON through as a proposal lets the model write these facts
/// itself — an agent that adds `"session":{"tools":["redis_info"]}` to its own proposal gets past
/// a sequence rule. Decide such input with ``DecisionOptions/agentInput`` set, and give the
/// host's facts here (`rein eval --agent-input --context … --session … --alert … --at …`).
public struct HostFacts: Sendable, Hashable {
    /// The caller's context, validated like a proposal's (`invalid_context` when it does not fit).
    public var context: JSONObject?
    /// The session state every proposal is decided in.
    public var session: SessionState?
    /// The alert payload (common alert schema), free of duplicate keys at every depth.
    public var alert: JSONObject?
    /// The time of the proposals.
    public var at: Timestamp?

    public init(context: JSONObject? = nil, session: SessionState? = nil, alert: JSONObject? = nil, at: Timestamp? = nil) {
        self.context = context
        self.session = session
        self.alert = alert
        self.at = at
    }

    /// True when the host gives no fact at all.
    public var isEmpty: Bool { context == nil && session == nil && alert == nil && at == nil }

    /// The proposal's top-level keys the host gives, in proposal order.
    var givenKeys: [ProposalDecoder.TopLevelKey] {
        let given: [(Bool, ProposalDecoder.TopLevelKey)] = [
            (context != nil, .context), (session != nil, .session), (alert != nil, .alert), (at != nil, .at),
        ]
        return given.compactMap { $0.0 ? $0.1 : nil }
    }

    /// A host fact that cannot be used: which one (`context`, `session`, `alert`, `at`) and why,
    /// as a one-line message.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let fact: String
        public let description: String
    }

    /// Reads the host's facts from their text forms: `context` and `session` as JSON objects
    /// (the shapes a proposal's have), `alert` as a JSON object without duplicate keys, `at` as
    /// an RFC 3339 time. Each is optional; a bad one is an error naming it.
    public static func parse(
        context: String? = nil, session: String? = nil, alert: String? = nil, at: String? = nil
    ) throws(Invalid) -> HostFacts {
        var facts = HostFacts()
        if let context {
            facts.context = try object(context, "context")
        }
        if let session {
            let value = JSONValue.object(try object(session, "session"))
            switch ProposalDecoder.decodeSession(value) {
            case .success(let state): facts.session = state
            case .failure(let message): throw Invalid(fact: "session", description: message.text)
            }
        }
        if let alert {
            let object = try object(alert, "alert")
            if let duplicate = ProposalDecoder.firstDuplicateKey(in: .object(object)) {
                throw Invalid(fact: "alert", description: "duplicate key \(ProposalDecoder.quoted(duplicate)) in `alert`")
            }
            facts.alert = object
        }
        if let at {
            guard let time = Timestamp(rfc3339: at) else {
                throw Invalid(fact: "at", description: "`at` must be an rfc 3339 timestamp, not \(ProposalDecoder.quoted(at))")
            }
            facts.at = time
        }
        return facts
    }

    private static func object(_ text: String, _ name: String) throws(Invalid) -> JSONObject {
        guard text.utf8.count <= ProposalDecoder.maxLineBytes else {
            throw Invalid(fact: name, description: "`\(name)` is over the 1 MiB limit")
        }
        switch JSONReader.parse(text, maxBytes: ProposalDecoder.maxLineBytes) {
        case .success(.object(let object)): return object
        case .success: throw Invalid(fact: name, description: "`\(name)` must be a json object")
        case .failure(let error): throw Invalid(fact: name, description: "`\(name)` is not valid json: \(error.message) at byte \(error.offset)")
        }
    }
}
