import AsyncHTTPClient
import Foundation
import Logging
import ReinAdapters
import Testing

@testable import ReinServer

/// The seed's two stories end to end, over loopback, with the server wired from a
/// `rein-serve.yaml` as `rein-serve` wires it (``AzureExecutors``, ``AuditBlobSink``), against
/// strict fakes of Entra ID, the Bot Framework (its issuer and the Bot Connector), Resource
/// Manager's PIM and Blob Storage, and a strict webhook receiver as the executor:
/// 1. an alert opens the incident; the agent investigates and proposes over the REST API; the
///    card goes to Teams; two people click (one ignored); PIM activates after polling; the
///    execution goes to the executor, which posts the result; the role is released after an
///    early refusal; the card shows the outcome; the audit blob verifies with `rein audit verify`;
/// 2. nobody approves: the deadline passes, the on-call is paged P2 (the runbook's `on_timeout`),
///    and nothing is activated.
/// No secret the run used appears in its log.
@Suite("rein serve: the seed's stories on Azure fakes")
struct SeedStoryTests {
    static let botApp = TeamsTests.appID
    static let remediatorApp = "0b5c5e0a-0000-4000-8000-00000000000a"
    static let auditorApp = "0b5c5e0a-0000-4000-8000-00000000000c"
    static let secrets = ["REIN_BOT_SECRET": "bot-s3cr3t-e2e", "REIN_REMEDIATOR_SECRET": "remediator-s3cr3t-e2e", "REIN_AUDITOR_SECRET": "auditor-s3cr3t-e2e", "REIN_PAGER_SECRET": "test-webhook-secret", "REIN_WEBHOOK_SECRET": "test-webhook-secret"]

    /// Everything of one story: the server, the fakes, the log.
    struct Stage {
        let server: TestServer
        let bot: FakeBotConnector
        let arm: FakeARM
        let blob: FakeBlob
        let receiver: WebhookReceiver
        let sink: AuditBlobSink
        let log: LogCapture
    }

