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
///   replicas wake;
/// - a replica's group commit is one statement (`rein_commit`, ``PostgresSchema/commitFunction``).
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

    public func appendAudit(_ entries: [AuditChain.Entry]) async throws -> [AuditLine] {
        guard !entries.isEmpty else { return [] }
        var batch = CommitBatch()
        batch.link(entries, of: 0)
        return try await batch.run(client, channel: Self.channel, logger: logger).lines
    }

    public func auditLines(after seq: Int64, limit: Int) async throws -> [AuditLine] {
        let rows = try await client.query("SELECT seq, line FROM audit WHERE seq > \(seq) ORDER BY seq LIMIT \(max(0, limit))", logger: logger)
        var lines: [AuditLine] = []
        for try await (seq, line) in rows.decode((Int64, String).self) { lines.append(AuditLine(seq: seq, text: line)) }
        return lines
    }

    /// The incidents a statement selects (``PostgresStatements/incidents(where:)``), with their
    /// events and the deliveries that moved on.
    func incidents<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [StoredIncident]
    where Statement.Row == PostgresStatements.IncidentRow {
        var incidents: [StoredIncident] = []
        for try await row in try await client.execute(statement, logger: logger) { incidents.append(try Self.incident(row)) }
        return incidents
    }

    /// Every incident, in the order they were opened.
    public func incidents() async throws -> [StoredIncident] {
        var incidents: [StoredIncident] = []
        let query = PostgresQuery(unsafeSQL: PostgresStatements.incidents(where: "true"))
        for try await row in try await client.query(query, logger: logger).decode(PostgresStatements.IncidentRow.self) {
            incidents.append(try Self.incident(row))
        }
        return incidents
    }

    static func incident(_ row: PostgresStatements.IncidentRow) throws -> StoredIncident {
        let (id, runbook, bundle, opened, owner, context, alert, request, fired, version, revision, position, events, moved) = row
        return try StoredIncidentRow(
            id: id, runbook: runbook, bundle: bundle, opened: opened, owner: owner, context: context, alert: alert, request: Array(request.utf8),
            firedDeadline: fired, version: version, revision: revision, position: position, events: events, deliveries: try deliveries(moved)
        ).incident()
    }

    /// The column of an incident's (`i`) effects whose delivery moved on, as JSON
    /// `[[id, delivery, error], …]` (read back by ``deliveries(_:)``).
    static let movedDeliveries = """
        (SELECT json_agg(json_build_array(f.id, f.delivery, f.error))::text FROM effect f
         WHERE f.incident = i.id AND (f.delivery NOT IN ('pending', 'agent') OR f.error IS NOT NULL))
        """

    /// The deliveries ``movedDeliveries`` lists (none when NULL: no effect moved).
    static func deliveries(_ json: String?) throws -> [String: DeliveryState] {
        var deliveries: [String: DeliveryState] = [:]
        guard let json else { return deliveries }
        guard case .success(.array(let rows)) = JSONReader.parse(json, maxBytes: Int.max) else {
            throw StoreError.corrupt("the deliveries read back are not a JSON array")
        }
        for row in rows {
            guard case .array(let fields) = row, fields.count == 3, case .string(let id) = fields[0], case .string(let delivery) = fields[1] else {
                throw StoreError.corrupt("a delivery read back is not [id, delivery, error]")
            }
            let error: String?
            switch fields[2] {
            case .string(let text): error = text
            case .null: error = nil
            default: throw StoreError.corrupt("the error of delivery `\(id)` read back is not text")
            }
            deliveries[id] = DeliveryState(delivery: delivery, error: error)
        }
        return deliveries
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
