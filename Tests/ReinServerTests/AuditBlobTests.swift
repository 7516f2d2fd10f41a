import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ReinAdapters
import Synchronization
import Testing

@testable import ReinServer

/// The audit log appended to Azure Storage append blobs, against a strict loopback blob service
/// and Entra: in order, in blocks, across blobs before the block limit, through lost answers and
/// restarts without a duplicate; someone else's write stops it with an alarm; a container
/// without protected append writes, or another server's chain, stops it at start-up.
@Suite("rein serve: audit to an immutable blob", .timeLimit(.minutes(1)))
struct AuditBlobTests {
    static let container = "rein-audit"
    /// A folder and a space: the name is percent-encoded per segment.
    static let stem = "prod/audit trail"
    static let clientID = "0b5c5e0a-0000-4000-8000-00000000000c"
    static let start = Timestamp(seconds: 1_780_000_000)

    /// Small blocks, short waits: a test's appends go in several blocks and retries come soon.
    static func tuning(blockLimit: Int = 50_000, maxBlockBytes: Int = 4096, timeout: TimeAmount = .seconds(10)) -> AuditBlobSink.Tuning {
        var tuning = AuditBlobSink.Tuning()
        tuning.blockLimit = blockLimit
        tuning.maxBlockBytes = maxBlockBytes
        tuning.retry = RetrySchedule(initial: 200, cap: 2000)
        tuning.timeout = timeout
        tuning.readBatch = 50
        return tuning
    }

    /// A store, a fake Entra and blob service on one manual clock, and the tokens of `auditor`.
    struct Rig: Sendable {
        let clock: ManualClock
        let fake: FakeBlob
        let tokens: EntraTokens
        let store: SQLiteStore
        let logs: LogRecorder
        let config = AuditBlobConfig(
            accountURL: "", container: AuditBlobTests.container, stem: AuditBlobTests.stem, identity: "auditor", line: 1)

        var blobConfig: AuditBlobConfig {
            var config = config
            config.accountURL = fake.accountURL
            return config
        }

        func open(_ tuning: AuditBlobSink.Tuning = AuditBlobTests.tuning(), audience: String = BlobClient.audience) async throws -> AuditBlobSink {
            let recorder = logs
            var logger = Logger(label: "rein-audit-blob") { _ in RecordingLogHandler(recorder: recorder) }
            logger.logLevel = .info
            return try await AuditBlobSink.open(
                blobConfig, tokens: tokens, store: store, clock: clock, logger: logger, tuning: tuning, audience: audience)
        }

        /// Appends `count` entries to the store's chain (each about `size` bytes long); their lines.
        @discardableResult
        func append(_ count: Int, size: Int = 200, incident: String = "INC-BLOB") async throws -> [AuditLine] {
            var entries: [AuditChain.Entry] = []
            for n in 0..<count {
                let data = JSONObject(entries: [("n", .integer(Int64(n))), ("note", .string(String(repeating: "x", count: max(0, size - 150))))])
                entries.append(try #require(AuditChain.Entry(at: clock.now(), incident: incident, type: "note", data: data)))
            }
            return try await store.appendAudit(entries)
        }

        /// The store's whole chain, as a file holds it.
        func storeText() async throws -> String {
            try await store.auditLines(after: -1, limit: 100_000).map { $0.text + "\n" }.joined()
        }

        /// Every blob, in order, concatenated.
        var blobText: String { fake.names.map(fake.contents).joined() }

        /// The appends the fake received.
        var appends: [FakeBlob.Call] { fake.calls.filter { $0.operation == "appendblock" } }
    }

