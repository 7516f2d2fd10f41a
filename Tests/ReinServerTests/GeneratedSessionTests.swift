import Foundation
import ReinAdapters
import ReinServer
import ReinTestSupport
import Testing

/// Generated sessions — random proposals (allowed, denied, needing approval, malformed), approvals
/// right and wrong, rejections, results, and time passing deadlines — driven live through the
/// host: the recording of each, replayed, gives the live session's steps, effects and outcome.
@Suite("Generated live sessions equal their replay")
struct GeneratedSessionTests {
    static let proposals = [
        #"{"propose":{"thought":"logs","tool":"get_pod_logs","args":{"namespace":"cart","pod":"cart-service-59c7-x1z","container":"cart"}}}"#,
        #"{"propose":{"tool":"crashloop_pods","args":{"namespace":"cart"}}}"#,
        #"{"propose":{"tool":"get_rollout_history","args":{"namespace":"cart","deployment":"cart-service"}}}"#,
        #"{"propose":{"tool":"container_error_logs","args":{"namespace":"cart","pod":"cart-service-59c7-x1z","lookback":"90s"}}}"#,
        #"{"propose":{"tool":"get_pod_logs","args":{"namespace":"kube-system","pod":"p","container":"c"}}}"#,
        #"{"propose":{"tool":"drop_database","args":{}}}"#,
        #"{"propose":{"tool":"get_pod_logs","args":{"namespace":"cart","pod":1}}}"#,
        #"{"propose":{"thought":"restart","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#,
        #"{"propose":{"remediate":"rollback_deployment","args":{"namespace":"cart","deployment":"cart-service","revision":3}}}"#,
        #"{"propose":{"remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service","replicas":3}}}"#,
    ]
    static let people = ["alice@contoso.com", "bob@contoso.com", "mallory@evil.example", "ALICE@contoso.com"]

    static func opening(_ id: String, environment: String) -> String {
        #"{"incident":"\#(id)","context":{"environment":"\#(environment)"},"alert":{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"aks-pod-crashloop-cart","severity":"Sev2","monitorCondition":"Fired","firedDateTime":"2026-06-03T11:30:00Z","alertTargetIDs":["/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/aks-shop"]}}}}"#
    }

    static func body(_ text: String) -> SourceFile { SourceFile(path: "body.json", bytes: Array(text.utf8)) }

    @Test(arguments: 0..<40)
    func aGeneratedSessionIsItsReplay(seed: Int) async throws {
        var random = SplitMix64(seed: UInt64(seed) &* 7919 &+ 17)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-generated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Weekdays and weekends, day and night: the policies read the time.
        let start = Timestamp(seconds: 1_780_000_000 + Int64(random.below(7 * 24)) * 3600)
        let clock = ManualClock(start)
        let host = SessionHost(bundle: exampleBundle, store: try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path), clock: clock)
        try await host.start()
        let agent = Principal(name: "agent-runtime", role: .agent)
        let reader = Principal(name: "dashboards", role: .reader)
        let id = "INC-GEN-\(seed)"
        _ = try await host.open(Self.body(Self.opening(id, environment: random.pick(["prod", "staging", "dev"]))), by: agent)
        var now = start
        for _ in 0..<(4 + random.below(14)) {
            // Time passes: seconds, or minutes, sometimes past a deadline.
            now = Timestamp(seconds: now.seconds + Int64(random.pick([1, 5, 30, 120, 400, 700])))
            clock.advance(to: now)
            switch random.below(10) {
            case 0..<5: _ = try? await host.post(event: Self.body(random.pick(Self.proposals)), to: id, by: agent)
            case 5: _ = try await host.post(event: Self.body(#"{"observe":{"output":"ok"}}"#), to: id, by: agent)
            case 6, 7:
                let pending = try await host.view(id, by: reader)["pending"]?["digest"]?.stringValue
                let digest = random.below(4) == 0 || pending == nil ? String(repeating: "e", count: 64) : pending ?? ""
                let verdict = random.below(6) == 0 ? #"{"verdict":"reject","digest":"\#(digest)","comment":"no"}"# : #"{"verdict":"approve","digest":"\#(digest)"}"#
                _ = try await host.post(verdict: Self.body(verdict), to: id, by: Principal(name: random.pick(Self.people), role: .approver))
            default:
                let status = random.pick(["succeeded", "failed"])
                _ = try await host.post(event: Self.body(#"{"result":{"status":"\#(status)"}}"#), to: id, by: Principal(name: "executor", role: .executor))
            }
        }
        // Past any deadline: a pending approval times out on its own.
        clock.advance(to: Timestamp(seconds: now.seconds + 3600))
        for _ in 0..<200 where try await host.view(id, by: reader)["phase"] == .string("awaiting_approval") {
            try await Task.sleep(for: .milliseconds(5))
        }
        let live = try await host.view(id, by: reader)
        let recording = try await host.recording(id, by: reader)
        // The recording goes through its text form, as a user would get it.
        let file = IncidentReader.read(SourceFile(path: "r.json", bytes: JSONWriter.encode(RecordingEncoder.json(recording))))
        let read = try #require(file.incident)
        let replayed = try Replay.run(read, policy: exampleBundle.policy, bundleDigest: exampleBundle.digest, sha256: Hashing.sha256Hex).get()
        let replayJSON = ReplayEncoder(policy: exampleBundle.policy).json(replayed, alert: read.alert)
        #expect(live["steps"] == replayJSON["steps"])
        let liveEffects = live["effects"]?.arrayValue.map(LiveEqualsReplayTests.withoutDelivery) ?? []
        let replayEffects = replayJSON["effects"]?.arrayValue ?? []
        if live["phase"] == .string("closed") {
            #expect(liveEffects == replayEffects)
            #expect(live["outcome"]?["reason"] == replayJSON["reason"])
        } else {
            #expect(Array(replayEffects.prefix(liveEffects.count)) == liveEffects)
        }
        await host.stop()
    }
}
