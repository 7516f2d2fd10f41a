import Foundation
import ReinAdapters
import ReinServer
import Testing

/// Effects delivered to a strict webhook receiver: signed and keyed, retried with back-off,
/// resumed after a restart; an `execute` only after its activation is acknowledged; a failed or
/// timed-out elevation, or a failed execution, is the result `failed` with the elevation released.
@Suite("rein serve: effect delivery")
struct EffectDeliveryTests {
    static let agent = "agent-runtime-token"
    static let executor = "executor-token"
    static let restart = #"{"propose":{"thought":"restart","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#

    /// A server posting to a fresh receiver; both stopped afterwards.
    func withDelivery(activationTimeout: Int64 = 120, _ body: (TestServer, WebhookReceiver) async throws -> Void) async throws {
        let receiver = try await WebhookReceiver.start()
        do {
            try await TestServer.with(at: APITests.weekday, executors: receiver.executors(activationTimeout: activationTimeout)) { server in
                try await body(server, receiver)
            }
        } catch {
            try await receiver.stop()
            throw error
        }
        try await receiver.stop()
        #expect(receiver.violations.isEmpty, "\(receiver.violations)")
    }

    /// Opens `id`, reads logs, proposes the restart: the incident awaits approval. Its digest.
    static func awaitingApproval(_ server: TestServer, _ id: String) async throws -> String {
        #expect(try await server.post("/v1/incidents", token: agent, try APITests.opening(id: id)).status == 201)
        #expect(try await server.post("/v1/incidents/\(id)/events", token: agent, APITests.readLogs).status == 200)
        let proposed = try await server.post("/v1/incidents/\(id)/events", token: agent, restart)
        #expect(proposed["step"]?["decision"]?["decision"] == .string("require_approval"))
        let view = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
        return try #require(view["pending"]?["digest"]?.stringValue)
    }