    func withRig(blockLimit: Int = 50_000, _ body: (Rig) async throws -> Void) async throws {
        let clock = ManualClock(Self.start)
        let entra = FakeEntra(apps: [FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: Self.clientID, secret: "aud1t-s3cret")], now: { clock.now().seconds })
        try await entra.start()
        let fake = FakeBlob(container: Self.container, blockLimit: blockLimit, audienceOf: { entra.resource(of: $0) }, now: { clock.now().seconds })
        try await fake.start()
        let text = "entra:\n  authority: \(entra.authority)\n  identities:\n"
            + "    auditor: {tenant: \(EntraTokenTests.tenant), client_id: \(Self.clientID), secret_env: REIN_AUDITOR_SECRET}\n"
        let entraConfig = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        let tokens = try await EntraTokens.make(entraConfig, environment: ["REIN_AUDITOR_SECRET": "aud1t-s3cret"], clock: clock, path: "c.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-audit-blob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path)
        let rig = Rig(clock: clock, fake: fake, tokens: tokens, store: store, logs: LogRecorder())
        var failure: (any Error)?
        do {
            try await body(rig)
        } catch {
            failure = error
        }
        await tokens.shutdown()
        await fake.stop()
        await entra.stop()
        try? FileManager.default.removeItem(at: folder)
        if let failure { throw failure }
        #expect(entra.refusals.isEmpty, "\(entra.refusals)")
        // No log line ever shows a token.
        #expect(!rig.logs.lines.contains { $0.message.contains("fake-access-token") || $0.metadata.contains("fake-access-token") })
    }

