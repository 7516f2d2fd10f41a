import Foundation
import ReinAdapters
import ReinServer
import Testing

/// The API through a real HTTP client: who may do what, strict bodies, the status of every
/// refusal, idempotent opening, and events after the end.
@Suite("rein serve API")
struct APITests {
    static let crashloop = "crashloop-restart-rejected.yaml"

    /// The opening body of an example incident under another id.
    static func opening(_ name: String = crashloop, id: String) throws -> String {
        var recorded = try LiveEqualsReplayTests.example(name)
        recorded.incident = id
        return LiveEqualsReplayTests.openingBody(recorded)
    }

    static let readLogs = #"{"propose":{"thought":"why","tool":"get_pod_logs","args":{"namespace":"cart","pod":"cart-service-59c7-x1z","container":"cart"}}}"#

    /// A weekday in June 2026 (staging allows writes): Wednesday 2026-06-03 11:30 UTC.
    static let weekday = Timestamp(rfc3339: "2026-06-03T11:30:00Z")!

    func withServer(_ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.with(at: Self.weekday, body)
    }

    @Test func openingIsIdempotentAndConflictsAreRefused() async throws {
        try await withServer { server in
            let body = try Self.opening(id: "INC-A")
            let first = try await server.post("/v1/incidents", token: "agent-runtime-token", body)
            #expect(first.status == 201)
            #expect(first["incident"] == .string("INC-A") && first["runbook"] == .string("aks_crashloop_backoff"))
            #expect(first["phase"] == .string("investigating") && first["bundle"] == .string(exampleBundle.digest))
            let retry = try await server.post("/v1/incidents", token: "agent-runtime-token", body)
            #expect(retry.status == 200 && retry["incident"] == .string("INC-A"))
            let other = try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening("hpa-raise-remediated.json", id: "INC-A"))
            #expect(other.status == 409 && other.errorCode == "conflict")
            // Another agent may not take over the id either.
            #expect(try await server.post("/v1/incidents", token: "other-agent-token", body).status == 409)
            // No id: the server makes one.
            let anonymous = try await server.post("/v1/incidents", token: "agent-runtime-token", body.replacingOccurrences(of: #""incident":"INC-A","#, with: ""))
            #expect(anonymous.status == 201)
            #expect(anonymous["incident"]?.stringValue?.hasPrefix("INC-") == true && anonymous["incident"] != .string("INC-A"))
        }
    }

    @Test func refusalsHaveTheirStatusAndCode() async throws {
        try await withServer { server in
            let agent = "agent-runtime-token"
            func expect(_ reply: TestServer.Reply, _ status: Int, _ code: String, _ comment: Testing.Comment) {
                #expect(reply.status == status, comment)
                #expect(reply.errorCode == code, comment)
            }
            expect(try await server.post("/v1/incidents", token: agent, "{"), 400, "bad_request", "not JSON")
            expect(try await server.post("/v1/incidents", token: agent, #"{"alert":{},"alert":{}}"#), 400, "bad_request", "a duplicate key")
            expect(try await server.post("/v1/incidents", token: agent, #"{"alert":[]}"#), 400, "bad_request", "a wrong type")
            expect(try await server.post("/v1/incidents", token: agent, #"{"alert":{},"extra":1}"#), 400, "bad_request", "an unknown key")
            let huge = try await server.call(.POST, "/v1/incidents", token: agent, bytes: Array(repeating: 0x20, count: (1 << 20) + 1))
            expect(huge, 413, "payload_too_large", "over 1 MiB")
            expect(try await server.post("/v1/incidents", token: agent, #"{"alert":{"data":{"essentials":{"alertRule":"nothing-matches"}}}}"#), 422, "unprocessable", "no runbook matches")
            expect(try await server.post("/v1/incidents", token: agent, #"{"runbook":"no_such_runbook","alert":{}}"#), 422, "unprocessable", "an unknown runbook")
            expect(try await server.post("/v1/incidents/INC-NONE/events", token: agent, Self.readLogs), 404, "not_found", "no such incident")
            expect(try await server.get("/v1/incidents/INC-NONE", token: "dashboards-token"), 404, "not_found", "no such incident")
            expect(try await server.post("/v1/incidents", token: nil, "{}"), 401, "unauthorized", "no token")
            expect(try await server.post("/v1/incidents", token: "wrong-token", "{}"), 401, "unauthorized", "an unknown token")
            let message = try await server.post("/v1/incidents", token: agent, #"{"alert":{},"extra":1}"#)["error"]?["message"]?.stringValue
            #expect(message == "unknown key `extra` in the incident (line 1, column 13)")
        }
    }

    /// Once shutting down, new requests are answered 503 and long polls answer at once; liveness
    /// and metrics still answer.
    @Test func whileShuttingDownRequestsAreRefusedWith503() async throws {
        try await withServer { server in
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening(id: "INC-S")).status == 201)
            let poll = Task { try await server.get("/v1/incidents/INC-S?after=0&wait=60", token: "agent-runtime-token") }
            // Time for the poll to reach the server and wait (generous: a busy machine is slow).
            try await Task.sleep(for: .milliseconds(500))
            let began = ContinuousClock.now
            await server.host.beginShutdown()
            #expect(try await poll.value.status == 200)
            #expect(ContinuousClock.now - began < .seconds(10))
            let refused = try await server.post("/v1/incidents/INC-S/events", token: "agent-runtime-token", Self.readLogs)
            #expect(refused.status == 503 && refused.errorCode == "unavailable" && refused.retryAfter == "5")
            #expect(try await server.get("/v1/incidents/INC-S", token: "dashboards-token").status == 503)
            #expect(try await server.get("/readyz", token: nil).status == 503)
            #expect(try await server.get("/healthz", token: nil).status == 200)
            #expect(try await server.get("/metrics", token: nil).body.contains(#"rein_http_requests_total{route="/v1/incidents/{id}/events",status="503"} 1"#))
        }
    }

    /// Every role against every endpoint (docs/SERVE.md): 403 where the role may not.
    @Test func everyRoleMayDoWhatItsRoleSaysAndNothingElse() async throws {
        try await withServer { server in
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening(id: "INC-R")).status == 201)
            let approve = #"{"verdict":"approve","digest":"\#(String(repeating: "0", count: 64))"}"#
            let result = #"{"result":{"status":"succeeded"}}"#
            let open = try Self.opening(id: "INC-R2")
            // Acknowledging: only an executor gets past the role check (to a 409: the run_tool
            // effect went to the agent).
            let cases: [(token: String, open: Int, propose: Int, result: Int, approve: Int, read: Int, recording: Int, ack: Int)] = [
                ("agent-runtime-token", 201, 200, 403, 403, 200, 200, 403),
                ("other-agent-token", 409, 403, 403, 403, 403, 403, 403),
                ("executor-token", 403, 403, 200, 403, 200, 403, 409),
                ("approver:alice@contoso.com", 403, 403, 403, 200, 403, 403, 403),
                ("dashboards-token", 403, 403, 403, 403, 200, 200, 403),
                ("ops-token", 403, 403, 403, 403, 200, 200, 403),
            ]
            for row in cases {
                let path = "/v1/incidents/INC-R"
                #expect(try await server.post("/v1/incidents", token: row.token, open).status == row.open, "\(row.token) opens")
                #expect(try await server.post("\(path)/events", token: row.token, Self.readLogs).status == row.propose, "\(row.token) proposes")
                #expect(try await server.post("\(path)/events", token: row.token, result).status == row.result, "\(row.token) posts a result")
                #expect(try await server.post("\(path)/approvals", token: row.token, approve).status == row.approve, "\(row.token) approves")
                #expect(try await server.get(path, token: row.token).status == row.read, "\(row.token) reads")
                #expect(try await server.get("\(path)/recording", token: row.token).status == row.recording, "\(row.token) reads the recording")
                #expect(try await server.post("/v1/effects/INC-R/0/0/ack", token: row.token, #"{"ok":true}"#).status == row.ack, "\(row.token) acknowledges")
            }
        }
    }

    /// An approval is the approver's, whatever a body says; an agent can never approve.
    @Test func anApprovalIsGivenAsTheTokensPerson() async throws {
        try await withServer { server in
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening(id: "INC-P")).status == 201)
            #expect(try await server.post("/v1/incidents/INC-P/events", token: "agent-runtime-token", Self.readLogs).status == 200)
            let restart = #"{"propose":{"thought":"restart","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#
            let proposed = try await server.post("/v1/incidents/INC-P/events", token: "agent-runtime-token", restart)
            #expect(proposed["step"]?["decision"]?["decision"] == .string("require_approval"))
            let incident = try await server.get("/v1/incidents/INC-P", token: "dashboards-token")
            #expect(incident["phase"] == .string("awaiting_approval"))
            let digest = try #require(incident["pending"]?["digest"]?.stringValue)
            let card = incident["pending"]?["card"]
            #expect(card?["type"] == .string("AdaptiveCard"))
            // The body cannot name the approver.
            let forged = try await server.post("/v1/incidents/INC-P/approvals", token: "approver:alice@contoso.com", #"{"verdict":"approve","digest":"\#(digest)","by":"bob@contoso.com"}"#)
            #expect(forged.status == 400)
            let wrongDigest = try await server.post("/v1/incidents/INC-P/approvals", token: "approver:alice@contoso.com", #"{"verdict":"approve","digest":"\#(String(repeating: "a", count: 64))"}"#)
            #expect(wrongDigest.status == 200 && wrongDigest["step"]?["accepted"] == .bool(false))
            let approved = try await server.post("/v1/incidents/INC-P/approvals", token: "approver:alice@contoso.com", #"{"verdict":"approve","digest":"\#(digest)"}"#)
            #expect(approved["step"]?["accepted"] == .bool(true))
            let effects = approved["effects"]?.arrayValue.compactMap { $0["type"]?.stringValue }
            #expect(effects == ["activate_role", "execute"])
            #expect(approved["effects"]?.arrayValue.first?["id"] == .string("INC-P/3/0"))
            #expect(approved["effects"]?.arrayValue.first?["delivery"] == .string("pending"))
            let done = try await server.post("/v1/incidents/INC-P/events", token: "executor-token", #"{"result":{"status":"succeeded"}}"#)
            #expect(done["effects"]?.arrayValue.compactMap { $0["type"]?.stringValue } == ["deactivate_role"])
            let closed = try await server.get("/v1/incidents/INC-P", token: "agent-runtime-token")
            #expect(closed["phase"] == .string("closed"))
            #expect(closed["outcome"]?["outcome"] == .string("remediated"))
            // An event after the end is an ignored step, not an error.
            let late = try await server.post("/v1/incidents/INC-P/events", token: "agent-runtime-token", Self.readLogs)
            #expect(late.status == 200 && late["step"]?["ignored"] == .bool(true))
        }
    }

    @Test func theAuditLogIsOneChainForReaders() async throws {
        try await withServer { server in
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening(id: "INC-L1")).status == 201)
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try Self.opening(id: "INC-L2")).status == 201)
            #expect(try await server.post("/v1/incidents/INC-L1/events", token: "agent-runtime-token", Self.readLogs).status == 200)
            let all = try await server.get("/v1/audit", token: "dashboards-token")
            #expect(all.status == 200)
            let chain = try AuditVerifier.verify(all.body).get()
            // Two alerts, and a proposal with its decision.
            #expect(chain.nextSeq == 4)
            let page = try await server.get("/v1/audit?after=1&limit=1", token: "ops-token")
            #expect(page.body.split(separator: "\n").count == 1 && page.body.hasPrefix(#"{"seq":2,"#))
            #expect(try await server.get("/v1/audit", token: "agent-runtime-token").status == 403)
            #expect(try await server.get("/v1/audit?after=x", token: "dashboards-token").errorCode == "bad_request")
            #expect(try await server.get("/v1/audit?limit=0", token: "dashboards-token").status == 400)
        }
    }
}
