import Foundation
import GRDB
import PostgresNIO
import ReinAdapters
import Testing

@testable import ReinServer

/// The same tests against both stores (PostgreSQL when `REIN_TEST_POSTGRES` names a server):
/// idempotent opening, order, pinned bundles, one audit chain, steps stored only onto their
/// version, revisions, and migrations from an empty database and from the previous schema.
@Suite("stores: the same promises from SQLite and PostgreSQL")
struct StoreConformanceTests {
    static let opened = Timestamp(rfc3339: "2026-06-03T11:30:00Z")!

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs `body` on a fresh store of `kind`, closing it afterwards.
    static func with(_ kind: TestStores.Kind, _ body: (any SessionStore) async throws -> Void) async throws {
        let store = try await TestStores.store(kind, folder: try folder())
        do {
            try await body(store)
        } catch {
            await TestStores.close(store)
            throw error
        }
        await TestStores.close(store)
    }

    static func record(_ id: String, request: String = #"{"alert":{}}"#, owner: String = "agent-runtime") -> IncidentRecord {
        IncidentRecord(
            id: id, runbook: "aks_crashloop_backoff", bundle: exampleBundle.digest, opened: opened, owner: owner, context: nil,
            alert: JSONObject(entries: [("schemaId", .string("azureMonitorCommonAlertSchema"))]), request: Array(request.utf8))
    }

    static func entry(_ incident: String, _ type: String) -> AuditChain.Entry {
        AuditChain.Entry(at: opened, incident: incident, type: type, data: JSONObject(entries: [("n", .string(type))]))!
    }

