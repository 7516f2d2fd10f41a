import Foundation
import Synchronization
import ReinAdapters
@testable import ReinServer
import Testing

/// Several replicas on one PostgreSQL database (when `REIN_TEST_POSTGRES` names a server): one
/// incident's events arriving at different replicas at once get distinct step indices and none
/// is lost; a deadline fires once whichever replicas watch it; a long poll on one replica wakes
/// when another appends; an effect goes out from one replica at a time, and from another once
/// the lease of the one that claimed it has run out.
@Suite("rein serve: replicas sharing PostgreSQL", .enabled(if: TestStores.postgresURL != nil, "needs REIN_TEST_POSTGRES"))
struct ReplicaTests {
    /// `count` servers on one fresh schema, sharing a clock; stopped after `body`. With
    /// `auditFiles`, each keeps an audit file in its folder (`audit.jsonl`).
    static func withReplicas(
        _ count: Int = 2, auditFiles: Bool = false, executors: @escaping () -> EffectExecutors? = { nil }, _ body: ([TestServer]) async throws -> Void
    ) async throws {
        let schema = "t_replicas_\(UInt32.random(in: 0...UInt32.max))"
        let clock = ManualClock(APITests.weekday)
        var servers: [TestServer] = []
        do {
            for _ in 0..<count {
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-replica-\(UUID().uuidString)")
                servers.append(
                    try await TestServer.start(
                        clock: clock, folder: folder, auditFile: auditFiles ? folder.appendingPathComponent("audit.jsonl").path : nil,
                        executors: executors(), store: try await TestStores.postgres(schema: schema)))
            }
            try await body(servers)
        } catch {
            for server in servers { try? await server.stop() }
            throw error
        }
        for server in servers { try await server.stop() }
    }

