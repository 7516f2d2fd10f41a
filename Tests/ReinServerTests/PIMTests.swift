import Foundation
import ReinAdapters
import Testing

@testable import ReinServer

/// Role activations through Azure PIM, against strict fakes of Entra and Resource Manager: GET
/// before PUT, polling to `Provisioned`, a failed elevation when PIM says no, `Retry-After`, and
/// a deactivation that waits out `ActiveDurationTooShort`.
@Suite("rein serve: PIM elevation")
struct PIMTests {
    static let remediator = "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"

    /// A server whose activations and deactivations go to a fake ARM (with `script` as the
    /// activation's statuses), its cards and executions to a webhook receiver.
    func withPIM(script: [String], _ body: (TestServer, FakeARM, WebhookReceiver) async throws -> Void) async throws {
        let clock = ManualClock(APITests.weekday)
        let entra = FakeEntra(
            apps: [FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: "0b5c5e0a-0000-4000-8000-00000000000a", secret: "s3cr3t-value")],
            now: { clock.now().seconds })
        try await entra.start()
        let arm = FakeARM(
            principal: Self.remediator, script: script,
            validToken: { token in entra.resource(of: token) == ARMClient.audience },
            now: { clock.now().seconds })
        try await arm.start()
        let text = "entra:\n  authority: \(entra.authority)\n  identities:\n" + EntraTokenTests.remediator
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        let tokens = try await EntraTokens.make(config, environment: ["REIN_REMEDIATOR_SECRET": "s3cr3t-value"], clock: clock, path: "c.yaml")
        let receiver = try await WebhookReceiver.start()
        let pim = PIMExecutor(endpoint: arm.endpoint, tokens: tokens, identities: [Self.remediator: "remediator"], clock: clock, activationTimeout: 120)
        var executors = receiver.executors()
        executors.native = ["activate_role": pim, "deactivate_role": pim]
        let server = try await TestServer.start(at: APITests.weekday, clock: clock, executors: executors)
        pim.attach(server.host)
        do {
            try await body(server, arm, receiver)
        } catch {
            try await server.stop()
            try await receiver.stop()
            await tokens.shutdown()
            await arm.stop()
            await entra.stop()
            throw error
        }
        try await server.stop()
        try await receiver.stop()
        await tokens.shutdown()
        await arm.stop()
        await entra.stop()
        #expect(arm.refusals.isEmpty, "\(arm.refusals)")
    }

    /// Moves the clock on by `step` seconds at a time until `condition` holds (at most `limit` steps).
    static func pump(_ server: TestServer, step: Int64 = 2, limit: Int = 400, _ what: Testing.Comment, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<limit {
            if try await condition() { return }
            server.clock.advance(to: Timestamp(seconds: server.clock.now().seconds + step))
            try await Task.sleep(for: .milliseconds(15))
        }
        Issue.record("never happened: \(what)")
    }

    @Test func anApprovedRestartIsElevatedThroughPIMThenReleasedOnceAllowed() async throws {
        try await withPIM(script: ["PendingProvisioning", "PendingProvisioning", "Provisioned"]) { server, arm, receiver in
            let digest = try await EffectDeliveryTests.awaitingApproval(server, "INC-PIM")
            try await EffectDeliveryTests.approve(server, "INC-PIM", digest: digest)
            try await Self.pump(server, "the activation is acknowledged") { try await EffectDeliveryTests.delivery(server, "INC-PIM/2/0") == "done" }
            // Only now does the execution go out (to the webhook); the executor reports it.
            try await EffectDeliveryTests.eventually("the execution is received") { receiver.ids("execute") == ["INC-PIM/2/1"] }
            #expect(receiver.ids("activate_role").isEmpty)
            #expect(try await EffectDeliveryTests.ack(server, "INC-PIM/2/1").status == 200)
            #expect(try await server.post("/v1/incidents/INC-PIM/events", token: EffectDeliveryTests.executor, #"{"result":{"status":"succeeded"}}"#).status == 200)
            // The deactivation waits out the five minutes Azure insists on.
            try await Self.pump(server, step: 10, "the deactivation is acknowledged") { try await EffectDeliveryTests.delivery(server, "INC-PIM/3/0") == "done" }
            #expect(
                arm.calls.map { "\($0.method) \($0.kind) \($0.answer)" }.prefix(5) == [
                    "GET none 404", "PUT SelfActivate PendingProvisioning 201", "GET SelfActivate PendingProvisioning 200",
                    "GET SelfActivate Provisioned 200", "GET none 404",
                ])
            #expect(arm.calls.contains { $0.kind == "SelfDeactivate" && $0.answer == 400 })
            #expect(arm.calls.last.map { "\($0.method) \($0.kind) \($0.answer)" } == "PUT SelfDeactivate 201")
            #expect(arm.calls.filter { $0.method == "PUT" && $0.kind.hasPrefix("SelfActivate") }.count == 1)
            let view = try await server.get("/v1/incidents/INC-PIM", token: "dashboards-token")
            #expect(view["outcome"]?["outcome"] == .string("remediated"))
            // Every call to PIM and its answer is in the audit log, whose chain still holds.
            let audit = try await server.get("/v1/audit?limit=10000", token: "dashboards-token").body
            let elevations = audit.split(separator: "\n").filter { $0.contains(#""type":"elevation""#) && $0.contains(#""call":""#) }
            #expect(elevations.count == arm.calls.count)
            #expect(elevations.first?.contains(#""call":"GET""#) == true && elevations.first?.contains(#""status":404"#) == true)
            if case .failure(let broken) = AuditVerifier.verify(audit) { Issue.record("the audit chain breaks: \(broken)") }
        }
    }

    @Test func aDeniedActivationIsAFailedElevationAndNothingRuns() async throws {
        try await withPIM(script: ["PendingApproval", "Denied"]) { server, arm, receiver in
            let digest = try await EffectDeliveryTests.awaitingApproval(server, "INC-PIM-D")
            try await EffectDeliveryTests.approve(server, "INC-PIM-D", digest: digest)
            try await Self.pump(server, "the activation fails") { try await EffectDeliveryTests.delivery(server, "INC-PIM-D/2/0") == "failed" }
            try await EffectDeliveryTests.eventually("the incident ends failed") {
                try await server.get("/v1/incidents/INC-PIM-D", token: "dashboards-token")["outcome"]?["outcome"] == .string("failed")
            }
            #expect(try await EffectDeliveryTests.lastResultDetail(server, "INC-PIM-D") == "elevation failed: PIM: the activation is Denied")
            #expect(receiver.ids("execute").isEmpty)
        }
    }

    @Test func aThrottledRequestWaitsForRetryAfter() async throws {
        try await withPIM(script: ["Provisioned"]) { server, arm, _ in
            arm.throttle(2)
            let digest = try await EffectDeliveryTests.awaitingApproval(server, "INC-PIM-T")
            try await EffectDeliveryTests.approve(server, "INC-PIM-T", digest: digest)
            try await EffectDeliveryTests.eventually("the first attempt is throttled") { arm.calls.count == 1 }
            try await Task.sleep(for: .milliseconds(100))
            #expect(arm.calls.count == 1)  // it waits (Retry-After: 1) on the host's clock
            try await Self.pump(server, step: 1, "the activation is acknowledged") { try await EffectDeliveryTests.delivery(server, "INC-PIM-T/2/0") == "done" }
            #expect(arm.calls.map(\.answer) == [429, 429, 404, 201])
        }
    }

    @Test func everyIdentityWithEligibilitiesNeedsAnEntraIdentityOfItsName() async throws {
        for (identities, expected) in [
            (EntraTokenTests.remediator, [String]()),
            ("    observer: {managed_identity: true}\n", ["identity `remediator` has eligibilities but no entry in `entra.identities` to activate them as"]),
        ] {
            let text = "entra:\n  identities:\n" + identities
            let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
            let tokens = try await EntraTokens.make(config, environment: ["REIN_REMEDIATOR_SECRET": "x"], clock: ManualClock(APITests.weekday), path: "c.yaml")
            let (found, problems) = PIMExecutor.identities(in: exampleBundle.policy, signingInAs: tokens)
            #expect(problems == expected)
            #expect(found == (expected.isEmpty ? [Self.remediator: "remediator"] : [:]))
            await tokens.shutdown()
        }
    }
}
