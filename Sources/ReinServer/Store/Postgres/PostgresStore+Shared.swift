import PostgresNIO
import ReinAdapters

extension PostgresStore {
    public func changes(of incident: String, since revision: Int64, fromEvent: Int) async throws -> StoredChanges? {
        let statement = PostgresStatements.Changes(incident: incident, revision: revision, fromEvent: Int32(clamping: fromEvent))
        for try await (version, revision, fired, bodies, moved) in try await client.execute(statement, logger: logger) {
            let events = try bodies.map { text -> SessionEvent in
                guard case .success(let event) = LiveRequests.storedEvent(Array(text.utf8)) else {
                    throw StoreError.corrupt("incident `\(incident)` has a stored event that cannot be read")
                }
                return event
            }
            return StoredChanges(
                version: version, revision: revision, events: events, firedDeadline: fired.flatMap(Timestamp.init(rfc3339:)),
                deliveries: try Self.deliveries(moved))
        }
        return nil
    }

    public func incident(_ id: String) async throws -> StoredIncident? {
        try await incidents(PostgresStatements.Incident(id: id)).first
    }

    public func incidents(after position: Int64, limit: Int) async throws -> [StoredIncident] {
        try await incidents(PostgresStatements.IncidentsAfter(position: position, limit: Int64(max(0, limit))))
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
        try await claim(nil, owner: owner, now: now, until: until, limit: limit)
    }

    public func claimEffects(of incidents: [String], owner: String, now: Timestamp, until: Timestamp) async throws -> [OutboxEntry] {
        guard !incidents.isEmpty else { return [] }
        return try await claim(incidents, owner: owner, now: now, until: until, limit: incidents.count)
    }

    /// Claims each incident's first pending effect (only `incidents`' when given) whose lease is
    /// free, run out or one's own, and returns them. Rows another transaction holds (a claim, a
    /// delivery being recorded) are skipped, not waited for: they are looked at again a second
    /// later, and no claim ever waits in a lock. One's own leases are written again only once
    /// half their time has run.
    private func claim(_ only: [String]?, owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [OutboxEntry] {
        let half = now.epochMilliseconds + (until.epochMilliseconds - now.epochMilliseconds) / 2
        let times = (now: now.epochMilliseconds, half: half, until: until.epochMilliseconds)
        var entries: [OutboxEntry] = []
        if let only {
            let statement = PostgresStatements.ClaimOf(owner: owner, times: times, limit: Int64(max(0, limit)), incidents: only)
            for try await row in try await client.execute(statement, logger: logger) { entries.append(Self.entry(row)) }
        } else {
            let statement = PostgresStatements.Claim(owner: owner, times: times, limit: Int64(max(0, limit)))
            for try await row in try await client.execute(statement, logger: logger) { entries.append(Self.entry(row)) }
        }
        return entries.sorted { $0.effect.created < $1.effect.created }
    }

    public func claimHandoffs(owner: String, now: Timestamp, until: Timestamp, limit: Int) async throws -> [PendingHandoff] {
        let rows = try await client.query(
            """
            WITH free AS (
                SELECT incident FROM handoff WHERE NOT delivered
                    AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_until < \(now.epochMilliseconds))
                ORDER BY incident LIMIT \(Int64(max(0, limit))) FOR UPDATE SKIP LOCKED)
            UPDATE handoff h SET lease_owner = \(owner), lease_until = \(until.epochMilliseconds)
            FROM incident i
            WHERE i.id = h.incident AND h.incident IN (SELECT incident FROM free)
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