    /// Moves the clock on a second at a time (retries wait on it) until `condition` holds.
    static func pump(_ clock: ManualClock, _ what: Testing.Comment, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<600 {
            if try await condition() { return }
            clock.advance(to: Timestamp(seconds: clock.now().seconds + 1))
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never happened: \(what)")
    }

    static func name(_ index: Int) -> String {
        AuditBlobConfig(accountURL: "", container: container, stem: stem, identity: "auditor", line: 1).blobName(index)
    }

    // MARK: - Delivery

    @Test func entriesGoInOrderInBlocksOfWholeLines() async throws {
        try await withRig { rig in
            try await rig.append(120)
            let sink = try await rig.open()
            // Start-up: the container, no blob yet, so the first is created; then the backlog.
            #expect(
                rig.fake.calls.prefix(3).map(\.description) == ["container  200", "properties \(Self.name(1)) 404", "create \(Self.name(1)) 201"])
            #expect(await sink.sentThrough() == 119)
            // New entries, committed a few at a time, go in the background as they are notified.
            for _ in 0..<20 {
                try await rig.append(9)
                sink.notify()
            }
            try await Self.pump(rig.clock, "every entry is sent") { await sink.sentThrough() == 299 }
            await sink.stop()
            let text = try await rig.storeText()
            #expect(rig.blobText == text)
            #expect(rig.fake.names == [Self.name(1)])
            if case .failure(let broken) = AuditVerifier.verify(rig.blobText) { Issue.record("the blob's chain breaks: \(broken)") }
            // Many lines per block, never more than a block holds, and only whole lines.
            let blocks = rig.fake.blocks(Self.name(1))
            #expect(blocks.count > 10 && blocks.count < 100)
            #expect(blocks.allSatisfy { $0 <= 4096 })
            var offset = 0
            let bytes = Array(rig.blobText.utf8)
            for size in blocks {
                offset += size
                #expect(bytes[offset - 1] == 0x0A)
            }
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func theChainContinuesInTheNextBlobBeforeTheBlockLimit() async throws {
        try await withRig(blockLimit: 3) { rig in
            try await rig.append(40)
            let tuning = Self.tuning(blockLimit: 3, maxBlockBytes: 1024)
            let sink = try await rig.open(tuning)
            #expect(await sink.sentThrough() == 39)
            await sink.stop()
            // A restart finds the last blob (by doubling, then halving) and goes on in it.
            try await rig.append(25)
            let again = try await rig.open(tuning)
            #expect(await again.sentThrough() == 64)
            await again.stop()
            let names = rig.fake.names
            #expect(names.count >= 6)
            #expect(names == (1...names.count).map(Self.name))
            for name in names { #expect(rig.fake.blocks(name).count <= 3 && rig.fake.contents(name).hasSuffix("\n")) }
            // The blobs, one after the other, are the store's chain, which verifies.
            #expect(rig.blobText == (try await rig.storeText()))
            switch AuditVerifier.verify(rig.blobText) {
            case .success(let chain): #expect(chain.nextSeq == 65)
            case .failure(let broken): Issue.record("the chain across blobs breaks: \(broken)")
            }
            #expect(rig.fake.calls.filter { $0.operation == "create" }.count == names.count)
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    // MARK: - Lost answers and restarts

    @Test(arguments: [FakeBlob.LostAnswer.serverError, .late(.milliseconds(2500))])
    func anAppendWhoseAnswerIsLostCountsAsSentWithoutADuplicate(_ how: FakeBlob.LostAnswer) async throws {
        try await withRig { rig in
            try await rig.append(10)
            let sink = try await rig.open(Self.tuning(timeout: .seconds(1)))
            let before = rig.appends.count
            let callsBefore = rig.fake.calls.count
            rig.fake.loseNextAppendAnswer(how)
            try await rig.append(5)
            sink.notify()
            try await Self.pump(rig.clock, "the lost block is counted as sent") { await sink.sentThrough() == 14 }
            // The block went in once; the retry met 412, read the length and the tail, and found it.
            #expect(rig.blobText == (try await rig.storeText()))
            // (A late answer is recorded once the fake gives it, after the client stopped waiting.)
            try await EffectDeliveryTests.eventually("both attempts are recorded") { rig.appends.count == before + 2 }
            let statuses = rig.appends.dropFirst(before).map(\.status).sorted()
            if case .serverError = how { #expect(statuses == [412, 500]) } else { #expect(statuses == [201, 412]) }
            let after = rig.fake.calls.dropFirst(callsBefore)
            #expect(after.contains { $0.operation == "properties" && $0.status == 200 })
            #expect(after.contains { $0.operation == "read" && $0.status == 206 })
            #expect(await sink.alarmRaised == nil)
            // And sending goes on after it.
            try await rig.append(3)
            sink.notify()
            try await Self.pump(rig.clock, "later entries are sent") { await sink.sentThrough() == 17 }
            #expect(rig.blobText == (try await rig.storeText()))
            await sink.stop()
            #expect(rig.logs.lines.contains { $0.level == .notice && $0.message.contains("answer was lost") })
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func aRestartSendsOnlyWhatIsMissing() async throws {
        try await withRig { rig in
            try await rig.append(30)
            let first = try await rig.open()
            await first.stop()
            let sentBefore = rig.appends.count
            // Committed while the sink was down (or while its appends failed): still in the store.
            try await rig.append(20)
            let second = try await rig.open()
            #expect(await second.sentThrough() == 49)
            await second.stop()
            #expect(rig.blobText == (try await rig.storeText()))
            let resent = rig.appends.dropFirst(sentBefore)
            #expect(!resent.isEmpty && resent.allSatisfy { $0.status == 201 })
            // Each entry once.
            let seqs = rig.blobText.split(separator: "\n").compactMap { BlobTail.seq(of: Array($0.utf8)) }
            #expect(seqs == Array(0...49))
            // Nothing missing: a restart appends nothing, and creates nothing.
            let calls = rig.fake.calls.count
            let third = try await rig.open()
            #expect(await third.sentThrough() == 49)
            await third.stop()
            #expect(!rig.fake.calls.dropFirst(calls).contains { $0.operation == "appendblock" || $0.operation == "create" })
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func aBusyServiceIsWaitedForAsRetryAfterSays() async throws {
        try await withRig { rig in
            try await rig.append(5)
            let sink = try await rig.open()
            rig.fake.busy(1, retryAfter: 7)
            try await rig.append(2)
            sink.notify()
            try await EffectDeliveryTests.eventually("the append is refused as busy") { rig.fake.calls.last?.status == 503 }
            try await EffectDeliveryTests.eventually("the sink waits on the clock") { rig.clock.sleeperCount == 1 }
            let calls = rig.fake.calls.count
            rig.clock.advance(to: Timestamp(seconds: Self.start.seconds + 6))
            try await Task.sleep(for: .milliseconds(150))
            #expect(rig.fake.calls.count == calls)  // it waits the seven seconds, on the host's clock
            rig.clock.advance(to: Timestamp(seconds: Self.start.seconds + 7))
            try await EffectDeliveryTests.eventually("the append goes through") { await sink.sentThrough() == 6 }
            await sink.stop()
            #expect(rig.blobText == (try await rig.storeText()))
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    // MARK: - Alarms and start-up checks

    @Test func someoneElsesWriteStopsSendingWithACriticalAlarm() async throws {
        try await withRig { rig in
            try await rig.append(5)
            let sink = try await rig.open()
            let ours = rig.blobText
            rig.fake.foreignAppend(Self.name(1), #"{"forged":true}"# + "\n")
            try await rig.append(3)
            sink.notify()
            try await Self.pump(rig.clock, "the alarm is raised") { await sink.alarmRaised != nil }
            let alarm = try #require(await sink.alarmRaised)
            #expect(alarm.contains("someone else wrote") && alarm.contains(Self.name(1)) && alarm.contains(#"{"forged":true}"#))
            #expect(rig.logs.lines.contains { $0.level == .critical && $0.message.contains("someone else wrote") })
            await #expect(throws: AuditBlobError.self) { try await sink.waitUntilSent(through: 7) }
            // It writes nothing more, whatever comes.
            let appends = rig.appends.count
            try await rig.append(4)
            sink.notify()
            try await Task.sleep(for: .milliseconds(150))
            #expect(rig.appends.count == appends)
            #expect(await sink.sentThrough() == 4)
            await sink.stop()
            #expect(rig.blobText == ours + #"{"forged":true}"# + "\n")
            // Nor does it start again on that blob.
            let error = await #expect(throws: AuditBlobError.self) { try await rig.open() }
            #expect(error?.description.contains("is not this server's chain") == true)
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func anotherServersChainIsRefusedAtStartUp() async throws {
        try await withRig { rig in
            // Another server's chain is in the blob.
            let other = FileManager.default.temporaryDirectory.appendingPathComponent("rein-audit-blob-other-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: other) }
            let otherRig = Rig(
                clock: rig.clock, fake: rig.fake, tokens: rig.tokens, store: try SQLiteStore(path: other.appendingPathComponent("rein.sqlite").path),
                logs: rig.logs)
            try await otherRig.append(6, incident: "INC-OTHER")
            try await otherRig.open().stop()
            try await rig.append(6)
            let error = await #expect(throws: AuditBlobError.self) { try await rig.open() }
            #expect(error?.description == "the audit blob `\(Self.name(1))` in container `\(Self.container)` is not this server's chain: its last entry (seq 5) is not the store's entry 5")
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func aContainerWithoutProtectedAppendWritesStopsTheStart() async throws {
        try await withRig { rig in
            rig.fake.denyProtectedAppendWrites()
            try await rig.append(3)
            let error = await #expect(throws: AuditBlobError.self) { try await rig.open() }
            let text = error?.description ?? ""
            #expect(text.contains("`\(Self.name(1))`") && text.contains("409 BlobImmutableDueToPolicy"))
            #expect(text.contains("must allow protected append writes (allowProtectedAppendWrites)"))
            #expect(!text.contains("fake-access-token"))
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    @Test func anEntryLargerThanABlockRaisesTheAlarm() async throws {
        try await withRig { rig in
            try await rig.append(3)
            let sink = try await rig.open(Self.tuning(maxBlockBytes: 1024))
            try await rig.append(1, size: 3000)
            sink.notify()
            try await EffectDeliveryTests.eventually("the alarm is raised") { await sink.alarmRaised != nil }
            #expect(await sink.alarmRaised?.contains("the audit entry 3 is") == true)
            #expect(await sink.sentThrough() == 2)
            await sink.stop()
            #expect(rig.fake.violations.isEmpty, "\(rig.fake.violations)")
        }
    }

    // MARK: - The fake is strict

    @Test func aTokenForAnotherAudienceIsRefused() async throws {
        try await withRig { rig in
            let error = await #expect(throws: AuditBlobError.self) { try await rig.open(audience: ARMClient.audience) }
            #expect(error?.description.contains("401 InvalidAuthenticationInfo") == true)
            #expect(rig.fake.violations.count == 1 && rig.fake.violations.first?.contains("Audience validation failed") == true)
            #expect(rig.fake.names.isEmpty)
        }
    }

    @Test func theFakeRefusesWhatAzureWouldRefuse() async throws {
        try await withRig { rig in
            try await rig.append(2)
            let sink = try await rig.open()
            await sink.stop()
            let token = try await rig.tokens.token(for: "auditor", audience: BlobClient.audience).value
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let blob = "\(rig.fake.accountURL)/\(Self.container)/\(BlobClient.encodePath(Self.name(1)))"
            let good: [(String, String)] = [
                ("Authorization", "Bearer \(token)"), ("x-ms-version", BlobClient.version), ("x-ms-date", rig.clock.now().httpDate),
            ]
            func send(_ method: HTTPMethod, _ url: String, _ headers: [(String, String)], body: [UInt8]? = nil) async throws -> (UInt, String?) {
                var request = HTTPClientRequest(url: url)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                return (response.status.code, response.headers.first(name: "x-ms-error-code"))
            }
            let line = Array("{}\n".utf8)
            let length = Array(rig.blobText.utf8).count
            var refused: [(UInt, String?)] = []
            do {
                refused.append(try await send(.HEAD, blob, good.filter { $0.0 != "x-ms-version" }))
                refused.append(try await send(.HEAD, blob, good.filter { $0.0 != "x-ms-date" }))
                refused.append(try await send(.HEAD, blob, good.filter { $0.0 != "Authorization" }))
                refused.append(try await send(.HEAD, "\(rig.fake.accountURL)/other-container/\(BlobClient.encodePath(Self.name(1)))", good))
                refused.append(try await send(.PUT, "\(rig.fake.accountURL)/\(Self.container)/x.jsonl", good + [("x-ms-blob-type", "BlockBlob"), ("If-None-Match", "*")], body: []))
                refused.append(try await send(.PUT, blob, good + [("x-ms-blob-type", "AppendBlob")], body: []))
                refused.append(try await send(.PUT, blob + "?comp=appendblock", good, body: line))
                refused.append(try await send(.PUT, blob + "?comp=appendblock", good + [("x-ms-blob-condition-appendpos", "\(length)")], body: Array(repeating: 0x41, count: 4 * 1024 * 1024 + 1)))
                refused.append(try await send(.DELETE, blob, good))
                // A wrong position is Azure's ordinary answer, not a violation.
                refused.append(try await send(.PUT, blob + "?comp=appendblock", good + [("x-ms-blob-condition-appendpos", "3")], body: line))
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
            #expect(refused.map(\.0) == [400, 403, 401, 404, 400, 409, 400, 413, 409, 412])
            #expect(
                refused.map { $0.1 ?? "" } == [
                    "MissingRequiredHeader", "AuthenticationFailed", "NoAuthenticationInformation", "ContainerNotFound", "InvalidHeaderValue",
                    "BlobImmutableDueToPolicy", "MissingRequiredHeader", "RequestBodyTooLarge", "BlobImmutableDueToPolicy", "AppendPositionConditionNotMet",
                ])
            #expect(rig.fake.violations.count == 9, "\(rig.fake.violations)")
            #expect(rig.blobText == (try await rig.storeText()))
        }
    }

    @Test func httpDatesAreRFC1123() {
        #expect(Timestamp(seconds: 1_780_000_000).httpDate == "Thu, 28 May 2026 20:26:40 GMT")
        #expect(Timestamp(seconds: 0).httpDate == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(FakeBlob.parseDate(Timestamp(seconds: 1_780_000_000).httpDate) == 1_780_000_000)
        #expect(BlobClient.encodePath("prod/audit trail-000001.jsonl") == "prod/audit%20trail-000001.jsonl")
    }

    @Test func theLastLineIsFoundInTheBlobsTail() {
        #expect(BlobTail.lastLine(Array("a\nbc\n".utf8), whole: false) == .line(Array("bc".utf8)))
        #expect(BlobTail.lastLine(Array("bc\n".utf8), whole: true) == .line(Array("bc".utf8)))
        #expect(BlobTail.lastLine(Array("bc\n".utf8), whole: false) == .needMore)
        #expect(BlobTail.lastLine(Array("a\nbc".utf8), whole: true) == .unterminated)
        #expect(BlobTail.seq(of: Array(#"{"seq":41,"x":1}"#.utf8)) == 41)
        #expect(BlobTail.seq(of: Array(#"{"forged":true}"#.utf8)) == nil)
    }
}

extension AuditBlobTests {
    /// Log lines as recorded: level, message and metadata.
    final class LogRecorder: Sendable {
        struct Line: Sendable {
            var level: Logger.Level
            var message: String
            var metadata: String
        }

        private let recorded = Mutex<[Line]>([])
        var lines: [Line] { recorded.withLock { $0 } }
        func add(_ line: Line) { recorded.withLock { $0.append(line) } }
    }

    /// A log handler that keeps every line in a ``LogRecorder``.
    struct RecordingLogHandler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.add(
                AuditBlobTests.LogRecorder.Line(level: event.level, message: event.message.description, metadata: fields.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")))
        }
    }
}
