import Logging
import PostgresNIO
import ReinAdapters

extension PostgresStore {
    /// Writes a batch (the steps and delivery changes that arrived while the last transaction
    /// was written) in one transaction: each step one statement, stored only onto its version
    /// (a step whose incident moved on stores nothing and fails alone, with ``StoreConflict``),
    /// then the audit lines of all of them under the chain's lock, then one notification per
    /// incident (``ChangeNotice``). A failed transaction fails every write in it.
    ///
    /// The writes lock their incidents' rows in the order of the incidents' ids (the writes of
    /// one incident keep their order), and the chain's lock is taken last, so that two replicas'
    /// transactions never wait for each other in a circle. Incidents opened in the batch get
    /// their places in the opening order under the chain's lock: the order of the commits.
    static func write(_ writes: [StoreWrite], _ client: PostgresClient, logger: Logger) async -> [Result<StoreWrite.Outcome, StoreFailure>] {
        let order = writes.indices.sorted { (writes[$0].incident, $0) < (writes[$1].incident, $1) }
        do {
            let sorted = try await client.withTransaction(logger: logger) { connection in
                var results: [Result<StoreWrite.Outcome, StoreFailure>] = []
                var audit: [(index: Int, entries: [AuditChain.Entry])] = []
                var changed: Set<String> = []
                var opened: [String] = []
                for write in order.map({ writes[$0] }) {
                    switch write {
                    case .open(let record, let entries, let handoff):
                        if let existing = try await open(record, handoff: handoff, connection, logger: logger) {
                            results.append(.success(.opened(existing)))
                            continue
                        }
                        audit.append((results.count, entries))
                        changed.insert(ChangeNotice.incident(record.id).payload)
                        opened.append(record.id)
                        results.append(.success(.opened(.created([]))))
                    case .step(let step):
                        guard let revision = try await store(step, connection, logger: logger) else {
                            let conflict = StoreConflict(incident: step.incident)
                            results.append(.failure(StoreFailure(message: conflict.description, conflict: conflict)))
                            continue
                        }
                        audit.append((results.count, step.audit))
                        changed.insert(ChangeNotice.of(step).payload)
                        results.append(.success(.stored(StoredStep(lines: [], revision: revision))))
                    case .delivery(let id, let delivery, let from, let error):
                        var incident: String?
                        for try await moved in try await connection.execute(
                            PostgresStatements.Delivery(delivery: delivery, error: error, id: id, from: from), logger: logger)
                        {
                            incident = moved
                        }
                        results.append(.success(.moved(try await bump(incident, connection, &changed, logger: logger))))
                    case .deferral(let id, let attempts, let notBefore, let error):
                        let incident = try await single(
                            """
                            UPDATE effect SET attempts = \(attempts), not_before = \(notBefore.epochMilliseconds), error = \(error)
                            WHERE id = \(id) AND delivery = 'pending' RETURNING incident
                            """, connection, logger: logger)
                        results.append(.success(.moved(try await bump(incident, connection, &changed, logger: logger))))
                    }
                }
                // The chain's lock last, and only when there is something to link: held from
                // here to the commit.
                let entries = audit.flatMap(\.entries)
                let notifying = changed.sorted()
                var lines: [AuditLine] = []
                if entries.isEmpty && opened.isEmpty {
                    if !notifying.isEmpty {
                        try await connection.query("SELECT pg_notify(\(channel), id) FROM unnest(\(notifying)::text[]) AS id", logger: logger)
                    }
                } else {
                    let chain = try await lockChain(connection, logger: logger)
                    if !opened.isEmpty {
                        try await connection.query(
                            """
                            UPDATE incident SET position = placed.position
                            FROM (SELECT id, (SELECT coalesce(max(position), 0) FROM incident WHERE position > 0) + n AS position
                                  FROM unnest(\(opened)::text[]) WITH ORDINALITY AS o(id, n)) AS placed
                            WHERE incident.id = placed.id
                            """, logger: logger)
                    }
                    lines = try await append(entries, to: chain, notifying: notifying, connection, logger: logger)
                }
                var next = lines[...]
                for (index, entries) in audit {
                    let mine = Array(next.prefix(entries.count))
                    next = next.dropFirst(entries.count)
                    switch results[index] {
                    case .success(.stored(var stored)):
                        stored.lines = mine
                        results[index] = .success(.stored(stored))
                    case .success(.opened(.created)): results[index] = .success(.opened(.created(mine)))
                    default: continue
                    }
                }
                return results
            }
            var results = sorted
            for (position, index) in order.enumerated() { results[index] = sorted[position] }
            return results
        } catch {
            return writes.map { _ in .failure(StoreFailure(message: String(reflecting: error))) }
        }
    }

