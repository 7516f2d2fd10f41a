import Foundation
import ReinAdapters
import ReinServer
import Testing

/// What the server acknowledged survives a restart; deadlines fire on their own, also the ones
/// that passed while it was down (once, stamped with the deadline); one incident's events are
/// applied one at a time, and the audit chain links every entry in commit order.
@Suite("rein serve durability, timers and concurrency")
struct DurabilityTests {
    static let restart = #"{"propose":{"thought":"restart","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#

    /// An incident waiting for approval of a restart; its deadline.
    static func awaitingApproval(_ server: TestServer, id: String) async throws -> Timestamp {
        #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: id)).status == 201)
        #expect(try await server.post("/v1/incidents/\(id)/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
        let proposed = try await server.post("/v1/incidents/\(id)/events", token: "agent-runtime-token", Self.restart)
        #expect(proposed["step"]?["decision"]?["decision"] == .string("require_approval"))
        let view = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
        return try #require(view["pending"]?["deadline"]?.stringValue.flatMap(Timestamp.init(rfc3339:)))
    }

    static func auditLines(_ folder: URL) async throws -> [String] {
        let store = try await TestStores.store(folder: folder)
        defer { Task { await TestStores.close(store) } }
        return try await store.auditLines(after: -1, limit: 100_000).map(\.text)
    }