    /// Approves the pending restart as alice: the activation and the execution are effects.
    static func approve(_ server: TestServer, _ id: String, digest: String) async throws {
        let approved = try await server.post(
            "/v1/incidents/\(id)/approvals", token: "approver:alice@contoso.com", #"{"verdict":"approve","digest":"\#(digest)"}"#)
        #expect(approved["effects"]?.arrayValue.compactMap { $0["type"]?.stringValue } == ["activate_role", "execute"])
    }

    /// Waits (real time, up to 10 s) until `condition` holds.
    static func eventually(_ what: Testing.Comment, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<1000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never happened: \(what)")
    }

    /// Effect `id`'s delivery as the incident shows it.
    static func delivery(_ server: TestServer, _ id: String) async throws -> String? {
        let incident = String(id.prefix { $0 != "/" })
        let view = try await server.get("/v1/incidents/\(incident)", token: "dashboards-token")
        return view["effects"]?.arrayValue.first { $0["id"]?.stringValue == id }?["delivery"]?.stringValue
    }

    /// The `detail` of the recording's last event, a result.
    static func lastResultDetail(_ server: TestServer, _ id: String) async throws -> String? {
        let recording = try await server.get("/v1/incidents/\(id)/recording", token: "dashboards-token")
        return recording["events"]?.arrayValue.last?["result"]?["detail"]?.stringValue
    }

    static func ack(_ server: TestServer, _ id: String, _ body: String = #"{"ok":true}"#) async throws -> TestServer.Reply {
        try await server.post("/v1/effects/\(id)/ack", token: executor, body)
    }

    @Test func aCardIsDeliveredSignedAndKeyedThenAcknowledged() async throws {
        try await withDelivery { server, receiver in
            _ = try await Self.awaitingApproval(server, "INC-D1")
            try await Self.eventually("the card is received") { receiver.ids("send_approval_card") == ["INC-D1/1/0"] }
            try await Self.eventually("the card shows delivered") { try await Self.delivery(server, "INC-D1/1/0") == "delivered" }
            let card = try #require(receiver.received.first)
            #expect(card.incident == "INC-D1" && card.effect["card"]?["type"] == .string("AdaptiveCard"))
            let acked = try await Self.ack(server, "INC-D1/1/0")
            #expect(acked.status == 200 && acked["delivery"] == .string("done") && acked["id"] == .string("INC-D1/1/0"))
            // The same acknowledgement again is a retry; the contrary one a conflict.
            #expect(try await Self.ack(server, "INC-D1/1/0").status == 200)
            let contrary = try await Self.ack(server, "INC-D1/1/0", #"{"ok":false,"error":"lost"}"#)
            #expect(contrary.status == 409 && contrary.errorCode == "conflict")
            // The effect id percent-encoded as one segment names the same effect.
            #expect(try await server.post("/v1/effects/INC-D1%2F1%2F0/ack", token: Self.executor, #"{"ok":true}"#)["delivery"] == .string("done"))
            let metrics = try await server.get("/metrics", token: nil).body
            #expect(metrics.contains(#"rein_effects_total{type="send_approval_card",delivery="delivered"} 1"#))
            #expect(metrics.contains(#"rein_effects_total{type="send_approval_card",delivery="done"} 1"#))
        }
    }

    @Test func anExecuteGoesOutOnlyAfterItsActivationIsAcknowledged() async throws {
        try await withDelivery { server, receiver in
            let digest = try await Self.awaitingApproval(server, "INC-D2")
            try await Self.approve(server, "INC-D2", digest: digest)
            try await Self.eventually("the activation is received") { receiver.ids("activate_role") == ["INC-D2/2/0"] }
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.ids("execute").isEmpty)
            #expect(try await Self.delivery(server, "INC-D2/2/1") == "pending")
            let early = try await Self.ack(server, "INC-D2/2/1")
            #expect(early.status == 409 && early.errorCode == "conflict")
            #expect(try await Self.ack(server, "INC-D2/2/0").status == 200)
            try await Self.eventually("the execution is received") { receiver.ids("execute") == ["INC-D2/2/1"] }
            #expect(try await Self.ack(server, "INC-D2/2/1").status == 200)
            let result = try await server.post("/v1/incidents/INC-D2/events", token: Self.executor, #"{"result":{"status":"succeeded"}}"#)
            #expect(result["effects"]?.arrayValue.first?["type"] == .string("deactivate_role"))
            try await Self.eventually("the deactivation is received") { receiver.ids("deactivate_role") == ["INC-D2/3/0"] }
            #expect(receiver.received.map(\.type) == ["send_approval_card", "activate_role", "execute", "deactivate_role"])
            let closed = try await server.get("/v1/incidents/INC-D2", token: "dashboards-token")
            #expect(closed["outcome"]?["outcome"] == .string("remediated"))
        }
    }

    @Test func aFailedActivationIsTheResultFailedAndNothingRuns() async throws {
        try await withDelivery { server, receiver in
            let digest = try await Self.awaitingApproval(server, "INC-D3")
            try await Self.approve(server, "INC-D3", digest: digest)
            try await Self.eventually("the activation is received") { receiver.ids("activate_role").count == 1 }
            let failed = try await Self.ack(server, "INC-D3/2/0", #"{"ok":false,"error":"PIM refused the activation"}"#)
            #expect(failed["delivery"] == .string("failed"))
            try await Self.eventually("the incident closes") {
                try await server.get("/v1/incidents/INC-D3", token: "dashboards-token")["phase"] == .string("closed")
            }
            let view = try await server.get("/v1/incidents/INC-D3", token: "dashboards-token")
            #expect(view["outcome"]?["outcome"] == .string("failed"))
            #expect(view["steps"]?.arrayValue.last?["event"] == .string("result"))
            #expect(try await Self.lastResultDetail(server, "INC-D3") == "elevation failed: PIM refused the activation")
            #expect(try await Self.delivery(server, "INC-D3/2/1") == "failed")
            // The elevation is released whatever happened; the execution never went out.
            try await Self.eventually("the deactivation is received") { receiver.ids("deactivate_role") == ["INC-D3/3/0"] }
            #expect(receiver.ids("execute").isEmpty)
            try await LiveEqualsReplayTests.expectRecordingReplays(server, "INC-D3")
        }
    }

    @Test func anActivationNotAcknowledgedInTimeIsAFailedElevation() async throws {
        try await withDelivery(activationTimeout: 120) { server, receiver in
            let digest = try await Self.awaitingApproval(server, "INC-D4")
            try await Self.approve(server, "INC-D4", digest: digest)
            try await Self.eventually("the activation is received") { receiver.ids("activate_role").count == 1 }
            server.clock.advance(to: APITests.weekday.adding(seconds: 119))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await server.get("/v1/incidents/INC-D4", token: "dashboards-token")["phase"] == .string("executing"))
            server.clock.advance(to: APITests.weekday.adding(seconds: 121))
            try await Self.eventually("the incident closes") {
                try await server.get("/v1/incidents/INC-D4", token: "dashboards-token")["phase"] == .string("closed")
            }
            let view = try await server.get("/v1/incidents/INC-D4", token: "dashboards-token")
            #expect(view["steps"]?.arrayValue.last?["event"] == .string("result"))
            #expect(try await Self.lastResultDetail(server, "INC-D4") == "elevation failed: `activate_role` was not acknowledged within 2m")
            #expect(try await Self.delivery(server, "INC-D4/2/0") == "failed")
            // A late acknowledgement is refused: the elevation already counted as failed.
            #expect(try await Self.ack(server, "INC-D4/2/0").status == 409)
            try await Self.eventually("the deactivation is received") { receiver.ids("deactivate_role").count == 1 }
            #expect(receiver.ids("execute").isEmpty)
        }
    }

    @Test func aFailedExecutionIsTheResult() async throws {
        try await withDelivery { server, receiver in
            let digest = try await Self.awaitingApproval(server, "INC-D5")
            try await Self.approve(server, "INC-D5", digest: digest)
            #expect(try await Self.ack(server, "INC-D5/2/0").status == 200)
            try await Self.eventually("the execution is received") { receiver.ids("execute").count == 1 }
            #expect(try await Self.ack(server, "INC-D5/2/1", #"{"ok":false,"error":"kubectl: forbidden"}"#).status == 200)
            let view = try await server.get("/v1/incidents/INC-D5", token: "dashboards-token")
            #expect(view["outcome"]?["outcome"] == .string("failed") && view["outcome"]?["reason"] == .string("execution_failed"))
            #expect(try await Self.lastResultDetail(server, "INC-D5") == "execution failed: kubectl: forbidden")
            try await Self.eventually("the deactivation is received") { receiver.ids("deactivate_role").count == 1 }
            // The executor's own result afterwards is an ignored step.
            let late = try await server.post("/v1/incidents/INC-D5/events", token: Self.executor, #"{"result":{"status":"failed"}}"#)
            #expect(late["step"]?["ignored"] == .bool(true))
        }
    }

    @Test func failedAttemptsAreRetriedWithBackOffUntilTaken() async throws {
        try await withDelivery { server, receiver in
            receiver.fail(next: 3)
            _ = try await Self.awaitingApproval(server, "INC-D6")
            try await Self.eventually("a first attempt is refused") { receiver.refused == 1 }
            // Retries wait 1 s, then 2 s, then 4 s (with jitter: at least half) of the host's clock.
            for (attempt, seconds) in [(2, 1), (3, 3), (4, 7)] {
                try await Task.sleep(for: .milliseconds(50))
                #expect(receiver.refused + receiver.received.count == attempt - 1, "no retry before its time")
                server.clock.advance(to: APITests.weekday.adding(seconds: Int64(seconds)))
                try await Self.eventually("attempt \(attempt)") { receiver.refused + receiver.received.count == attempt }
            }
            #expect(receiver.ids("send_approval_card") == ["INC-D6/1/0"])
            try await Self.eventually("the card shows delivered") { try await Self.delivery(server, "INC-D6/1/0") == "delivered" }
        }
    }

    @Test func anEffectAcknowledgedBeforeItWentOutIsNotSent() async throws {
        try await withDelivery { server, receiver in
            receiver.fail(next: 1_000)
            _ = try await Self.awaitingApproval(server, "INC-D9")
            try await Self.eventually("a first attempt is refused") { receiver.refused == 1 }
            // An executor that reads incidents carries the card out and says so.
            #expect(try await Self.ack(server, "INC-D9/1/0")["delivery"] == .string("done"))
            receiver.fail(next: 0)
            server.clock.advance(to: APITests.weekday.adding(seconds: 120))
            try await Task.sleep(for: .milliseconds(300))
            #expect(receiver.received.isEmpty && receiver.refused == 1)
            #expect(try await Self.delivery(server, "INC-D9/1/0") == "done")
        }
    }

    @Test func undeliveredEffectsAreDeliveredAfterARestart() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.fail(next: 1_000)
        let first = try await TestServer.start(at: APITests.weekday, executors: receiver.executors())
        _ = try await Self.awaitingApproval(first, "INC-D7")
        try await Self.eventually("an attempt is refused") { receiver.refused >= 1 }
        try await first.stop()
        receiver.fail(next: 0)
        let second = try await TestServer.start(at: APITests.weekday.adding(seconds: 60), folder: first.folder, executors: receiver.executors())
        try await Self.eventually("the card is received after the restart") { receiver.ids("send_approval_card") == ["INC-D7/1/0"] }
        try await Self.eventually("the card shows delivered") { try await Self.delivery(second, "INC-D7/1/0") == "delivered" }
        try await second.stop()
        try await receiver.stop()
        #expect(receiver.violations.isEmpty, "\(receiver.violations)")
    }

    @Test func acknowledgementsAreReadStrictly() async throws {
        try await withDelivery { server, _ in
            _ = try await Self.awaitingApproval(server, "INC-D8")
            for body in [
                #"{}"#, #"{"ok":"yes"}"#, #"{"ok":true,"error":"x"}"#, #"{"ok":false}"#, #"{"ok":false,"error":""}"#, #"{"ok":true,"ok":true}"#, "[]",
                // A NUL no database column takes (PostgreSQL's text refuses it): refused on both stores alike.
                #"{"ok":false,"error":"a\u0000b"}"#,
            ] {
                let reply = try await Self.ack(server, "INC-D8/1/0", body)
                #expect(reply.status == 400 && reply.errorCode == "bad_request", "\(body)")
            }
            #expect(try await Self.ack(server, "INC-D8/9/0").status == 404)
            #expect(try await Self.ack(server, "INC-NONE/1/0").status == 404)
            // A run_tool went back to the agent: nothing to acknowledge.
            #expect(try await Self.ack(server, "INC-D8/0/0").status == 409)
            #expect(try await server.post("/v1/effects/INC-D8/1/0/ack", token: "ops-token", #"{"ok":true}"#).status == 403)
        }
    }
}

extension Timestamp {
    func adding(seconds: Int64) -> Timestamp {
        Timestamp(seconds: self.seconds + seconds, nanoseconds: nanoseconds) ?? self
    }
}