    static func withStage(_ body: (Stage) async throws -> Void) async throws {
        let clock = ManualClock(APITests.weekday)
        let entra = FakeEntra(
            apps: [
                FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: botApp, secret: secrets["REIN_BOT_SECRET"] ?? ""),
                FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: remediatorApp, secret: secrets["REIN_REMEDIATOR_SECRET"] ?? ""),
                FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: auditorApp, secret: secrets["REIN_AUDITOR_SECRET"] ?? ""),
            ],
            now: { clock.now().seconds })
        try await entra.start()
        let bot = FakeBotConnector(
            conversations: [TeamsTests.conversation, TeamsTests.team], users: TeamsTests.users,
            validToken: { entra.resource(of: $0) == BotConnector.audience })
        try await bot.start()
        let arm = FakeARM(
            principal: PIMTests.remediator, script: ["PendingProvisioning", "PendingProvisioning", "Provisioned"],
            validToken: { entra.resource(of: $0) == ARMClient.audience }, now: { clock.now().seconds })
        try await arm.start()
        let blob = FakeBlob(container: "rein-audit", audienceOf: { entra.resource(of: $0) }, now: { clock.now().seconds })
        try await blob.start()
        let issuer = FakeOpenID()
        try await issuer.start()
        let receiver = try await WebhookReceiver.start()
        let keys = HTTPClient(eventLoopGroupProvider: .singleton)
        let log = LogCapture()
        var tokens: EntraTokens?
        var azure: AzureExecutors?
        var sink: AuditBlobSink?
        var server: TestServer?
        var failure: (any Error)?
        do {
            let yaml = Self.configuration(receiver: receiver.url, entra: entra.authority, issuer: issuer.metadataURL, bot: bot.url, arm: arm.endpoint, blob: blob.accountURL)
            let settings = try ServeConfig.read(SourceFile(path: "rein-serve.yaml", bytes: Array(yaml.utf8))).get()
            let logger = Logger(label: "rein-e2e") { _ in log }
            let made = try await EntraTokens.make(try #require(settings.entra), environment: secrets, clock: clock, path: "rein-serve.yaml")
            tokens = made
            let executorsMade = try AzureExecutors.make(settings, policy: exampleBundle.policy, tokens: made, environment: secrets, clock: clock, logger: logger).get()
            azure = executorsMade
            var executors = try #require(try settings.executors(environment: secrets))
            executors.retry = RetrySchedule(initial: 1000, cap: 8000)
            executorsMade.install(into: &executors)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let store = try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path)
            let opened = try await AuditBlobSink.open(try #require(settings.auditBlob), tokens: made, store: store, clock: clock, logger: logger)
            sink = opened
            let started = try await TestServer.start(
                at: APITests.weekday, clock: clock, folder: folder, executors: executors, alerts: settings.alerts, azure: (executorsMade, keys), store: store,
                logger: logger, beforeStart: { host in host.onAuditAppended { opened.notify() } })
            server = started
            try await body(Stage(server: started, bot: bot, arm: arm, blob: blob, receiver: receiver, sink: opened, log: log))
        } catch {
            failure = error
        }
        if let server {
            try await server.stop()
        } else if let azure {
            // Never attached to a host: their clients are closed here.
            await azure.pim?.shutdown()
            await azure.teams?.shutdown()
            await azure.paging?.shutdown()
        }
        await sink?.stop()
        try await receiver.stop()
        await tokens?.shutdown()
        try await keys.shutdown()
        for stop in [issuer.stop, blob.stop, arm.stop, bot.stop, entra.stop] { await stop() }
        if let failure { throw failure }
        #expect(bot.refusals.isEmpty, "\(bot.refusals)")
        #expect(arm.refusals.isEmpty, "\(arm.refusals)")
        #expect(blob.violations.isEmpty, "\(blob.violations)")
        #expect(receiver.violations.isEmpty, "\(receiver.violations)")
        // No secret the run used is in its log.
        let text = log.text
        #expect(!text.isEmpty)
        for (name, secret) in secrets { #expect(!text.contains(secret), "the log holds \(name)") }
        for token in entra.issuedTokens { #expect(!text.contains(token), "the log holds an access token") }
    }

    /// The `rein-serve.yaml` of the stories, every remote a fake on loopback.
    static func configuration(receiver: String, entra: String, issuer: String, bot: String, arm: String, blob: String) -> String {
        """
        tokens:
          - {name: agent-runtime, role: agent, sha256: \(sha256Hex("agent-runtime-token"))}
          - {name: executor, role: executor, sha256: \(sha256Hex("executor-token"))}
          - {name: action-group, role: alert, sha256: \(sha256Hex("action-group-token"))}
        executors:
          webhook: {url: "\(receiver)", secret_env: REIN_WEBHOOK_SECRET}
        alerts:
          owner: agent-runtime
        entra:
          authority: \(entra)
          identities:
            bot: {tenant: \(EntraTokenTests.tenant), client_id: \(botApp), secret_env: REIN_BOT_SECRET}
            remediator: {tenant: \(EntraTokenTests.tenant), client_id: \(remediatorApp), secret_env: REIN_REMEDIATOR_SECRET}
            auditor: {tenant: \(EntraTokenTests.tenant), client_id: \(auditorApp), secret_env: REIN_AUDITOR_SECRET}
        teams:
          app_id: \(botApp)
          identity: bot
          openid_metadata: "\(issuer)"
          channels:
            sre-oncall: {serviceUrl: "\(bot)", conversationId: "\(TeamsTests.conversation)"}
        pim:
          endpoint: "\(arm)"
        paging:
          teams_channel: sre-oncall
          webhook: {url: "\(receiver)", secret_env: REIN_PAGER_SECRET}
        audit:
          blob: {account_url: "\(blob)", container: rein-audit, blob: rein/audit.jsonl, identity: auditor}

        """
    }

    /// The audit blobs, concatenated, once they hold the store's whole chain (read again until
    /// the store stops growing).
    static func downloadedAudit(_ stage: Stage) async throws -> String {
        for _ in 0..<20 {
            let store = try await stage.server.get("/v1/audit?limit=10000", token: "dashboards-token").body
            try await stage.sink.waitUntilSent(through: Int64(store.split(separator: "\n").count - 1))
            let copy = stage.blob.names.map { stage.blob.contents($0) }.joined()
            if try await stage.server.get("/v1/audit?limit=10000", token: "dashboards-token").body == store {
                #expect(copy == store)
                return copy
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the audit chain kept growing")
        return ""
    }

    @Test func anAlertBecomesAnApprovedElevatedExecutedAndReleasedRemediation() async throws {
        try await Self.withStage { stage in
            let server = stage.server
            // The alert opens the incident.
            let opened = try await AlertIntakeTests.post(server, AlertIntakeTests.alert(id: "e2e00001-aaaa-4bbb-8ccc-000000000001"))
            #expect(opened.status == 201)
            let id = "e2e00001-aaaa-4bbb-8ccc-000000000001"
            // The agent investigates and proposes.
            #expect(try await server.post("/v1/incidents/\(id)/events", token: EffectDeliveryTests.agent, APITests.readLogs).status == 200)
            let proposed = try await server.post("/v1/incidents/\(id)/events", token: EffectDeliveryTests.agent, EffectDeliveryTests.restart)
            #expect(proposed["step"]?["decision"]?["decision"] == .string("require_approval"), "\(proposed.body)")
            let digest = try #require(try await server.get("/v1/incidents/\(id)", token: "dashboards-token")["pending"]?["digest"]?.stringValue)
            // The card is posted; mallory's click is ignored, alice's counts.
            let card = try await TeamsTests.posted(TeamsTests.Rig(server: server, bot: stage.bot, receiver: stage.receiver, entra: nil))
            let rig = TeamsTests.Rig(server: server, bot: stage.bot, receiver: stage.receiver, entra: nil)
            let ignored = try await TeamsTests.click(rig, TeamsTests.invoke(rig, from: "29:mallory", incident: id, digest: digest, replyTo: card))
            #expect(TeamsTests.texts(ignored["value"]).contains("Your click was ignored"))
            let counted = try await TeamsTests.click(rig, TeamsTests.invoke(rig, from: "29:alice", incident: id, digest: digest, replyTo: card))
            #expect(TeamsTests.texts(counted["value"]).contains("Your approval counted"))
            // PIM activates after polling; only then does the execution reach the executor.
            try await PIMTests.pump(server, "the execution goes out") { stage.receiver.ids("execute").count == 1 }
            #expect(stage.arm.calls.prefix(4).map { "\($0.method) \($0.kind) \($0.answer)" } == [
                "GET none 404", "PUT SelfActivate PendingProvisioning 201", "GET SelfActivate PendingProvisioning 200", "GET SelfActivate Provisioned 200",
            ])
            let execute = try #require(stage.receiver.ids("execute").first)
            #expect(try await EffectDeliveryTests.ack(server, execute).status == 200)
            #expect(try await server.post("/v1/incidents/\(id)/events", token: EffectDeliveryTests.executor, #"{"result":{"status":"succeeded","detail":"rolled out"}}"#).status == 200)
            // The role is released after Azure's five minutes (an early attempt refused).
            try await PIMTests.pump(server, step: 10, "the role is released") { stage.arm.calls.last.map { "\($0.method) \($0.kind) \($0.answer)" } == "PUT SelfDeactivate 201" }
            #expect(stage.arm.calls.contains { $0.kind == "SelfDeactivate" && $0.answer == 400 })
            let view = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
            #expect(view["outcome"]?["outcome"] == .string("remediated"))
            // The card shows the outcome.
            try await EffectDeliveryTests.eventually("the card shows the result") {
                TeamsTests.texts(stage.bot.updates.last?.activity ?? [:]).contains("Executed: it succeeded (rolled out)")
            }
            // The audit blob holds the whole chain, and `rein audit verify` accepts it.
            let copy = try await Self.downloadedAudit(stage)
            #expect(copy.contains(#""type":"teams_click""#) && copy.contains(#""type":"elevation""#))
            let verified = try Self.reinAuditVerify(copy)
            #expect(verified.status == 0, "\(verified.output)")
        }
    }

    @Test func nobodyApprovesSoTheOnCallIsPagedAndNothingIsActivated() async throws {
        try await Self.withStage { stage in
            let server = stage.server
            let id = "e2e00002-aaaa-4bbb-8ccc-000000000002"
            #expect(try await AlertIntakeTests.post(server, AlertIntakeTests.alert(id: id)).status == 201)
            #expect(try await server.post("/v1/incidents/\(id)/events", token: EffectDeliveryTests.agent, APITests.readLogs).status == 200)
            let proposed = try await server.post("/v1/incidents/\(id)/events", token: EffectDeliveryTests.agent, EffectDeliveryTests.restart)
            #expect(proposed["step"]?["decision"]?["decision"] == .string("require_approval"), "\(proposed.body)")
            _ = try await TeamsTests.posted(TeamsTests.Rig(server: server, bot: stage.bot, receiver: stage.receiver, entra: nil))
            server.clock.advance(to: Timestamp(seconds: server.clock.now().seconds + 16 * 60))
            try await EffectDeliveryTests.eventually("the on-call is paged on Teams and by webhook") {
                stage.bot.posted.count == 2 && stage.receiver.ids("page").count == 1
            }
            #expect((stage.bot.posted.last?.activity["text"] as? String)?.contains("P2 page from Rein") == true)
            try await EffectDeliveryTests.eventually("the card says it expired") {
                TeamsTests.texts(stage.bot.updates.last?.activity ?? [:]).contains("Expired: not approved in time")
            }
            let view = try await server.get("/v1/incidents/\(id)", token: "dashboards-token")
            #expect(view["outcome"]?["reason"] == .string("approval_timeout"))
            #expect(stage.arm.calls.isEmpty)
            #expect(stage.receiver.ids("activate_role").isEmpty && stage.receiver.ids("execute").isEmpty)
            let copy = try await Self.downloadedAudit(stage)
            #expect(try Self.reinAuditVerify(copy).status == 0)
        }
    }

    /// `rein audit verify` of a downloaded copy.
    static func reinAuditVerify(_ text: String) throws -> (status: Int32, output: String) {
        let products = Bundle.allBundles.map(\.bundleURL).first { $0.pathExtension == "xctest" }?.deletingLastPathComponent()
        let binary = try #require(
            [products, repositoryRoot.appendingPathComponent(".build/debug")].compactMap { $0 }.map { $0.appendingPathComponent("rein") }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }, "the rein executable is not built")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rein-e2e-audit-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: file)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["audit", "verify", file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// A log handler that keeps every line (with its metadata) for the test to read.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lines = NSLock()
    private var buffer: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var text: String { lines.withLock { buffer.joined(separator: "\n") } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLock { buffer.append("\(event.level) \(event.message) \(all)") }
    }
}
