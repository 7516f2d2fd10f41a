import Foundation
import ReinAdapters

/// A store several `rein serve` replicas share (PostgreSQL). What one replica keeps in memory
/// may be behind what another stored, so the host also asks it: an incident's revision before
/// each turn (and reloads it when another replica moved it on), the incidents opened elsewhere,
/// the deadlines due on any incident, effects to deliver under a lease, and which incidents the
/// other replicas changed (to wake long polls).
public protocol SharedStore: SessionStore {
    /// The incident's revision, nil when there is none.
    func revision(of incident: String) async throws -> Int64?
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
    /// The incidents any replica changed, as the changes commit: the id, with ` effects` after it
    /// when effects may now go out; empty when some may have been missed (the listening
    /// connection was lost): anything may have changed.
    func changes() -> AsyncStream<String>
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
