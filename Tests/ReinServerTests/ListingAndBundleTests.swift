import Foundation
import ReinAdapters
import ReinServer
import Testing

/// Listing incidents, long polls, stored bundle versions, and reloading the bundle.
@Suite("rein serve listing, long polls and bundles")
struct ListingAndBundleTests {
    func withServer(bundlePaths: [String]? = nil, _ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.with(at: APITests.weekday, bundlePaths: bundlePaths, body)
    }

    @Test func incidentsAreListedNewestFirstAPageAtATime() async throws {
        try await withServer { server in
            for id in ["INC-1", "INC-2", "INC-3"] {
                #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: id)).status == 201)
            }
            #expect(try await server.post("/v1/incidents/INC-2/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
            #expect(try await server.post("/v1/incidents/INC-2/events", token: "agent-runtime-token", DurabilityTests.restart).status == 200)
            func ids(_ reply: TestServer.Reply) -> [String] { reply["incidents"]?.arrayValue.compactMap { $0["incident"]?.stringValue } ?? [] }
            let first = try await server.get("/v1/incidents?limit=2", token: "dashboards-token")
            #expect(ids(first) == ["INC-3", "INC-2"])
            let cursor = try #require(first["next"]?.stringValue)
            let second = try await server.get("/v1/incidents?limit=2&cursor=\(cursor)", token: "dashboards-token")
            #expect(ids(second) == ["INC-1"] && second["next"] == nil)
            #expect(ids(try await server.get("/v1/incidents?phase=awaiting_approval", token: "ops-token")) == ["INC-2"])
            #expect(try await server.get("/v1/incidents?phase=done", token: "dashboards-token").errorCode == "bad_request")
            #expect(try await server.get("/v1/incidents", token: "agent-runtime-token").status == 403)
        }
    }

    @Test func aLongPollAnswersAsSoonAsTheIncidentHasAnotherStep() async throws {
        try await withServer { server in
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-LP")).status == 201)
            let started = ContinuousClock.now
            let poll = Task { try await server.get("/v1/incidents/INC-LP?after=0&wait=30", token: "agent-runtime-token") }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await server.post("/v1/incidents/INC-LP/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
            let reply = try await poll.value
            #expect(reply["steps"]?.arrayValue.count == 1)
            #expect(ContinuousClock.now - started < .seconds(15))
            // Already more than `after` steps: at once.
            #expect(try await server.get("/v1/incidents/INC-LP?after=0&wait=30", token: "agent-runtime-token")["steps"]?.arrayValue.count == 1)
            #expect(try await server.get("/v1/incidents/INC-LP?after=0&wait=61", token: "agent-runtime-token").status == 400)
        }
    }

    @Test func bundleVersionsAreStoredAndReloadsAreCheckedFirst() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["policies", "runbooks"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("runbooks/incidents"))
        let paths = ["policies", "runbooks"].map { folder.appendingPathComponent($0).path }
        try await withServer(bundlePaths: paths) { server in
            let current = try await server.get("/v1/bundles/current", token: "dashboards-token")
            let digest = try #require(current["digest"]?.stringValue)
            #expect(current["files"]?.arrayValue.count == exampleBundle.files.count)
            #expect(current["files"]?.arrayValue.first?["text"]?.stringValue?.isEmpty == false)
            #expect(try await server.get("/v1/bundles/\(digest)", token: "dashboards-token")["digest"] == .string(digest))
            #expect(try await server.get("/v1/bundles/\(String(repeating: "0", count: 64))", token: "dashboards-token").status == 404)
            #expect(try await server.get("/v1/bundles/current", token: "agent-runtime-token").status == 403)
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-OLD")).status == 201)

            // An edit: new incidents run under the new version, open ones keep theirs.
            let policy = folder.appendingPathComponent("policies/baseline.rein")
            try (try String(contentsOf: policy, encoding: .utf8) + "# reloaded\n").write(to: policy, atomically: true, encoding: .utf8)
            #expect(try await server.post("/v1/bundles/reload", token: "dashboards-token", "").status == 403)
            let reloaded = try await server.post("/v1/bundles/reload", token: "ops-token", "")
            #expect(reloaded.status == 200 && reloaded["changed"] == .bool(true) && reloaded["previous"] == .string(digest))
            let newDigest = try #require(reloaded["digest"]?.stringValue)
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-NEW")).status == 201)
            #expect(try await server.get("/v1/incidents/INC-NEW", token: "dashboards-token")["bundle"] == .string(newDigest))
            #expect(try await server.get("/v1/incidents/INC-OLD", token: "dashboards-token")["bundle"] == .string(digest))
            #expect(try await server.get("/v1/bundles/\(digest)", token: "dashboards-token").status == 200)

            // A bundle with errors is refused with its diagnostics; the running one stays.
            try "policy broken {\n  deny nothing_declared\n}\n".write(to: policy, atomically: true, encoding: .utf8)
            let refused = try await server.post("/v1/bundles/reload", token: "ops-token", "")
            #expect(refused.status == 422)
            #expect(refused["error"]?["message"]?.stringValue?.contains("baseline.rein:") == true)
            #expect(try await server.get("/v1/bundles/current", token: "dashboards-token")["digest"] == .string(newDigest))
        }
    }
}

/// `GET /metrics`: the Prometheus text with the names operators alert on.
@Suite("rein serve metrics")
struct MetricsTests {
    @Test func metricsCountDecisionsEffectsTimeoutsAndRequests() async throws {
        try await TestServer.with(at: APITests.weekday) { server in
            let deadline = try await DurabilityTests.awaitingApproval(server, id: "INC-M")
            server.clock.advance(to: Timestamp(seconds: deadline.seconds + 1))
            _ = try await DurabilityTests.waitForPhase("closed", "INC-M", on: server)
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-M2")).status == 201)
            let text = try await server.get("/metrics", token: nil)
            #expect(text.status == 200)
            let lines = Set(text.body.split(separator: "\n").map(String.init))
            for expected in [
                #"rein_decisions_total{decision="allow"} 1"#, #"rein_decisions_total{decision="require_approval"} 1"#,
                #"rein_decisions_total{decision="deny"} 0"#, "rein_timeouts_total 1", "rein_incidents_open 1.0", "rein_approvals_pending 0.0",
                #"rein_effects_total{type="run_tool",delivery="agent"} 1"#, #"rein_effects_total{type="page",delivery="pending"} 1"#,
                #"rein_http_requests_total{route="/v1/incidents",status="201"} 2"#,
                #"rein_http_requests_total{route="/v1/incidents/{id}/events",status="200"} 2"#,
            ] {
                #expect(lines.contains(expected), "\(expected)")
            }
            #expect(lines.contains { $0.hasPrefix("rein_decision_seconds_count 2") })
            #expect(lines.contains { $0.hasPrefix(#"rein_http_request_seconds_bucket{route="/v1/incidents""#) })
        }
    }
}
