import ReinAdapters

/// An incident as stored: what opened it, under which runbook and bundle, and when.
public struct IncidentRecord: Sendable, Hashable {
    public var id: String
    public var runbook: String
    /// The digest of the bundle the incident is pinned to.
    public var bundle: String
    public var opened: Timestamp
    /// The agent's token name (only it may post to and read the incident as an agent).
    public var owner: String
    public var context: JSONObject?
    public var alert: JSONObject
    /// The opening body as read, in canonical JSON: a retry with the same body is recognised.
    public var request: [UInt8]

    public init(
        id: String, runbook: String, bundle: String, opened: Timestamp, owner: String, context: JSONObject?, alert: JSONObject,
        request: [UInt8]
    ) {
        self.id = id
        self.runbook = runbook
        self.bundle = bundle
        self.opened = opened
        self.owner = owner
        self.context = context
        self.alert = alert
        self.request = request
    }
}

/// An effect to deliver, in the outbox: `id` is `{incident}/{step}/{n}` (`deadline` for the
/// step of a timeout), `body` its JSON as the incident shows it.
public struct OutboxEffect: Sendable, Hashable {
    public var id: String
    public var incident: String
    public var type: String
    public var body: [UInt8]
    /// `agent` (answered to the agent) or `pending` (for an executor).
    public var delivery: String
    /// When the step that caused it happened (an activation's timeout counts from here).
    public var created: Timestamp
    /// For an `execute`: the `activate_role` that must be acknowledged first.
    public var waitsFor: String?
}

/// An effect in the outbox and where its delivery stands.
public struct OutboxEntry: Sendable, Hashable {
    public var effect: OutboxEffect
    /// `pending`, `delivered`, `done` or `failed` (`agent` for what went back to the agent).
    public var delivery: String
    /// Delivery attempts that failed so far.
    public var attempts: Int
    /// Not to be tried again before this time.
    public var notBefore: Timestamp
    /// Why the last attempt failed, or why the effect failed.
    public var error: String?
}

/// Where one effect's delivery stands, as an incident is restored.
public struct DeliveryState: Sendable, Hashable {
    public var delivery: String
    public var error: String?
}

/// What one step writes, all at once or not at all: the event (none for a timeout that fired on
/// its own), the effects for executors, the audit entries (linked into the server's one chain by
/// the store, in commit order), and whether the step fired the approval deadline.
public struct StepCommit: Sendable {
    public var incident: String
    /// The incident's version the step was made from: it is stored only if the stored incident
    /// is still at that version (then at the next), else the store throws ``StoreConflict``.
    public var version: Int64
    /// The event and its step index.
    public var event: (index: Int, event: SessionEvent)?
    public var effects: [OutboxEffect]
    public var audit: [AuditChain.Entry]
    /// The deadline this step fired, if it did.
    public var firedDeadline: Timestamp?
    /// The approval deadline pending after the step, if one is (every replica watches it).
    public var deadline: Timestamp?
}

/// A step made from an incident that has moved on in the store meanwhile (another replica
/// stored a step of it): nothing was stored; load the incident again and redo the step.
public struct StoreConflict: Error, Sendable, CustomStringConvertible {
    public var incident: String
    public var description: String { "incident `\(incident)` changed meanwhile" }
}

/// A stored incident with its events in order, and the deadline that fired, if one did.
public struct StoredIncident: Sendable {
    public var record: IncidentRecord
    public var events: [SessionEvent]
    public var firedDeadline: Timestamp?
    /// The effects whose delivery moved on from how they were stored, by id.
    public var deliveries: [String: DeliveryState]
    /// How many steps were stored: the version the next step is made from.
    public var version: Int64
    /// Bumped by every change (a step, an effect's delivery): a replica whose copy has another
    /// revision reloads it.
    public var revision: Int64
    /// Where it stands in the order incidents were opened.
    public var position: Int64
}

/// One file of a stored bundle version.
public struct StoredBundleFile: Sendable, Hashable {
    public var path: String
    public var sha256: String
    public var text: String
}

/// An audit log line as stored: its `seq` and its JSON (no newline).
public struct AuditLine: Sendable, Hashable {
    public var seq: Int64
    public var text: String