    @Test func eventsForOneIncidentAtSeveralReplicasAtOnceGetDistinctStepsAndNoneIsLost() async throws {
        try await Self.withReplicas(3) { servers in
            #expect(try await servers[0].post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-RR")).status == 201)
            let indices = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for n in 0..<90 {
                    group.addTask {
                        let reply = try await servers[n % 3].post("/v1/incidents/INC-RR/events", token: "agent-runtime-token", APITests.readLogs)
                        if case .integer(let index)? = reply["step"]?["index"] { return index }
                        Issue.record("refused: \(reply.status) \(reply.body)")
                        return nil
                    }
                }
                var all: [Int64] = []
                for try await index in group { if let index { all.append(index) } }
                return all
            }
            #expect(indices.sorted() == Array(0..<90))
            // Every replica shows all of them, as any one stored them.
            for server in servers {
                let view = try await server.get("/v1/incidents/INC-RR", token: "dashboards-token")
                #expect(view["steps"]?.arrayValue.count == 90)
            }
            let lines = try await servers[1].store.auditLines(after: -1, limit: 10_000).map(\.text)
            #expect(try AuditVerifier.verify(lines.joined(separator: "\n") + "\n").get().nextSeq == Int64(lines.count))
        }
    }

    @Test func anIncidentOpenedAtOneReplicaIsServedByTheOthersAndARetryOfTheOpeningIsRecognised() async throws {
        try await Self.withReplicas(2) { servers in
            let opening = try APITests.opening(id: "INC-O")
            #expect(try await servers[0].post("/v1/incidents", token: "agent-runtime-token", opening).status == 201)
            let retry = try await servers[1].post("/v1/incidents", token: "agent-runtime-token", opening)
            #expect(retry.status == 200 && retry["incident"] == .string("INC-O"))
            #expect(try await servers[1].post("/v1/incidents", token: "other-agent-token", opening).status == 409)
            #expect(try await servers[1].post("/v1/incidents/INC-O/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
            let list = try await servers[1].get("/v1/incidents", token: "dashboards-token")
            #expect(list["incidents"]?.arrayValue.compactMap { $0["incident"]?.stringValue } == ["INC-O"])
            #expect(try await servers[0].get("/v1/incidents/INC-O", token: "dashboards-token")["steps"]?.arrayValue.count == 1)
        }
    }

    @Test func aDeadlineFiresOnceWhateverReplicasWatchIt() async throws {
        try await Self.withReplicas(3) { servers in
            let deadline = try await DurabilityTests.awaitingApproval(servers[0], id: "INC-D")
            // Every replica knows the incident (two of them only through the store).
            for server in servers { _ = try await server.get("/v1/incidents/INC-D", token: "dashboards-token") }
            servers[0].clock.advance(to: Timestamp(seconds: deadline.seconds + 1))
            for server in servers {
                let closed = try await DurabilityTests.waitForPhase("closed", "INC-D", on: server)
                #expect(closed["outcome"]?["reason"] == .string("approval_timeout"))
            }
            try await Task.sleep(for: .milliseconds(300))
            let lines = try await servers[2].store.auditLines(after: -1, limit: 10_000).map(\.text)
            #expect(lines.filter { $0.contains(#""type":"outcome""#) }.count == 1)
            let stored = try #require(try await servers[2].store.incidents().first)
            #expect(stored.firedDeadline == deadline)
            #expect(try await servers[1].store.effect(id: "INC-D/deadline/0")?.effect.type == "page")
            #expect(try await servers[1].store.effect(id: "INC-D/deadline/1") == nil)
        }
    }

    @Test func aDeadlineOfAnIncidentNoLivingReplicaHasSeenFires() async throws {
        try await Self.withReplicas(2) { servers in
            let deadline = try await DurabilityTests.awaitingApproval(servers[0], id: "INC-Z")
            // The replica that set it is gone; the other never looked at the incident.
            try await servers[0].stop()
            servers[1].clock.advance(to: Timestamp(seconds: deadline.seconds + 1))
            let closed = try await DurabilityTests.waitForPhase("closed", "INC-Z", on: servers[1])
            #expect(closed["outcome"]?["reason"] == .string("approval_timeout"))
        }
    }

    @Test func eachEffectGoesOutFromOneReplica() async throws {
        let receiver = try await WebhookReceiver.start()
        try await Self.withReplicas(3, executors: { receiver.executors() }) { servers in
            for n in 0..<6 {
                _ = try await DurabilityTests.awaitingApproval(servers[n % 3], id: "INC-E\(n)")
            }
            try await EffectDeliveryTests.eventually("every card is received") { receiver.ids("send_approval_card").count >= 6 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.ids("send_approval_card").sorted() == (0..<6).map { "INC-E\($0)/1/0" })
            #expect(receiver.violations.isEmpty)
            for n in 0..<6 {
                #expect(try await EffectDeliveryTests.delivery(servers[(n + 1) % 3], "INC-E\(n)/1/0") == "delivered")
            }
        }
        try await receiver.stop()
    }

    @Test func eachReplicasAuditFileIsTheWholeChainUpToItsOwnLastCommit() async throws {
        try await Self.withReplicas(2, auditFiles: true) { servers in
            #expect(try await servers[0].post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-F")).status == 201)
            func file(_ server: TestServer) throws -> [String] {
                let text = try String(contentsOf: server.folder.appendingPathComponent("audit.jsonl"), encoding: .utf8)
                #expect(try AuditVerifier.verify(text).get().nextSeq == Int64(text.split(separator: "\n").count))
                return text.split(separator: "\n").map(String.init)
            }
            for n in 0..<6 {
                #expect(try await servers[n % 2].post("/v1/incidents/INC-F/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
                // The file of the replica that committed last is the whole chain; the other's a prefix of it.
                let chain = try await servers[0].store.auditLines(after: -1, limit: 1000).map(\.text)
                #expect(try file(servers[n % 2]) == chain)
                let other = try file(servers[(n + 1) % 2])
                #expect(other == Array(chain.prefix(other.count)) && other.count < chain.count)
            }
        }
    }

    @Test func aLongPollAtOneReplicaWakesWhenAnotherAppends() async throws {
        try await Self.withReplicas(2) { servers in
            #expect(try await servers[0].post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-L")).status == 201)
            let began = ContinuousClock.now
            let poll = Task { try await servers[0].get("/v1/incidents/INC-L?after=0&wait=20", token: "agent-runtime-token") }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await servers[1].post("/v1/incidents/INC-L/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
            let view = try await poll.value
            #expect(view["steps"]?.arrayValue.count == 1)
            #expect(ContinuousClock.now - began < .seconds(10))
        }
    }
}