    @Test func theAuditFileIsTheStoresChainAndIsRepairedAfterATornWrite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-serve-\(UUID().uuidString)")
        let audit = folder.appendingPathComponent("audit.jsonl").path
        let first = try await TestServer.start(at: APITests.weekday, folder: folder, auditFile: audit)
        _ = try await Self.awaitingApproval(first, id: "INC-F")
        try await first.stop()
        let stored = try await Self.auditLines(folder)
        #expect(stored.count >= 5)
        #expect(try String(contentsOfFile: audit, encoding: .utf8) == stored.map { $0 + "\n" }.joined())
        let lines = stored.map { $0 + "\n" }
        // A crash in the middle of a line: the start cuts it off.
        let handle = try #require(FileHandle(forWritingAtPath: audit))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"seq":99,"at":"#.utf8))
        try handle.close()
        try await TestServer.start(at: APITests.weekday, folder: folder, auditFile: audit).stop()
        #expect(try String(contentsOfFile: audit, encoding: .utf8) == lines.joined())
        // Lines the store has and the file lacks (a crash between the commit and the write) are appended.
        try lines.dropLast(2).joined().write(toFile: audit, atomically: true, encoding: .utf8)
        try await TestServer.start(at: APITests.weekday, folder: folder, auditFile: audit).stop()
        #expect(try String(contentsOfFile: audit, encoding: .utf8) == lines.joined())
        // A file that is another chain stops the start.
        try (lines.dropFirst().joined()).write(toFile: audit, atomically: true, encoding: .utf8)
        await #expect(throws: AuditFileError.self) { _ = try await TestServer.start(at: APITests.weekday, folder: folder, auditFile: audit) }
    }

    @Test func aRestartShowsTheSameIncidents() async throws {
        let first = try await TestServer.start(at: APITests.weekday)
        _ = try await Self.awaitingApproval(first, id: "INC-D")
        let before = try await first.get("/v1/incidents/INC-D", token: "dashboards-token")
        try await first.stop()
        let second = try await TestServer.start(at: APITests.weekday, folder: first.folder)
        let after = try await second.get("/v1/incidents/INC-D", token: "dashboards-token")
        #expect(after.status == 200)
        #expect(after.json == before.json)
        // It goes on where it stopped.
        let digest = try #require(after["pending"]?["digest"]?.stringValue)
        let approved = try await second.post("/v1/incidents/INC-D/approvals", token: "approver:alice@contoso.com", #"{"verdict":"approve","digest":"\#(digest)"}"#)
        #expect(approved["step"]?["index"] == .integer(2) && approved["step"]?["accepted"] == .bool(true))
        try await second.stop()
        let lines = try await Self.auditLines(first.folder)
        #expect(try AuditVerifier.verify(lines.joined(separator: "\n") + "\n").get().nextSeq == Int64(lines.count))
    }

    @Test func aDeadlineFiresWithNoFurtherEvent() async throws {
        let server = try await TestServer.start(at: APITests.weekday)
        let deadline = try await Self.awaitingApproval(server, id: "INC-T")
        // Not yet: exactly at the deadline an approval is still on time.
        server.clock.advance(to: deadline)
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await server.get("/v1/incidents/INC-T", token: "dashboards-token")["phase"] == .string("awaiting_approval"))
        server.clock.advance(to: Timestamp(seconds: deadline.seconds + 1))
        let closed = try await Self.waitForPhase("closed", "INC-T", on: server)
        #expect(closed["outcome"]?["reason"] == .string("approval_timeout"))
        let page = closed["effects"]?.arrayValue.first { $0["type"] == .string("page") }
        #expect(page?["id"] == .string("INC-T/deadline/0"))
        try await server.stop()
    }

    @Test func aDeadlinePassedWhileDownFiresOnceAtStartUpStampedWithTheDeadline() async throws {
        let first = try await TestServer.start(at: APITests.weekday)
        let deadline = try await Self.awaitingApproval(first, id: "INC-W")
        try await first.stop()
        let later = Timestamp(seconds: deadline.seconds + 3600)
        let second = try await TestServer.start(at: later, folder: first.folder)
        let closed = try await second.get("/v1/incidents/INC-W", token: "dashboards-token")
        #expect(closed["phase"] == .string("closed"))
        #expect(closed["outcome"]?["reason"] == .string("approval_timeout"))
        try await second.stop()
        let lines = try await Self.auditLines(first.folder)
        let outcome = try #require(lines.last)
        #expect(outcome.contains(#""type":"outcome""#) && outcome.contains(#""at":"\#(deadline.rfc3339)""#))
        // A third start fires nothing again.
        let third = try await TestServer.start(at: Timestamp(seconds: later.seconds + 60), folder: first.folder)
        #expect(try await third.get("/v1/incidents/INC-W", token: "dashboards-token").json == closed.json)
        try await third.stop()
        #expect(try await Self.auditLines(first.folder) == lines)
    }

    @Test func parallelProposalsToOneIncidentAreAppliedOneAtATime() async throws {
        let server = try await TestServer.start(at: APITests.weekday)
        #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-C")).status == 201)
        let indices = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let reply = try await server.post("/v1/incidents/INC-C/events", token: "agent-runtime-token", APITests.readLogs)
                    if case .integer(let index)? = reply["step"]?["index"] { return index }
                    return nil
                }
            }
            var all: [Int64] = []
            for try await index in group { if let index { all.append(index) } }
            return all
        }
        #expect(indices.sorted() == Array(0..<200))
        let view = try await server.get("/v1/incidents/INC-C", token: "dashboards-token")
        #expect(view["steps"]?.arrayValue.count == 200)
        try await server.stop()
        let lines = try await Self.auditLines(server.folder)
        #expect(try AuditVerifier.verify(lines.joined(separator: "\n") + "\n").get().nextSeq == Int64(lines.count))
    }

    static func waitForPhase(_ phase: String, _ id: String, on server: TestServer) async throws -> TestServer.Reply {
        for _ in 0..<200 {
            let view = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
            if view["phase"] == .string(phase) { return view }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("incident \(id) never reached \(phase)")
        return try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
    }
}

/// A store that holds back the commits of one incident until told: the others go on.
final class GatedStore: SessionStore {
    let inner: any SessionStore
    let held: String
    private let gate = AsyncStream.makeStream(of: Void.self)

    init(_ inner: any SessionStore, holding incident: String) {
        self.inner = inner
        self.held = incident
    }

    func release() { gate.continuation.finish() }