    /// Stores one step in one statement, if the incident is at the step's version; its new
    /// revision, or nil when it has moved on (nothing is stored then).
    private static func store(_ step: StepCommit, _ connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        let index = step.event.map { Int32(clamping: $0.index) }
        let body = step.event.map { StoreCoding.event($0.event) }
        let effects = step.effects
        let ids = effects.map(\.id)
        let types = effects.map(\.type)
        let bodies = effects.map { String(decoding: $0.body, as: UTF8.self) }
        let deliveries = effects.map(\.delivery)
        let created = effects.map(\.created.epochMilliseconds)
        let waits = effects.map { $0.waitsFor ?? "" }
        let statement = PostgresStatements.Step(
            incident: step.incident, deadline: step.deadline?.epochMilliseconds, fired: step.firedDeadline?.rfc3339, version: step.version,
            index: index, event: body, ids: ids, types: types, bodies: bodies, deliveries: deliveries, created: created, waits: waits)
        for try await revision in try await connection.execute(statement, logger: logger) { return revision }
        return nil
    }

    /// Opens an incident inside the batch, at a provisional place (a negative position, made
    /// final under the chain's lock): nil when it was created, how it exists otherwise (another
    /// replica opening the same id at the same moment is waited for).
    private static func open(_ record: IncidentRecord, handoff: [UInt8]?, _ connection: PostgresConnection, logger: Logger) async throws -> OpenResult? {
        let context = record.context.map { StoreCoding.text(.object($0)) }
        let alert = StoreCoding.text(.object(record.alert))
        let request = String(decoding: record.request, as: UTF8.self)
        let body = handoff.map { String(decoding: $0, as: UTF8.self) }
        let created = try await single(
            """
            WITH opened AS (
                INSERT INTO incident (id, position, runbook, bundle, opened, owner, context, alert, request)
                VALUES (\(record.id), -nextval('incident_provisional'), \(record.runbook), \(record.bundle), \(record.opened.rfc3339),
                    \(record.owner), \(context), \(alert), \(request))
                ON CONFLICT (id) DO NOTHING RETURNING id),
            handed AS (INSERT INTO handoff (incident, body) SELECT id, \(body)::text FROM opened WHERE \(body)::text IS NOT NULL)
            SELECT id FROM opened
            """, connection, logger: logger)
        guard created == nil else { return nil }
        let existing = try await connection.query("SELECT request, owner FROM incident WHERE id = \(record.id)", logger: logger)
        for try await (stored, owner) in existing.decode((String, String).self) {
            return .exists(request: Array(stored.utf8), owner: owner)
        }
        throw StoreFailure(message: "incident `\(record.id)` could not be opened, nor found")
    }

    /// The single text a statement returns, if it returns a row.
    private static func single(_ query: PostgresQuery, _ connection: PostgresConnection, logger: Logger) async throws -> String? {
        for try await value in try await connection.query(query, logger: logger).decode(String.self) { return value }
        return nil
    }

    /// After an effect of `incident` changed (when one did): the incident's revision moves on;
    /// the new one.
    private static func bump(_ incident: String?, _ connection: PostgresConnection, _ changed: inout Set<String>, logger: Logger) async throws -> Int64? {
        guard let incident else { return nil }
        changed.insert(ChangeNotice.effects(incident).payload)
        for try await revision in try await connection.execute(PostgresStatements.Bump(incident: incident), logger: logger) { return revision }
        return nil
    }
}