/// The leases under which replicas deliver effects, and the deadlines every replica watches, in
/// the shared store itself.
@Suite("shared store: leases and deadlines", .enabled(if: TestStores.postgresURL != nil, "needs REIN_TEST_POSTGRES"))
struct SharedStoreTests {
    @Test func anEffectIsClaimedByOneReplicaUntilItsLeaseRunsOut() async throws {
        let store = try await TestStores.postgres(schema: "t_leases_\(UInt32.random(in: 0...UInt32.max))")
        try await StoreConformanceTests.opening(store, ["INC-1", "INC-2"])
        _ = try await store.commit(StoreConformanceTests.step("INC-1", version: 0, index: 0, effects: 2))
        _ = try await store.commit(StoreConformanceTests.step("INC-2", version: 0, index: 0))
        let now = StoreConformanceTests.opened
        let until = now.adding(milliseconds: 30_000)
        // Each incident's first effect, to the first that asks.
        let first = try await store.claimEffects(owner: "r1", now: now, until: until, limit: 10).map(\.effect.id)
        #expect(first.sorted() == ["INC-1/0/0", "INC-2/0/0"])
        #expect(try await store.claimEffects(owner: "r2", now: now.adding(milliseconds: 29_000), until: until, limit: 10).isEmpty)
        // Its owner renews it.
        #expect(try await store.claimEffects(owner: "r1", now: now.adding(milliseconds: 1_000), until: until.adding(milliseconds: 1_000), limit: 10).count == 2)
        // Once delivered, the incident's next effect is next.
        #expect(try await store.setDelivery("INC-1/0/0", to: "delivered", from: ["pending"], error: nil) != nil)
        #expect(try await store.claimEffects(owner: "r1", now: now.adding(milliseconds: 2_000), until: until, limit: 10).map(\.effect.id).sorted() == ["INC-1/0/1", "INC-2/0/0"])
        // r1 died: after its lease, r2 takes over.
        let late = until.adding(milliseconds: 1_001)
        #expect(try await store.claimEffects(owner: "r2", now: late, until: late.adding(milliseconds: 30_000), limit: 10).map(\.effect.id).sorted() == ["INC-1/0/1", "INC-2/0/0"])
        #expect(try await store.claimEffects(owner: "r1", now: late, until: late.adding(milliseconds: 30_000), limit: 10).isEmpty)
        // A limit takes fewer; one incident's effects only, when asked.
        let later = late.adding(milliseconds: 30_001)
        #expect(try await store.claimEffects(owner: "r3", now: later, until: later.adding(milliseconds: 30_000), limit: 1).count == 1)
        #expect(try await store.claimEffects(of: ["INC-2"], owner: "r4", now: later.adding(milliseconds: 30_001), until: later.adding(milliseconds: 60_000)).map(\.effect.id) == ["INC-2/0/0"])
        await store.close()
    }

    @Test func oneReplicaAtATimeLeadsAndAnotherTakesOverWhenItStops() async throws {
        final class Running: Sendable {
            let names = Mutex<[String]>([])
            func work(_ name: String) -> @Sendable () async -> Void {
                { [self] in
                    names.withLock { $0.append(name) }
                    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                    names.withLock { $0.removeAll { $0 == name } }
                }
            }
        }
        let schema = "t_lead_\(UInt32.random(in: 0...UInt32.max))"
        let (first, second) = (try await TestStores.postgres(schema: schema), try await TestStores.postgres(schema: schema))
        let key = Int64.random(in: 1...Int64(Int32.max))
        let running = Running()
        let leading = first.whileLeading(key, name: "test", running.work("first"))
        try await EffectDeliveryTests.eventually("the first leads") { running.names.withLock { $0 } == ["first"] }
        let waiting = second.whileLeading(key, name: "test", running.work("second"))
        try await Task.sleep(for: .seconds(3))
        #expect(running.names.withLock { $0 } == ["first"])
        leading.cancel()
        await leading.value
        try await EffectDeliveryTests.eventually("the second takes over") { running.names.withLock { $0 } == ["second"] }
        waiting.cancel()
        await waiting.value
        #expect(running.names.withLock { $0 }.isEmpty)
        await first.close()
        await second.close()
    }

    @Test func theDeadlinesDueAreThoseBeforeTheTimeEarliestFirst() async throws {
        let store = try await TestStores.postgres(schema: "t_deadlines_\(UInt32.random(in: 0...UInt32.max))")
        try await StoreConformanceTests.opening(store, ["INC-1", "INC-2", "INC-3"])
        let now = StoreConformanceTests.opened
        for (id, offset) in [("INC-1", 5_000), ("INC-2", 1_000), ("INC-3", 60_000)] as [(String, Int64)] {
            var step = StoreConformanceTests.step(id, version: 0, index: 0, effects: 0)
            step.deadline = now.adding(milliseconds: offset)
            _ = try await store.commit(step)
        }
        #expect(try await store.dueDeadlines(before: now.adding(milliseconds: 10_000), limit: 10) == ["INC-2", "INC-1"])
        #expect(try await store.dueDeadlines(before: now.adding(milliseconds: 10_000), limit: 1) == ["INC-2"])
        // A step without a pending deadline clears it.
        _ = try await store.commit(StoreConformanceTests.step("INC-2", version: 1, index: 1, effects: 0))
        #expect(try await store.dueDeadlines(before: now.adding(milliseconds: 100_000), limit: 10) == ["INC-1", "INC-3"])
        await store.close()
    }
}

/// What a commit tells the other replicas reads back as what it said; a payload of another kind
/// is not mistaken for one.
@Suite("replicas: change notices")
struct ChangeNoticeTests {
    @Test(arguments: [ChangeNotice.incident("INC-1:a.b"), .effects("INC-2"), .card("INC-3/4/0"), .anything])
    func aNoticeReadsBack(_ notice: ChangeNotice) {
        #expect(ChangeNotice(payload: notice.payload) == notice)
    }

    @Test(arguments: ["x INC-1", "INC-1", "i", "card INC-1/1/0"])
    func aPayloadOfAnotherKindIsNoNotice(_ payload: String) {
        #expect(ChangeNotice(payload: payload) == nil)
    }
}