    func commit(_ step: StepCommit) async throws -> StoredStep {
        if step.incident == held { for await _ in gate.stream {} }
        return try await inner.commit(step)
    }

    func saveBundle(digest: String, files: [StoredBundleFile]) async throws { try await inner.saveBundle(digest: digest, files: files) }
    func bundle(digest: String) async throws -> [StoredBundleFile]? { try await inner.bundle(digest: digest) }
    func open(_ record: IncidentRecord, audit: [AuditChain.Entry], handoff: [UInt8]?) async throws -> OpenResult {
        try await inner.open(record, audit: audit, handoff: handoff)
    }
    func incidents() async throws -> [StoredIncident] { try await inner.incidents() }
    func auditLines(after seq: Int64, limit: Int) async throws -> [AuditLine] { try await inner.auditLines(after: seq, limit: limit) }
    func pendingEffects(limit: Int) async throws -> [OutboxEntry] { try await inner.pendingEffects(limit: limit) }
    func effect(id: String) async throws -> OutboxEntry? { try await inner.effect(id: id) }
    func setDelivery(_ id: String, to delivery: String, from: [String], error: String?) async throws -> Int64? {
        try await inner.setDelivery(id, to: delivery, from: from, error: error)
    }
    func deferDelivery(_ id: String, attempts: Int, notBefore: Timestamp, error: String) async throws {
        try await inner.deferDelivery(id, attempts: attempts, notBefore: notBefore, error: error)
    }
    func pendingHandoffs() async throws -> [PendingHandoff] { try await inner.pendingHandoffs() }
    func appendAudit(_ entries: [AuditChain.Entry]) async throws -> [AuditLine] { try await inner.appendAudit(entries) }
    func settleHandoff(_ incident: String, retry: (attempts: Int, notBefore: Timestamp, error: String)?) async throws {
        try await inner.settleHandoff(incident, retry: retry)
    }
    func savePostedCard(_ card: PostedCard) async throws { try await inner.savePostedCard(card) }
    func postedCards() async throws -> [PostedCard] { try await inner.postedCards() }
    func setCardShown(effect: String, shown: String) async throws { try await inner.setCardShown(effect: effect, shown: shown) }
}

@Suite("rein serve: incidents in parallel")
struct ParallelIncidentTests {
    static func body(_ text: String) -> SourceFile { SourceFile(path: "b.json", bytes: Array(text.utf8)) }

    @Test func anIncidentWaitingForItsStoreDoesNotHoldUpAnother() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-gated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = GatedStore(try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path), holding: "INC-SLOW")
        let host = SessionHost(bundle: exampleBundle, store: store, clock: ManualClock(APITests.weekday))
        try await host.start()
        let agent = Principal(name: "agent-runtime", role: .agent)
        _ = try await host.open(Self.body(try APITests.opening(id: "INC-SLOW")), by: agent)
        _ = try await host.open(Self.body(try APITests.opening(id: "INC-FAST")), by: agent)
        let slow = Task { try await host.post(event: Self.body(APITests.readLogs), to: "INC-SLOW", by: agent) }
        // The fast incident's steps are answered while the slow one's first step waits (were
        // they held up, the watchdog would let the slow one go after 10 s and the test fail).
        let fast = Task {
            for _ in 0..<5 {
                let reply = try await host.post(event: Self.body(APITests.readLogs), to: "INC-FAST", by: agent)
                #expect(reply["step"]?["decision"]?["decision"] == .string("allow"))
            }
        }
        let answeredFirst = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await fast.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                store.release()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(answeredFirst)
        let reader = Principal(name: "dashboards", role: .reader)
        #expect(try await host.view("INC-FAST", by: reader)["steps"]?.arrayValue.count == 5)
        store.release()
        _ = try await slow.value
        #expect(try await host.view("INC-SLOW", by: reader)["steps"]?.arrayValue.count == 1)
        await host.stop()
    }
}
