import Foundation
import ReinAdapters

/// A store several `rein serve` replicas share (PostgreSQL). What one replica keeps in memory
/// may be behind what another stored, so the host also asks it: what changed of an incident
/// before each turn (and catches up when another replica moved it on), the incidents opened elsewhere,
/// the deadlines due on any incident, effects to deliver under a lease, and which incidents the
/// other replicas changed (to wake long polls).
public protocol SharedStore: SessionStore {
    /// What was stored of incident `incident` since a copy at `revision` was made, in one read:
    /// its version and revision, the events from index `fromEvent` on, the deadline that fired,
    /// and the deliveries as they stand. Nil when it is still at `revision` (or there is none).
    func changes(of incident: String, since revision: Int64, fromEvent: Int) async throws -> StoredChanges?
    /// One stored incident, nil when there is none.
    func incident(_ id: String) async throws -> StoredIncident?
    /// The incidents opened after `position` in the opening order, at most `limit`, in that order.
    func incidents(after position: Int64, limit: Int) async throws -> [StoredIncident]
    /// The incidents whose pending approval deadline is before `time`, at most `limit`, earliest first.
    func dueDeadlines(before time: Timestamp, limit: Int) async throws -> [String]
    /// Claims effects for `owner` until `until` and returns them: of each incident with effects
    /// waiting (`pending`), the first one, unless another owner's lease on it runs past `now`.
    /// A claim of one's own lease renews it. Another replica claims an effect only once the
    /// lease has run out (its owner died, or is too slow): delivery stays at least once.
    func claimEffects(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxEntry]
    /// Claims as ``claimEffects(owner:now:until:limit:)`` does, among the effects of `incidents`
    /// only (those this replica just stored effects of, or whose effects moved on).
    func claimEffects(of incidents: [String], owner: String, now: Timestamp, until: Timestamp) async throws -> [OutboxEntry]
    /// Claims hand-offs not yet delivered for `owner` until `until`, as ``claimEffects`` does
    /// effects, in the order the incidents were opened.
    func claimHandoffs(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [PendingHandoff]
    /// What any replica changed, as the changes commit (``ChangeNotice``); an empty notice when
    /// some may have been missed (the listening connection was lost): anything may have changed.
    func changes() -> AsyncStream<String>
    /// The card posted to Teams for effect `effect`, by any replica.
    func postedCard(effect: String) async throws -> PostedCard?
}

/// What another replica stored of an incident since a copy was made (``SharedStore/changes(of:since:fromEvent:)``).
public struct StoredChanges: Sendable {
    public var version: Int64
    public var revision: Int64
    /// The events from the index asked for on, in order.
    public var events: [SessionEvent]
    public var firedDeadline: Timestamp?
    /// The effects whose delivery moved on from how they were stored, by id.
    public var deliveries: [String: DeliveryState]
}

/// The replicas of a shared store: how they name themselves as the owners of their leases, and
/// how long a lease lasts.
enum SharedStoreReplica {
    /// A name no other replica has: host, process and a random number (one process may run
    /// several hosts, as tests do).
    static func newName() -> String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UInt32.random(in: 0...UInt32.max))"
    }
    /// How long a claim on an effect or a hand-off lasts; renewed at every look.
    static let leaseMilliseconds: Int64 = 30_000
    /// How often a replica looks for effects and hand-offs to claim, rung or not.
    static let claimEvery: Int64 = 1_000
}

/// What a commit tells the other replicas, as the payload of a notification: `i INCIDENT` (the
/// incident changed), `e INCIDENT` (and its effects may go out, or moved on), `c EFFECT` (a card
/// was posted to Teams for that effect). Incident ids have no spaces.
enum ChangeNotice: Sendable, Equatable {
    case incident(String)
    case effects(String)
    case card(String)
    /// Anything may have changed (notices were missed).
    case anything

    /// The notice of a stored step.
    static func of(_ step: StepCommit) -> ChangeNotice {
        step.effects.contains { $0.delivery == "pending" } ? .effects(step.incident) : .incident(step.incident)
    }

    /// The notification's payload.
    var payload: String {
        switch self {
        case .incident(let id): "i \(id)"
        case .effects(let id): "e \(id)"
        case .card(let effect): "c \(effect)"
        case .anything: ""
        }
    }

    /// A payload read back; nil for one this version does not know.
    init?(payload: String) {
        guard !payload.isEmpty else {
            self = .anything
            return
        }
        let parts = payload.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let subject = String(parts[1])
        switch parts[0] {
        case "i": self = .incident(subject)
        case "e": self = .effects(subject)
        case "c": self = .card(subject)
        default: return nil
        }
    }
}
