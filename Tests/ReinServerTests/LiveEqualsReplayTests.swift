import Foundation
import ReinAdapters
import ReinServer
import Testing

/// Every example incident, driven live through the HTTP API at its recorded times: the live
/// session's steps and effects are what `rein replay` gives for its recording, and its decisions
/// are the ones the example was recorded with.
@Suite("Live sessions equal their replay")
struct LiveEqualsReplayTests {
    static var names: [String] {
        let folder = repositoryRoot.appendingPathComponent("runbooks/incidents")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }

    static func example(_ name: String) throws -> RecordedIncident {
        let url = repositoryRoot.appendingPathComponent("runbooks/incidents/\(name)")
        let file = IncidentReader.read(SourceFile(path: name, bytes: Array(try Data(contentsOf: url))))
        return try #require(file.incident)
    }

    /// The opening body of a recorded incident.
    static func openingBody(_ recorded: RecordedIncident) -> String {
        var entries: [(key: String, value: JSONValue)] = [("incident", .string(recorded.incident))]
        if let runbook = recorded.runbook { entries.append(("runbook", .string(runbook))) }
        if let context = recorded.context { entries.append(("context", .object(context))) }
        entries.append(("alert", .object(recorded.alert)))
        return JSONWriter.string(.object(JSONObject(entries: entries)))
    }

    @Test(arguments: names)
    func aLiveSessionIsItsReplay(_ name: String) async throws {
        let original = try Self.example(name)
        let approvers = Set(original.events.compactMap { event -> String? in
            switch event {
            case .approve(_, let by, _), .reject(_, let by, _, _): by
            default: nil
            }
        })
        let start = original.events.first?.at ?? Timestamp(seconds: 0)
        let server = try await TestServer.start(at: start, tokens: tokenTable(approvers: Array(approvers)))
        do {
            let id = original.incident
            let opened = try await server.post("/v1/incidents", token: "agent-runtime-token", Self.openingBody(original))
            #expect(opened.status == 201, "\(opened.body)")
            for event in original.events {
                server.clock.advance(to: event.at)
                let reply = try await Self.post(event, to: id, on: server)
                #expect(reply.status == 200, "\(reply.body)")
            }
            // A recording that stops while an approval is pending times out at the deadline.
            let before = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
            if before["phase"]?.stringValue == "awaiting_approval",
                let deadline = before["pending"]?["deadline"]?.stringValue.flatMap(Timestamp.init(rfc3339:))
            {
                server.clock.advance(to: Timestamp(seconds: deadline.seconds + 5))
                try await Self.waitUntilClosed(id, on: server)
            }
            let replayed = try await Self.expectRecordingReplays(server, id)
            // The decisions are the ones the example was recorded with.
            let originalReplay = try Replay.run(original, policy: exampleBundle.policy, bundleDigest: exampleBundle.digest, sha256: Hashing.sha256Hex).get()
            #expect(replayed.steps.map(\.report.decision?.verdict.word) == originalReplay.steps.map(\.report.decision?.verdict.word))
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// The incident's recording, replayed against its pinned bundle, gives the live steps,
    /// effects (without `id` and `delivery`) and outcome; the replay.
    @discardableResult
    static func expectRecordingReplays(_ server: TestServer, _ id: String) async throws -> ReplayResult {
        let live = try #require(try await server.get("/v1/incidents/\(id)", token: "dashboards-token").json)
        let recordingReply = try await server.get("/v1/incidents/\(id)/recording", token: "dashboards-token")
        let file = IncidentReader.read(SourceFile(path: "recording.json", bytes: Array(recordingReply.body.utf8)))
        #expect(file.diagnostics.isEmpty)
        let recording = try #require(file.incident)
        let yaml = try await server.call(.GET, "/v1/incidents/\(id)/recording", token: "dashboards-token", accept: "application/yaml")
        #expect(IncidentReader.read(SourceFile(path: "recording.yaml", bytes: Array(yaml.body.utf8))).incident == recording)
        #expect(recording.bundle == exampleBundle.digest)
        let replayed = try Replay.run(recording, policy: exampleBundle.policy, bundleDigest: exampleBundle.digest, sha256: Hashing.sha256Hex).get()
        let replayJSON = ReplayEncoder(policy: exampleBundle.policy).json(replayed, alert: recording.alert)
        #expect(live["steps"] == replayJSON["steps"])
        let liveEffects = live["effects"]?.arrayValue.map(Self.withoutDelivery) ?? []
        let replayEffects = replayJSON["effects"]?.arrayValue ?? []
        if live["phase"]?.stringValue == "closed" {
            #expect(liveEffects == replayEffects)
            #expect(live["outcome"]?["outcome"] == replayJSON["outcome"])
            #expect(live["outcome"]?["reason"] == replayJSON["reason"])
        } else {
            // Replay ends an open session when the recording ends; live it stays open.
            #expect(Array(replayEffects.prefix(liveEffects.count)) == liveEffects)
        }
        return replayed
    }

    /// Posts a recorded event as the caller who would post it live.
    static func post(_ event: SessionEvent, to id: String, on server: TestServer) async throws -> TestServer.Reply {
        switch event {
        case .propose, .observe:
            let body = try #require(Self.liveBody(event))
            return try await server.post("/v1/incidents/\(id)/events", token: "agent-runtime-token", body)
        case .result:
            return try await server.post("/v1/incidents/\(id)/events", token: "executor-token", try #require(Self.liveBody(event)))
        case .approve(_, let by, let digest), .reject(_, let by, _, let digest):
            // A verdict names the digest it is given for: the recorded one, else the pending one.
            let pending = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")["pending"]?["digest"]?.stringValue
            let given = digest ?? pending ?? String(repeating: "0", count: 64)
            var entries: [(key: String, value: JSONValue)] = [("verdict", .string(event.isApproval ? "approve" : "reject")), ("digest", .string(given))]
            if case .reject(_, _, let comment?, _) = event { entries.append(("comment", .string(comment))) }
            return try await server.post("/v1/incidents/\(id)/approvals", token: "approver:\(by)", JSONWriter.string(.object(JSONObject(entries: entries))))
        case .deadline, .end:
            Issue.record("a recording holds no \(event)")
            return TestServer.Reply(status: 0, body: "")
        }
    }

    /// A recorded event's body without its `at`.
    static func liveBody(_ event: SessionEvent) -> String? {
        guard case .object(let object)? = RecordingEncoder.event(event) else { return nil }
        return JSONWriter.string(.object(JSONObject(entries: object.entries.filter { $0.key != "at" })))
    }

    static func withoutDelivery(_ effect: JSONValue) -> JSONValue {
        guard case .object(let object) = effect else { return effect }
        return .object(JSONObject(entries: object.entries.filter { $0.key != "id" && $0.key != "delivery" }))
    }

    static func waitUntilClosed(_ id: String, on server: TestServer) async throws {
        for _ in 0..<200 {
            if try await server.get("/v1/incidents/\(id)", token: "dashboards-token")["phase"]?.stringValue == "closed" { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("incident \(id) did not close at its deadline")
    }
}

extension SessionEvent {
    var isApproval: Bool {
        if case .approve = self { return true }
        return false
    }
}
