import Logging
import NIOCore
import PostgresNIO
import ReinAdapters

/// The shared store: one PostgreSQL database that any number of `rein serve` replicas use at
/// once (docs/SERVE.md, "Several replicas"). Every write is committed (and so durable, with the
/// server's `fsync` and `synchronous_commit` on, as they are by default) before it returns.
/// - a step is stored only onto the incident's version it was made from (a conditional update of
///   the incident's row): two replicas never store the same step index, and the one that lost
///   reloads the incident and redoes its step;
/// - the audit chain's `seq` and `prev` are assigned inside the transaction that appends, which
///   locks the chain's head (one row) until it commits: one chain, in commit order, across
///   replicas;
/// - every commit notifies the channel `rein` with the incident's id: long polls on other
///   replicas wake, and their dispatchers look for effects.
public final class PostgresStore: SharedStore {
    let client: PostgresClient
    let logger: Logger
    let queue: CommitQueue
    private let running: Task<Void, Never>
    private let listener: PostgresListener
    /// The channel commits notify.
    static let channel = "rein"

    /// Connects to `location`, brings the schema up to date (up to migration `upTo`, in tests),
    /// and starts listening for other replicas' changes.
    public static func connect(_ location: PostgresLocation, logger: Logger, upTo: String? = nil) async throws -> PostgresStore {
        let client = PostgresClient(configuration: location.configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        do {
            try await PostgresSchema.migrate(client, schema: location.schema, upTo: upTo, logger: logger)
        } catch {
            running.cancel()
            throw PostgresStoreError.unusable(location.redacted, error)
        }
        return PostgresStore(client: client, running: running, logger: logger)
    }

    private init(client: PostgresClient, running: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.running = running
        self.logger = logger
        queue = CommitQueue { writes in await PostgresStore.write(writes, client, logger: logger) }
        listener = PostgresListener(client: client, channel: Self.channel, logger: logger)
    }

    /// Stops listening and closes the connections.
    public func close() async {
        await listener.stop()
        running.cancel()
    }

    public func saveBundle(digest: String, files: [StoredBundleFile]) async throws {
        let text = StoreCoding.filesJSON(files)
        try await client.query("INSERT INTO bundle (digest, files) VALUES (\(digest), \(text)) ON CONFLICT (digest) DO NOTHING", logger: logger)
    }

    public func bundle(digest: String) async throws -> [StoredBundleFile]? {
        for try await text in try await client.query("SELECT files FROM bundle WHERE digest = \(digest)", logger: logger).decode(String.self) {
            return StoreCoding.files(text)
        }
        return nil
    }

    /// Opens an incident, in the group commit with the steps.
    public func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?) async throws -> OpenResult {
        try await queue.open(record, audit: audit, handoff: handoff)
    }

    public func commit(_ step: StepCommit) async throws -> StoredStep {
        try await queue.step(step)
    }

    public func incidents() async throws -> [StoredIncident] {
        try await incidents(where: "true", limit: nil)
    }

    public func appendAudit(_ entries: [AuditChain.Entry]) async throws -> [AuditLine] {
        guard !entries.isEmpty else { return [] }
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let chain = try await Self.lockChain(connection, logger: logger)
            return try await Self.append(entries, to: chain, notifying: [], connection, logger: logger)
        }
    }

    public func auditLines(after seq: Int64, limit: Int) async throws -> [AuditLine] {
        let rows = try await client.query("SELECT seq, line FROM audit WHERE seq > \(seq) ORDER BY seq LIMIT \(max(0, limit))", logger: logger)
        var lines: [AuditLine] = []
        for try await (seq, line) in rows.decode((Int64, String).self) { lines.append(AuditLine(seq: seq, text: line)) }
        return lines
    }

    /// Locks the chain's head until the caller's transaction ends (another replica's append
    /// waits for it), and reads it: the chain to link after.
    static func lockChain(_ connection: PostgresConnection, logger: Logger) async throws -> AuditChain {
        for try await (seq, hash) in try await connection.execute(PostgresStatements.LockChain(), logger: logger) {
            return AuditChain(nextSeq: seq + 1, head: hash)
        }
        throw StoreError.corrupt("the audit chain's head is missing")
    }

    /// Links `entries` after `chain` (locked by ``lockChain``) and notifies the channel of the
    /// incidents in `notifying`, in one statement; the lines.
    static func append(
        _ entries: [AuditChain.Entry], to chain: AuditChain, notifying: [String], _ connection: PostgresConnection, logger: Logger
    ) async throws -> [AuditLine] {
        var chain = chain
        var lines: [AuditLine] = []
        var hashes: [String] = []
        for entry in entries {
            chain.append(entry)
            guard let line = chain.lines.last else { continue }
            lines.append(AuditLine(seq: chain.nextSeq - 1, text: line))
            hashes.append(chain.head)
        }
        let statement = PostgresStatements.Append(
            seqs: lines.map(\.seq), lines: lines.map(\.text), hashes: hashes, head: (chain.nextSeq - 1, chain.head), notifying: notifying,
            channel: channel)
        for try await _ in try await connection.execute(statement, logger: logger) {}
        return lines
    }

    /// The incidents matching `condition` (SQL over the incident's columns), in the order they
    /// were opened, with their events and the deliveries that moved on.
    func incidents(where condition: PostgresQuery, limit: Int?) async throws -> [StoredIncident] {
        let logger = self.logger
        let rows = try await client.withConnection { connection -> [StoredIncidentRow] in
            var sql = condition
            sql.sql = """
                SELECT id, runbook, bundle, opened, owner, context, alert, request, fired_deadline, version, revision, position
                FROM incident WHERE \(condition.sql) ORDER BY position\(limit.map { " LIMIT \($0)" } ?? "")
                """
            var rows: [StoredIncidentRow] = []
            var index: [String: Int] = [:]
            for try await (id, runbook, bundle, opened, owner, context, alert, request, fired, version, revision, position)
                in try await connection.query(sql, logger: logger).decode(
                    (String, String, String, String, String, String?, String, String, String?, Int64, Int64, Int64).self)
            {
                index[id] = rows.count
                rows.append(
                    StoredIncidentRow(
                        id: id, runbook: runbook, bundle: bundle, opened: opened, owner: owner, context: context, alert: alert,
                        request: Array(request.utf8), firedDeadline: fired, version: version, revision: revision, position: position))
            }
            guard !rows.isEmpty else { return [] }
            let ids = rows.map(\.id)
            for try await (incident, body) in try await connection.query(
                "SELECT incident, body FROM event WHERE incident = ANY(\(ids)) ORDER BY incident, idx", logger: logger
            ).decode((String, String).self) {
                if let at = index[incident] { rows[at].events.append(body) }
            }
            for try await (id, incident, delivery, error) in try await connection.query(
                """
                SELECT id, incident, delivery, error FROM effect
                WHERE incident = ANY(\(ids)) AND (delivery NOT IN ('pending', 'agent') OR error IS NOT NULL)
                """, logger: logger
            ).decode((String, String, String, String?).self) {
                if let at = index[incident] { rows[at].deliveries[id] = DeliveryState(delivery: delivery, error: error) }
            }
            return rows
        }
        return try rows.map { try $0.incident() }
    }

    func changeStream() -> AsyncStream<String> { listener.stream() }
}

/// Why the shared store could not be used.
public enum PostgresStoreError: Error, CustomStringConvertible {
    case unusable(String, any Error)

    public var description: String {
        switch self {
        case .unusable(let location, let error): "the database \(location) cannot be used: \(String(reflecting: error))"
        }
    }
}
