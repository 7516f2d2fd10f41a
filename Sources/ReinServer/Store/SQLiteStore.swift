import Foundation
import GRDB
import ReinAdapters

/// The embedded store: one SQLite file in WAL mode, every commit synced (`synchronous = FULL`)
/// before it returns. Schema changes are numbered migrations (``SQLiteSchema``).
public final class SQLiteStore: SessionStore {
    let pool: DatabasePool
    let queue: CommitQueue

    /// Opens (creating it if needed) the database at `path` and brings its schema up to date
    /// (up to migration `upTo`, in tests of migrations).
    public init(path: String, upTo: String? = nil) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "rein"
        let pool = try DatabasePool(path: path, configuration: configuration)
        self.pool = pool
        queue = CommitQueue { writes in await SQLiteStore.write(writes, pool) }
        // The pool's WAL set-up leaves the writer at synchronous = NORMAL, which may lose the
        // last commits on power loss: an acknowledged event must survive anything.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        if let upTo {
            try SQLiteSchema.migrator.migrate(pool, upTo: upTo)
        } else {
            try SQLiteSchema.migrator.migrate(pool)
        }
    }

    public func saveBundle(digest: String, files: [StoredBundleFile]) async throws {
        let text = StoreCoding.filesJSON(files)
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO bundle (digest, files) VALUES (?, ?)", arguments: [digest, text])
        }
    }

    public func bundle(digest: String) async throws -> [StoredBundleFile]? {
        let text = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT files FROM bundle WHERE digest = ?", arguments: [digest])
        }
        return text.map(StoreCoding.files)
    }

    /// Opens an incident, in the group commit with the steps.
    public func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]? = nil) async throws -> OpenResult {
        try await queue.open(record, audit: audit, handoff: handoff)
    }

    private static func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?, _ db: Database) throws -> OpenResult {
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
                record.id, record.runbook, record.bundle, record.opened.rfc3339, record.owner, record.context.map { StoreCoding.text(.object($0)) },
                StoreCoding.text(.object(record.alert)), Data(record.request),
            ])
        if let handoff {
            try db.execute(sql: "INSERT INTO handoff (incident, body) VALUES (?, ?)", arguments: [record.id, Data(handoff)])
        }
        return .created(try appendAudit(audit, db))
    }

    /// Stores one step. Steps that arrive while a transaction is being written wait and go
    /// together in the next one (group commit): one sync for many steps, each in its own
    /// savepoint, each answered only once the transaction that holds it is durable.
    public func commit(_ step: StepCommit) async throws -> StoredStep {
        try await queue.step(step)
    }

    /// Writes a batch in one transaction, each write in its own savepoint: one that fails leaves
    /// the others be.
    private static func write(_ writes: [StoreWrite], _ pool: DatabasePool) async -> [Result<StoreWrite.Outcome, StoreFailure>] {
        // The events' JSON is made before the writer's turn.
        let events = writes.map { write -> (Int, String)? in
            guard case .step(let step) = write else { return nil }
            return step.event.map { ($0.index, StoreCoding.event($0.event)) }
        }
        do {
            return try await pool.write { db in
                zip(writes, events).map { write, event in
                    var outcome = StoreWrite.Outcome.moved(nil)
                    do {
                        try db.inSavepoint {
                            outcome = try apply(write, event: event, db)
                            return .commit
                        }
                        return .success(outcome)
                    } catch let conflict as StoreConflict {
                        return .failure(StoreFailure(message: conflict.description, conflict: conflict))
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
        case .open(let record, let audit, let handoff):
            return .opened(try open(record, audit: audit, handoff: handoff, db))
        case .step(let step):
            return .stored(try apply(step, event: event, db))
        case .delivery(let id, let delivery, let from, let error):
            guard !from.isEmpty else { return .moved(nil) }
            let marks = Array(repeating: "?", count: from.count).joined(separator: ", ")
            try db.execute(
                sql: "UPDATE effect SET delivery = ?, error = ? WHERE id = ? AND delivery IN (\(marks))",
                arguments: StatementArguments([delivery, error, id] as [(any DatabaseValueConvertible)?] + from.map { $0 }))
            return .moved(try bumpRevision(ofEffect: id, changed: db.changesCount > 0, db))
        case .deferral(let id, let attempts, let notBefore, let error):
            try db.execute(
                sql: "UPDATE effect SET attempts = ?, not_before = ?, error = ? WHERE id = ? AND delivery = 'pending'",
                arguments: [attempts, notBefore.epochMilliseconds, error, id])
            return .moved(try bumpRevision(ofEffect: id, changed: db.changesCount > 0, db))
        }
    }

    /// After effect `id` changed (when it did): its incident's revision moves on; the new one.
    private static func bumpRevision(ofEffect id: String, changed: Bool, _ db: Database) throws -> Int64? {
        guard changed else { return nil }
        let incident = "(SELECT incident FROM effect WHERE id = ?)"
        try db.execute(sql: "UPDATE incident SET revision = revision + 1 WHERE id = \(incident)", arguments: [id])
        return try Int64.fetchOne(db, sql: "SELECT revision FROM incident WHERE id = \(incident)", arguments: [id])
    }

    private static func apply(_ step: StepCommit, event: (Int, String)?, _ db: Database) throws -> StoredStep {
        try db.execute(
            sql: """
                UPDATE incident SET version = version + 1, revision = revision + 1, deadline = ?,
                    fired_deadline = coalesce(?, fired_deadline)
                WHERE id = ? AND version = ?
                """,
            arguments: [step.deadline?.epochMilliseconds, step.firedDeadline?.rfc3339, step.incident, step.version])
        guard db.changesCount == 1 else { throw StoreConflict(incident: step.incident) }
        let revision = try Int64.fetchOne(db, sql: "SELECT revision FROM incident WHERE id = ?", arguments: [step.incident]) ?? 0
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
        return StoredStep(lines: try appendAudit(step.audit, db), revision: revision)
    }

    public func incidents() async throws -> [StoredIncident] {
        let rows = try await pool.read { db -> [StoredIncidentRow] in
            let incidents = try Row.fetchAll(db, sql: "SELECT rowid AS position, * FROM incident ORDER BY rowid")
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
                return StoredIncidentRow(
                    id: id, runbook: row["runbook"], bundle: row["bundle"], opened: row["opened"], owner: row["owner"],
                    context: row["context"], alert: row["alert"], request: Array(request), firedDeadline: row["fired_deadline"],
                    version: row["version"], revision: row["revision"], position: row["position"], events: events[id] ?? [],
                    deliveries: deliveries[id] ?? [:])
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
        // Versions: a step is stored only onto the version it was made from; the revision moves
        // with every change; the pending deadline, for the replicas that watch every incident.
        migrator.registerMigration("5-versions") { db in
            try db.execute(
                sql: """
                    ALTER TABLE incident ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE incident ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE incident ADD COLUMN deadline INTEGER;
                    UPDATE incident SET version = (SELECT count(*) FROM event WHERE event.incident = incident.id);
                    UPDATE incident SET version = version + 1 WHERE fired_deadline IS NOT NULL;
                    UPDATE incident SET revision = version;
                    """)
        }
        return migrator
    }
}
