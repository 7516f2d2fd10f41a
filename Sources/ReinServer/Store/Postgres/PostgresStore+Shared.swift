import PostgresNIO
import ReinAdapters

extension PostgresStore {
    public func revision(of incident: String) async throws -> Int64? {
        for try await revision in try await client.query("SELECT revision FROM incident WHERE id = \(incident)", logger: logger).decode(Int64.self) {
            return revision
        }
        return nil
    }

    public func incident(_ id: String) async throws -> StoredIncident? {
        try await incidents(where: "id = \(id)", limit: 1).first
    }

    public func incidents(after position: Int64, limit: Int) async throws -> [StoredIncident] {
        try await incidents(where: "position > \(position)", limit: max(0, limit))
    }

    public func dueDeadlines(before time: Timestamp, limit: Int) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await client.query(
            "SELECT id FROM incident WHERE deadline < \(time.epochMilliseconds) ORDER BY deadline LIMIT \(Int64(max(0, limit)))", logger: logger
        ).decode(String.self) {
            ids.append(id)
        }
        return ids
    }

    public func claimEffects(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxEntry] {
        // Each incident's first pending effect; the update re-checks the lease on the row as it
        // is when its turn comes (another replica's claim that committed first wins).
        var query: PostgresQuery = """
            WITH heads AS (
                SELECT DISTINCT ON (incident) id, lease_owner, lease_until FROM effect WHERE delivery = 'pending'
                ORDER BY incident, position),
            free AS (
                SELECT id FROM heads WHERE lease_owner IS NULL OR lease_owner = \(owner) OR lease_until < \(now.epochMilliseconds)
                LIMIT \(Int64(max(0, limit))))
            UPDATE effect SET lease_owner = \(owner), lease_until = \(until.epochMilliseconds)
            WHERE id IN (SELECT id FROM free) AND delivery = 'pending'
                AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_until < \(now.epochMilliseconds))
            """
        query.sql += " RETURNING \(Self.effectColumns)"
        return try await entries(query).sorted { $0.effect.created < $1.effect.created }
    }

    public func claimHandoffs(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [PendingHandoff] {
        let rows = try await client.query(
            """
            UPDATE handoff h SET lease_owner = \(owner), lease_until = \(until.epochMilliseconds)
            FROM incident i
            WHERE i.id = h.incident AND h.incident IN (
                SELECT incident FROM handoff WHERE NOT delivered
                    AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_until < \(now.epochMilliseconds))
                LIMIT \(Int64(max(0, limit))))
                AND NOT h.delivered AND (h.lease_owner IS NULL OR h.lease_owner = \(owner) OR h.lease_until < \(now.epochMilliseconds))
            RETURNING h.incident, h.body, h.attempts, h.not_before, i.position
            """, logger: logger)
        var claimed: [(PendingHandoff, Int64)] = []
        for try await (incident, body, attempts, notBefore, position) in rows.decode((String, String, Int32, Int64, Int64).self) {
            claimed.append(
                (PendingHandoff(incident: incident, body: Array(body.utf8), attempts: Int(attempts), notBefore: Timestamp(epochMilliseconds: notBefore)), position))
        }
        return claimed.sorted { $0.1 < $1.1 }.map(\.0)
    }

    public func changes() -> AsyncStream<String> { changeStream() }
}