    public init(seq: Int64, text: String) {
        self.seq = seq
        self.text = text
    }
}

/// How an open went.
public enum OpenResult: Sendable, Hashable {
    /// Opened; the audit lines its opening appended.
    case created([AuditLine])
    /// An incident with this id exists: opened with this body, by this owner.
    case exists(request: [UInt8], owner: String)
}

/// Where sessions live: the embedded SQLite file by default. Every write is durable when it
/// returns (the host acknowledges nothing before).
public protocol SessionStore: Sendable {
    /// Stores a bundle version, content-addressed (storing one again changes nothing).
    func saveBundle(digest: String, files: [StoredBundleFile]) async throws
    func bundle(digest: String) async throws -> [StoredBundleFile]?
    /// Opens an incident with its opening audit entries, unless one with its id exists; with
    /// `handoff`, the body of its hand-off to the agent runtime, to be sent (in the same
    /// transaction: an incident that opens is handed off, even across a crash).
    func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?) async throws -> OpenResult
    /// Stores one step, if the incident is still at the step's version (else it throws
    /// ``StoreConflict``); the audit lines it appended and the incident's new revision.
    func commit(_ step: StepCommit) async throws -> StoredStep
    /// Every incident with its events, in the order they were opened.
    func incidents() async throws -> [StoredIncident]
    /// Appends entries that belong to no step (what an executor did for an incident) to the
    /// audit chain; their lines.
    func appendAudit(_ entries: [AuditChain.Entry]) async throws -> [AuditLine]
    /// Audit lines after `seq`, at most `limit`, in chain order.
    func auditLines(after seq: Int64, limit: Int) async throws -> [AuditLine]

    // MARK: The outbox

    /// Effects waiting for delivery (`pending`), at most `limit`, in the order they were stored.
    func pendingEffects(limit: Int) async throws -> [OutboxEntry]
    /// The effect `id` and where its delivery stands; nil when there is none.
    func effect(id: String) async throws -> OutboxEntry?
    /// Moves effect `id` to `delivery` (with `error`) when it is in one of `from`: its incident's
    /// revision after the change, nil when it was not in one of `from` (nothing changed).
    func setDelivery(_ id: String, to delivery: String, from: [String], error: String?) async throws -> Int64?
    /// Records a failed delivery attempt of a pending effect: the count, when to try again, why.
    func deferDelivery(_ id: String, attempts: Int, notBefore: Timestamp, error: String) async throws

    // MARK: Hand-offs

    /// The hand-offs not yet delivered, in the order the incidents were opened.
    func pendingHandoffs() async throws -> [PendingHandoff]
    /// Records a hand-off as delivered, or (with `retry`) a failed attempt: its count, when to
    /// try again, why.
    func settleHandoff(_ incident: String, retry: (attempts: Int, notBefore: Timestamp, error: String)?) async throws

    // MARK: Teams cards

    /// Records a card posted to Teams (again for the same effect: replaces it).
    func savePostedCard(_ card: PostedCard) async throws
    /// Every card posted to Teams, in the order they were posted.
    func postedCards() async throws -> [PostedCard]
    /// Records the status a posted card now shows.
    func setCardShown(effect: String, shown: String) async throws
}

/// An approval card posted to Teams: where, under which activity id, what it carried, and the
/// fingerprint of the status it last showed (so that it is redrawn only when that changes,
/// also after a restart).
public struct PostedCard: Sendable, Hashable {
    /// The `send_approval_card` effect's id.
    public var effect: String
    public var incident: String
    public var digest: String
    public var serviceURL: String
    public var conversation: String
    public var activity: String
    /// The card as sent (JSON).
    public var card: [UInt8]
    public var shown: String

    public init(effect: String, incident: String, digest: String, serviceURL: String, conversation: String, activity: String, card: [UInt8], shown: String) {
        self.effect = effect
        self.incident = incident
        self.digest = digest
        self.serviceURL = serviceURL
        self.conversation = conversation
        self.activity = activity
        self.card = card
        self.shown = shown
    }
}

/// A hand-off waiting to be delivered.
public struct PendingHandoff: Sendable, Hashable {
    public var incident: String
    public var body: [UInt8]
    public var attempts: Int
    public var notBefore: Timestamp
}
