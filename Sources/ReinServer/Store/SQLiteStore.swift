import Foundation
import GRDB
import ReinAdapters

/// The embedded store: one SQLite file in WAL mode, every commit synced (`synchronous = FULL`)
/// before it returns. Schema changes are numbered migrations (``SQLiteSchema``).
public final class SQLiteStore: SessionStore {
    let pool: DatabasePool
    let queue: CommitQueue

    /// Opens (creating it if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "rein"
        let pool = try DatabasePool(path: path, configuration: configuration)
        self.pool = pool
        queue = CommitQueue { writes in await SQLiteStore.write(writes, pool) }
        // The pool's WAL set-up leaves the writer at synchronous = NORMAL, which may lose the
        // last commits on power loss: an acknowledged event must survive anything.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func saveBundle(digest: String, files: [StoredBundleFile]) async throws {
        let text = Self.filesJSON(files)
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO bundle (digest, files) VALUES (?, ?)", arguments: [digest, text])
        }
    }

    public func bundle(digest: String) async throws -> [StoredBundleFile]? {
        let text = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT files FROM bundle WHERE digest = ?", arguments: [digest])
        }
        return text.map(Self.files)
    }

    public func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]? = nil) async throws -> OpenResult {
        let request = Data(record.request)
        let context = record.context.map { Self.text(.object($0)) }
        let alert = Self.text(.object(record.alert))
        return try await pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT request, owner FROM incident WHERE id = ?", arguments: [record.id]) {
                let stored: Data = row["request"]
                let owner: String = row["owner"]
                return .exists(request: Array(stored), owner: owner)
            }
            try db.execute(
                sql: """
                    INSERT INTO incident (id, runbook, bundle, opened, owner, context, alert, request)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.runbook, record.bundle, record.opened.rfc3339, record.owner, context, alert, request,
                ])
            if let handoff {
                try db.execute(sql: "INSERT INTO handoff (incident, body) VALUES (?, ?)", arguments: [record.id, Data(handoff)])
            }
            return .created(try Self.appendAudit(audit, db))
        }
    }

    /// Stores one step. Steps that arrive while a transaction is being written wait and go
    /// together in the next one (group commit): one sync for many steps, each in its own
    /// savepoint, each answered only once the transaction that holds it is durable.
    public func commit(_ step: StepCommit) async throws -> [AuditLine] {
        guard case .lines(let lines) = try await queue.submit(.step(step)).get() else { return [] }
        return lines
    }

    /// Writes a batch in one transaction, each write in its own savepoint: one that fails leaves
    /// the others be.
    private static func write(_ writes: [StoreWrite], _ pool: DatabasePool) async -> [Result<StoreWrite.Outcome, StoreFailure>] {
        // The events' JSON is made before the writer's turn.
        let events = writes.map { write -> (Int, String)? in
            guard case .step(let step) = write else { return nil }
            return step.event.map { ($0.index, RecordingEncoder.event($0.event).map(text) ?? "null") }
        }
        do {
            return try await pool.write { db in
                zip(writes, events).map { write, event in
                    var outcome = StoreWrite.Outcome.changed(false)
                    do {
                        try db.inSavepoint {
                            outcome = try apply(write, event: event, db)
                            return .commit
                        }
                        return .success(outcome)
                    } catch {
                        return .failure(StoreFailure(message: "\(error)"))
                    }
                }
            }
        } catch {
            return writes.map { _ in .failure(StoreFailure(message: "\(error)")) }
        }
    }

    private static func apply(_ write: StoreWrite, event: (Int, String)?, _ db: Database) throws -> StoreWrite.Outcome {
        switch write {
        case .step(let step):
            return .lines(try apply(step, event: event, db))
        case .delivery(let id, let delivery, let from, let error):
            guard !from.isEmpty else { return .changed(false) }
            let marks = Array(repeating: "?", count: from.count).joined(separator: ", ")
            try db.execute(
                sql: "UPDATE effect SET delivery = ?, error = ? WHERE id = ? AND delivery IN (\(marks))",
                arguments: StatementArguments([delivery, error, id] as [(any DatabaseValueConvertible)?] + from.map { $0 }))
            return .changed(db.changesCount > 0)
        case .deferral(let id, let attempts, let notBefore, let error):
            try db.execute(
                sql: "UPDATE effect SET attempts = ?, not_before = ?, error = ? WHERE id = ? AND delivery = 'pending'",
                arguments: [attempts, notBefore.epochMilliseconds, error, id])
            return .changed(db.changesCount > 0)
        }
    }

    private static func apply(_ step: StepCommit, event: (Int, String)?, _ db: Database) throws -> [AuditLine] {
        if let (index, text) = event {
            try db.execute(sql: "INSERT INTO event (incident, idx, body) VALUES (?, ?, ?)", arguments: [step.incident, index, text])
        }
        for effect in step.effects {
            try db.execute(
                sql: "INSERT OR IGNORE INTO effect (id, incident, type, body, delivery, created, waits_for) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    effect.id, effect.incident, effect.type, Data(effect.body), effect.delivery, effect.created.epochMilliseconds,
                    effect.waitsFor,
                ])
        }
        if let fired = step.firedDeadline {
            try db.execute(sql: "UPDATE incident SET fired_deadline = ? WHERE id = ?", arguments: [fired.rfc3339, step.incident])
        }
        return try appendAudit(step.audit, db)
    }

    public func incidents() async throws -> [StoredIncident] {
        let rows = try await pool.read { db -> [StoredRow] in
            let incidents = try Row.fetchAll(db, sql: "SELECT * FROM incident ORDER BY rowid")
            var events: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT incident, body FROM event ORDER BY incident, idx") {
                events[row["incident"], default: []].append(row["body"])
            }
            var deliveries: [String: [String: DeliveryState]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, incident, delivery, error FROM effect WHERE delivery NOT IN ('pending', 'agent') OR error IS NOT NULL")
            {
                deliveries[row["incident"], default: [:]][row["id"]] = DeliveryState(delivery: row["delivery"], error: row["error"])
            }
            return incidents.map { row in
                let request: Data = row["request"]
                let id: String = row["id"]
                return StoredRow(
                    id: id, runbook: row["runbook"], bundle: row["bundle"], opened: row["opened"], owner: row["owner"],
                    context: row["context"], alert: row["alert"], request: Array(request), firedDeadline: row["fired_deadline"],
                    events: events[id] ?? [], deliveries: deliveries[id] ?? [:])
            }
        }
        return try rows.map { try $0.incident() }
    }

    public func appendAudit(_ entries: [AuditChain.Entry]) async throws -> [AuditLine] {
        try await pool.write { db in try Self.appendAudit(entries, db) }
    }

    public func auditLines(after seq: Int64, limit: Int) async throws -> [AuditLine] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, line FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, max(0, limit)]
            ).map { AuditLine(seq: $0["seq"], text: $0["line"]) }
        }
    }

    /// Links `entries` after the chain's last entry, inside the caller's transaction; the lines.
    private static func appendAudit(_ entries: [AuditChain.Entry], _ db: Database) throws -> [AuditLine] {
        guard !entries.isEmpty else { return [] }
        var chain = AuditChain()
        if let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") {
            let seq: Int64 = last["seq"]
            chain = AuditChain(nextSeq: seq + 1, head: last["hash"])
        }
        var lines: [AuditLine] = []
        for entry in entries {
            chain.append(entry)
            guard let line = chain.lines.last else { continue }
            try db.execute(
                sql: "INSERT INTO audit (seq, line, hash) VALUES (?, ?, ?)", arguments: [chain.nextSeq - 1, line, chain.head])
            lines.append(AuditLine(seq: chain.nextSeq - 1, text: line))
        }
        return lines
    }

    private static func text(_ value: JSONValue) -> String {
        String(decoding: CanonicalJSON.encodeKeepingNumbers(value) ?? JSONWriter.encode(value), as: UTF8.self)
    }

    private static func filesJSON(_ files: [StoredBundleFile]) -> String {
        text(
            .array(
                files.map {
                    .object(JSONObject(entries: [("path", .string($0.path)), ("sha256", .string($0.sha256)), ("text", .string($0.text))]))
                }))
    }

    private static func files(_ text: String) -> [StoredBundleFile] {
        guard case .success(.array(let items)) = JSONReader.parse(text, maxBytes: Int.max) else { return [] }
        return items.compactMap { item in
            guard case .object(let file) = item, case .string(let path)? = file["path"], case .string(let sha)? = file["sha256"],
                case .string(let text)? = file["text"]
            else { return nil }
            return StoredBundleFile(path: path, sha256: sha, text: text)
        }
    }

    /// A stored incident's columns, read inside the transaction (rows are not Sendable).
    private struct StoredRow: Sendable {
        var id, runbook, bundle, opened, owner: String
        var context: String?
        var alert: String
        var request: [UInt8]
        var firedDeadline: String?
        var events: [String]
        var deliveries: [String: DeliveryState]

        func incident() throws -> StoredIncident {
            func object(_ text: String) throws -> JSONObject {
                guard case .success(.object(let object)) = JSONReader.parse(text, maxBytes: Int.max) else {
                    throw StoreError.corrupt("incident `\(id)` has a stored value that is not a JSON object")
                }
                return object
            }
            guard let openedAt = Timestamp(rfc3339: opened) else { throw StoreError.corrupt("incident `\(id)` has a bad opening time") }
            let record = IncidentRecord(
                id: id, runbook: runbook, bundle: bundle, opened: openedAt, owner: owner, context: try context.map(object),
                alert: try object(alert), request: request)
            let decoded = try events.map { text -> SessionEvent in
                guard case .success(let event) = LiveRequests.storedEvent(Array(text.utf8)) else {
                    throw StoreError.corrupt("incident `\(id)` has a stored event that cannot be read")
                }
                return event
            }
            return StoredIncident(
                record: record, events: decoded, firedDeadline: firedDeadline.flatMap(Timestamp.init(rfc3339:)), deliveries: deliveries)
        }
    }
}

/// Why one step could not be stored.
struct StoreFailure: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// One write the group commit takes: a step, or a change of an effect's delivery.
enum StoreWrite: Sendable {
    case step(StepCommit)
    /// Effect `id` to `to` (with `error`) when it is in one of `from`.
    case delivery(id: String, to: String, from: [String], error: String?)
    /// A failed attempt of a pending effect: the count, when to try again, why.
    case deferral(id: String, attempts: Int, notBefore: Timestamp, error: String)

    enum Outcome: Sendable {
        /// A step's audit lines.
        case lines([AuditLine])
        /// Whether an effect's row changed.
        case changed(Bool)
    }
}

/// Writes waiting to be written, and the one writer that takes them all at once: while a
/// transaction is written, the writes that arrive wait and go together in the next.
actor CommitQueue {
    private var waiting: [(write: StoreWrite, answer: CheckedContinuation<Result<StoreWrite.Outcome, StoreFailure>, Never>)] = []
    private var writing = false
    private let writer: @Sendable ([StoreWrite]) async -> [Result<StoreWrite.Outcome, StoreFailure>]

    init(_ writer: @escaping @Sendable ([StoreWrite]) async -> [Result<StoreWrite.Outcome, StoreFailure>]) {
        self.writer = writer
    }

    /// Waits until `write` is durable (or failed).
    func submit(_ write: StoreWrite) async -> Result<StoreWrite.Outcome, StoreFailure> {
        await withCheckedContinuation { answer in
            waiting.append((write, answer))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let results = await writer(batch.map(\.write))
            for (index, item) in batch.enumerated() {
                item.answer.resume(returning: index < results.count ? results[index] : .failure(StoreFailure(message: "not written")))
            }
        }
        writing = false
    }
}

/// A store that cannot be used as it is.
public enum StoreError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let why): "the store is damaged: \(why)"
        }
    }
}

/// The schema, as numbered migrations: a database is brought up to date at start-up; a
/// migration, once released, never changes.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE bundle (digest TEXT PRIMARY KEY, files TEXT NOT NULL);
                    CREATE TABLE incident (
                        id TEXT PRIMARY KEY, runbook TEXT NOT NULL, bundle TEXT NOT NULL REFERENCES bundle(digest),
                        opened TEXT NOT NULL, owner TEXT NOT NULL, context TEXT, alert TEXT NOT NULL, request BLOB NOT NULL,
                        fired_deadline TEXT);
                    CREATE TABLE event (
                        incident TEXT NOT NULL REFERENCES incident(id), idx INTEGER NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (incident, idx)) WITHOUT ROWID;
                    CREATE TABLE effect (
                        id TEXT PRIMARY KEY, incident TEXT NOT NULL REFERENCES incident(id), type TEXT NOT NULL,
                        body BLOB NOT NULL, delivery TEXT NOT NULL);
                    CREATE TABLE audit (seq INTEGER PRIMARY KEY, line TEXT NOT NULL, hash TEXT NOT NULL);
                    """)
        }
        // Effect delivery: attempts and back-off, the time an effect was caused, what an
        // `execute` waits for, and the last error; the pending ones indexed.
        migrator.registerMigration("2-delivery") { db in
            try db.execute(
                sql: """
                    ALTER TABLE effect ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE effect ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE effect ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE effect ADD COLUMN waits_for TEXT;
                    ALTER TABLE effect ADD COLUMN error TEXT;
                    CREATE INDEX effect_pending ON effect(incident) WHERE delivery = 'pending';
                    """)
        }
        migrator.registerMigration("3-handoff") { db in
            try db.execute(
                sql: """
                    CREATE TABLE handoff (
                        incident TEXT PRIMARY KEY REFERENCES incident(id), body BLOB NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0, error TEXT,
                        delivered INTEGER NOT NULL DEFAULT 0);
                    CREATE INDEX handoff_pending ON handoff(delivered) WHERE delivered = 0;
                    """)
        }
        migrator.registerMigration("4-teams-cards") { db in
            try db.execute(
                sql: """
                    CREATE TABLE teams_card (
                        effect TEXT PRIMARY KEY, incident TEXT NOT NULL REFERENCES incident(id), digest TEXT NOT NULL,
                        service_url TEXT NOT NULL, conversation TEXT NOT NULL, activity TEXT NOT NULL, card BLOB NOT NULL,
                        shown TEXT NOT NULL);
                    """)
        }
        return migrator
    }
}