    /// A step of `incident` made from `version`: a result event at `index`, one pending effect.
    static func step(_ incident: String, version: Int64, index: Int, effects: Int = 1) -> StepCommit {
        let at = opened.adding(milliseconds: Int64(index) * 1000)
        let outbox = (0..<effects).map { n in
            OutboxEffect(
                id: "\(incident)/\(index)/\(n)", incident: incident, type: "page", body: Array(#"{"type":"page"}"#.utf8), delivery: "pending",
                created: at, waitsFor: nil)
        }
        return StepCommit(
            incident: incident, version: version, event: (index, .result(at: at, succeeded: true, detail: "step \(index)")), effects: outbox,
            audit: [entry(incident, "step-\(index)")], firedDeadline: nil, deadline: nil)
    }

    static func opening(_ store: any SessionStore, _ ids: [String]) async throws {
        try await store.saveBundle(digest: exampleBundle.digest, files: exampleBundle.files)
        for id in ids {
            guard case .created = try await store.open(record(id), audit: [entry(id, "opened")], handoff: nil) else {
                Issue.record("\(id) was not created")
                return
            }
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func openingIsIdempotentAndKeepsTheFirstBody(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-1"])
            let again = try await store.open(Self.record("INC-1", request: #"{"other":1}"#, owner: "other-agent"), audit: [Self.entry("INC-1", "x")], handoff: nil)
            #expect(again == .exists(request: Array(#"{"alert":{}}"#.utf8), owner: "agent-runtime"))
            // The refused opening appended nothing.
            #expect(try await store.auditLines(after: -1, limit: 100).count == 1)
            #expect(try await store.incidents().map(\.record.id) == ["INC-1"])
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func incidentsEventsAndEffectsComeBackInTheirOrder(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-B", "INC-A", "INC-C"])
            for index in 0..<4 { _ = try await store.commit(Self.step("INC-A", version: Int64(index), index: index)) }
            _ = try await store.commit(Self.step("INC-C", version: 0, index: 0, effects: 2))
            let incidents = try await store.incidents()
            #expect(incidents.map(\.record.id) == ["INC-B", "INC-A", "INC-C"])
            #expect(incidents.map(\.position) == incidents.map(\.position).sorted())
            let a = try #require(incidents.first { $0.record.id == "INC-A" })
            #expect(a.version == 4 && a.events.count == 4)
            #expect(a.events.map { if case .result(_, _, let detail) = $0 { detail ?? "" } else { "" } } == (0..<4).map { "step \($0)" })
            #expect(a.record == Self.record("INC-A"))
            let pending = try await store.pendingEffects(limit: 100).map(\.effect.id)
            #expect(pending == ["INC-A/0/0", "INC-A/1/0", "INC-A/2/0", "INC-A/3/0", "INC-C/0/0", "INC-C/0/1"])
            #expect(try await store.pendingEffects(limit: 2).count == 2)
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func aStepMadeFromAnOldVersionStoresNothing(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-V"])
            let first = try await store.commit(Self.step("INC-V", version: 0, index: 0))
            #expect(first.lines.count == 1)
            await #expect(throws: StoreConflict.self) { try await store.commit(Self.step("INC-V", version: 0, index: 0)) }
            await #expect(throws: StoreConflict.self) { try await store.commit(Self.step("INC-V", version: 5, index: 1)) }
            let stored = try #require(try await store.incidents().first)
            #expect(stored.version == 1 && stored.events.count == 1)
            #expect(try await store.auditLines(after: -1, limit: 100).count == 2)
            #expect(try await store.pendingEffects(limit: 100).map(\.effect.id) == ["INC-V/0/0"])
            // The next version goes on.
            let second = try await store.commit(Self.step("INC-V", version: 1, index: 1))
            #expect(second.revision > first.revision)
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func theRevisionMovesWithEveryChangeAndTheVersionOnlyWithSteps(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-R"])
            let stored = try await store.commit(Self.step("INC-R", version: 0, index: 0))
            #expect(try await store.setDelivery("INC-R/0/0", to: "delivered", from: ["pending"], error: nil) == stored.revision + 1)
            #expect(try await store.setDelivery("INC-R/0/0", to: "delivered", from: ["pending"], error: nil) == nil)
            let incident = try #require(try await store.incidents().first)
            #expect(incident.version == 1)
            #expect(incident.revision == stored.revision + 1)
            #expect(incident.deliveries["INC-R/0/0"] == DeliveryState(delivery: "delivered", error: nil))
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func bundlesAreKeptByDigestAndIncidentsPinnedToTheirs(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-P"])
            try await store.saveBundle(digest: exampleBundle.digest, files: [])
            #expect(try await store.bundle(digest: exampleBundle.digest) == exampleBundle.files)
            #expect(try await store.bundle(digest: "sha256:none") == nil)
            #expect(try await store.incidents().first?.record.bundle == exampleBundle.digest)
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func theAuditLogIsOneVerifiableChainInCommitOrder(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await Self.opening(store, ["INC-X", "INC-Y"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in ["INC-X", "INC-Y"] {
                    group.addTask {
                        for index in 0..<10 { _ = try await store.commit(Self.step(id, version: Int64(index), index: index)) }
                    }
                }
                group.addTask { _ = try await store.appendAudit([Self.entry("INC-X", "elevation")]) }
                try await group.waitForAll()
            }
            let lines = try await store.auditLines(after: -1, limit: 1000)
            #expect(lines.count == 23)
            #expect(lines.map(\.seq) == Array(lines.indices).map { Int64($0) + (lines.first?.seq ?? 0) })
            let text = lines.map(\.text).joined(separator: "\n") + "\n"
            guard case .success = AuditVerifier.verify(text) else {
                Issue.record("the chain does not verify")
                return
            }
            #expect(try await store.auditLines(after: lines[20].seq, limit: 10).map(\.seq) == [lines[21].seq, lines[22].seq])
        }
    }

    /// Writes of every kind at once (one group commit takes them together): each has its own
    /// outcome, and a conflicting step stores nothing while the others are stored.
    @Test(arguments: TestStores.Kind.available)
    func writesOfEveryKindAtOnceEachHaveTheirOutcome(_ kind: TestStores.Kind) async throws {
        try await Self.with(kind) { store in
            try await store.saveBundle(digest: exampleBundle.digest, files: exampleBundle.files)
            guard case .created = try await store.open(Self.record("INC-M"), audit: [Self.entry("INC-M", "opened")], handoff: Array(#"{"h":1}"#.utf8)) else {
                Issue.record("INC-M was not created")
                return
            }
            _ = try await store.commit(Self.step("INC-M", version: 0, index: 0, effects: 2))
            async let delivered = store.setDelivery("INC-M/0/0", to: "delivered", from: ["pending"], error: nil)
            async let deferred: Void = store.deferDelivery("INC-M/0/1", attempts: 1, notBefore: Self.opened.adding(milliseconds: 60_000), error: "503")
            async let stale: (any Error)? = {
                do {
                    _ = try await store.commit(Self.step("INC-M", version: 0, index: 1))
                    return nil
                } catch {
                    return error
                }
            }()
            async let next = store.commit(Self.step("INC-M", version: 1, index: 1))
            async let again = store.open(Self.record("INC-M", request: #"{"again":1}"#), audit: [Self.entry("INC-M", "x")], handoff: nil)
            async let other = store.open(Self.record("INC-N"), audit: [Self.entry("INC-N", "opened")], handoff: nil)
            let (moved, _, refused, stored, existing, opened) = try await (delivered, deferred, stale, next, again, other)
            #expect(moved != nil)
            #expect(refused is StoreConflict, "a step made from an old version: \(String(describing: refused))")
            #expect(stored.lines.count == 1)
            #expect(existing == .exists(request: Array(#"{"alert":{}}"#.utf8), owner: "agent-runtime"))
            guard case .created(let lines) = opened else {
                Issue.record("INC-N was not created")
                return
            }
            #expect(lines.count == 1)
            let incidents = try await store.incidents()
            #expect(incidents.map(\.record.id) == ["INC-M", "INC-N"])
            #expect(incidents.first?.version == 2)
            #expect(incidents.first?.events.count == 2)
            #expect(incidents.first?.deliveries["INC-M/0/0"] == DeliveryState(delivery: "delivered", error: nil))
            let waiting = try await store.pendingEffects(limit: 10)
            #expect(waiting.map(\.effect.id) == ["INC-M/0/1", "INC-M/1/0"])
            #expect(waiting.first?.attempts == 1 && waiting.first?.error == "503")
            #expect(try await store.pendingHandoffs().map(\.incident) == ["INC-M"])
            // INC-M's opening and two steps, INC-N's opening: four lines, one chain.
            let text = try await store.auditLines(after: -1, limit: 100).map(\.text)
            #expect(text.count == 4)
            guard case .success = AuditVerifier.verify(text.joined(separator: "\n") + "\n") else {
                Issue.record("the chain does not verify")
                return
            }
        }
    }

    /// The store links entries byte for byte as `AuditChain` does (PostgreSQL hashes them in
    /// the database), whatever the data holds: text beyond ASCII, escapes, nesting, numbers
    /// canonical JSON has no form for.
    @Test(arguments: TestStores.Kind.available)
    func theStoreLinksEntriesAsTheChainDoes(_ kind: TestStores.Kind) async throws {
        let data: [JSONObject] = [
            JSONObject(entries: [("reason", .string("Überlast — 東京 \u{1F525} \"quoted\" \\ back\nslash\t\u{01}"))]),
            JSONObject(entries: [("z", .number("12345678901234567890123")), ("a", .array([.bool(true), .null, .number("1.5e3"), .integer(-7)]))]),
            JSONObject(entries: [("nested", .object(JSONObject(entries: [("k", .string("</script>"))])))]),
        ]
        let entries = try data.enumerated().map { n, data in
            try #require(AuditChain.Entry(at: Self.opened.adding(milliseconds: Int64(n)), incident: "INC-\u{E9}", type: "thought", data: data))
        }
        try await Self.with(kind) { store in
            let lines = try await store.appendAudit(entries)
            var chain = AuditChain()
            for entry in entries { chain.append(entry) }
            #expect(lines.map(\.text) == chain.lines)
            #expect(try await store.auditLines(after: -1, limit: 10).map(\.text) == chain.lines)
        }
    }

    @Test(arguments: TestStores.Kind.available)
    func anEmptyDatabaseAndThePreviousSchemaAreBroughtUpToDate(_ kind: TestStores.Kind) async throws {
        let folder = try Self.folder()
        // The schema before versions, with an incident and two events in it.
        let old = try await TestStores.store(kind, folder: folder, upTo: "4-teams-cards")
        let events = [0, 1].map { index in StoreCoding.event(.result(at: Self.opened.adding(milliseconds: Int64(index)), succeeded: true, detail: "\(index)")) }
        if let sqlite = old as? SQLiteStore {
            try await Self.opening(old, ["INC-M"])
            try await sqlite.pool.write { db in
                for (index, body) in events.enumerated() {
                    try db.execute(sql: "INSERT INTO event (incident, idx, body) VALUES ('INC-M', ?, ?)", arguments: [index, body])
                }
            }
        } else if let postgres = old as? PostgresStore {
            // As the previous schema holds them (this version's code writes the next one).
            var chain = AuditChain()
            chain.append(Self.entry("INC-M", "opened"))
            let record = Self.record("INC-M")
            let files = StoreCoding.filesJSON(exampleBundle.files)
            let alert = StoreCoding.text(.object(record.alert))
            let request = String(decoding: record.request, as: UTF8.self)
            let client = postgres.client
            try await client.query("INSERT INTO bundle (digest, files) VALUES (\(exampleBundle.digest), \(files))")
            try await client.query(
                """
                INSERT INTO incident (id, position, runbook, bundle, opened, owner, alert, request)
                VALUES ('INC-M', 1, \(record.runbook), \(record.bundle), \(record.opened.rfc3339), \(record.owner), \(alert), \(request))
                """)
            try await client.query("INSERT INTO audit (seq, line, hash) VALUES (0, \(chain.lines[0]), \(chain.head))")
            for (index, body) in events.enumerated() {
                try await client.query("INSERT INTO event (incident, idx, body) VALUES ('INC-M', \(Int32(index)), \(body))")
            }
        }
        await TestStores.close(old)
        let store = try await TestStores.store(kind, folder: folder)
        let migrated = try #require(try await store.incidents().first)
        #expect(migrated.events.count == 2 && migrated.version == 2)
        await #expect(throws: StoreConflict.self) { try await store.commit(Self.step("INC-M", version: 1, index: 2)) }
        _ = try await store.commit(Self.step("INC-M", version: 2, index: 2))
        #expect(try await store.incidents().first?.events.count == 3)
        // The chain goes on from the entry the previous schema held.
        let lines = try await store.auditLines(after: -1, limit: 10).map(\.text)
        #expect(lines.count == 2)
        #expect(try AuditVerifier.verify(lines.joined(separator: "\n") + "\n").get().nextSeq == 2)
        await TestStores.close(store)
        // Opening it again migrates nothing more.
        let again = try await TestStores.store(kind, folder: folder)
        #expect(try await again.incidents().first?.version == 3)
        await TestStores.close(again)
    }
}
