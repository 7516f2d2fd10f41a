import AsyncHTTPClient
import Logging
import NIOCore
import ReinAdapters

/// The audit log in Azure Storage (`audit.blob`): every entry of the store's one chain, one JSON
/// line each, appended in `seq` order to the append blobs `{stem}-000001.jsonl`,
/// `{stem}-000002.jsonl`, … of a container whose time-based immutability policy allows protected
/// append writes, so that nothing written can be changed or deleted.
///
/// - An entry is acknowledged once it is in the store; the blob may lag, never lose. Where the
///   blob stands is read from the blob itself (its length and last line), so entries not yet
///   sent survive restarts and go out in order.
/// - Lines are batched into blocks of at most 4 MiB; each append names the length Rein expects
///   (`x-ms-blob-condition-appendpos`). Before a blob holds 50,000 blocks the chain continues in
///   the next blob.
/// - No answer, 408, 429, 500, 502, 503 and 504 are tried again, after `Retry-After` or a
///   back-off doubling from half a second to a minute. A 412 on an append reads the blob's
///   length and tail: when they hold the block (an earlier attempt went through and its answer
///   was lost) it counts as sent; otherwise someone else wrote, and sending stops with a
///   critical log (the server goes on; the entries stay in the store).
public actor AuditBlobSink {
    /// Limits and waits: Azure's and production's by default; tests make them small.
    struct Tuning: Sendable {
        /// Blocks one blob takes before the chain continues in the next (Azure's limit: 50,000).
        var blockLimit = 50_000
        /// The largest block, in bytes.
        var maxBlockBytes = BlobClient.maxBlockBytes
        /// The waits after failed attempts; a failure that is not transient waits the cap.
        var retry = RetrySchedule(initial: 500, cap: 60_000)
        /// Attempts of one request at start-up before `open` gives up.
        var startAttempts = 5
        /// The timeout of each request.
        var timeout: TimeAmount = .seconds(30)
        /// Audit lines read from the store at once.
        var readBatch = 2_000
    }

    let config: AuditBlobConfig
    let blob: BlobClient
    let store: any SessionStore
    let clock: any HostClock
    let logger: Logger
    let tuning: Tuning

    /// The blob appended to (1, 2, …), its length in bytes and its committed blocks.
    var index = 1
    var length: Int64 = 0
    var blocks = 0
    /// The last `seq` in storage (-1: none yet).
    var sent: Int64 = -1
    /// Lines read from the store and not yet sent, in order, and their bytes with newlines.
    var buffer: [AuditLine] = []
    var bufferBytes = 0
    /// Why sending stopped for good (someone else wrote, an entry too large), or nil.
    var alarm: String?
    private var stopped = false
    private var loop: Task<Void, Never>?
    private var waiters: [(seq: Int64, continuation: CheckedContinuation<Void, any Error>)] = []
    private nonisolated let rings: AsyncStream<Void>
    private nonisolated let ring: AsyncStream<Void>.Continuation

    /// Opens the audit blob of `config` as its identity: finds the blob to append to (the last
    /// of `-000001`, `-000002`, … that exists, creating the first when none does), checks that
    /// its last entry is the store's entry of that `seq`, and sends what the blob lacks; then
    /// sends new entries in the background as ``notify()`` says they come. Throws when the
    /// container or blob cannot be used, when the blob holds another chain ("not this server's
    /// chain"), and when an append is refused (409 `BlobImmutableDueToPolicy`: the container's
    /// immutability policy must allow protected append writes).
    public static func open(
        _ config: AuditBlobConfig, tokens: EntraTokens, store: any SessionStore, clock: any HostClock, logger: Logger
    ) async throws -> AuditBlobSink {
        try await open(config, tokens: tokens, store: store, clock: clock, logger: logger, tuning: Tuning())
    }

    /// ``open(_:tokens:store:clock:logger:)`` with other limits and waits (tests).
    static func open(
        _ config: AuditBlobConfig, tokens: EntraTokens, store: any SessionStore, clock: any HostClock, logger: Logger, tuning: Tuning,
        audience: String = BlobClient.audience
    ) async throws -> AuditBlobSink {
        var blob = BlobClient(
            accountURL: config.accountURL, container: config.container, identity: config.identity, client: BlobClient.makeClient(),
            tokens: tokens, clock: clock, timeout: tuning.timeout)
        blob.audience = audience
        let sink = AuditBlobSink(config: config, blob: blob, store: store, clock: clock, logger: logger, tuning: tuning)
        do {
            try await sink.catchUp()
        } catch {
            await sink.stop()
            throw error
        }
        await sink.startLoop()
        return sink
    }

    private init(config: AuditBlobConfig, blob: BlobClient, store: any SessionStore, clock: any HostClock, logger: Logger, tuning: Tuning) {
        self.config = config
        self.blob = blob
        self.store = store
        self.clock = clock
        self.logger = logger
        self.tuning = tuning
        (rings, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// New audit lines were committed to the store: they are sent soon, in the background, with
    /// whatever else has come by then (rings while a block is on its way are folded into one).
    public nonisolated func notify() {
        ring.yield()
    }

    /// The last `seq` known to be in the blob (-1 when none is).
    public func sentThrough() -> Int64 { sent }

    /// Why sending stopped for good, or nil while it goes on.
    public var alarmRaised: String? { alarm }

    /// Returns once the entry `seq` is in the blob; throws when sending stopped first (an alarm,
    /// or ``stop()``).
    public func waitUntilSent(through seq: Int64) async throws {
        if sent >= seq { return }
        if let alarm { throw AuditBlobError(alarm) }
        if stopped { throw AuditBlobError("the audit blob sink stopped before entry \(seq) was sent") }
        try await withCheckedThrowingContinuation { continuation in waiters.append((seq, continuation)) }
    }

    /// Stops sending (shutdown): an append on its way is abandoned (it either went through or
    /// not: the next start reads which from the blob). Unsent lines stay in the store.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        ring.finish()
        loop?.cancel()
        await loop?.value
        loop = nil
        let waiting = waiters
        waiters = []
        for waiter in waiting {
            waiter.continuation.resume(throwing: AuditBlobError("the audit blob sink stopped before entry \(waiter.seq) was sent"))
        }
        try? await blob.client.shutdown()
    }

    private func startLoop() {
        guard loop == nil, !stopped else { return }
        let rings = self.rings
        loop = Task { [weak self] in
            for await _ in rings {
                guard let self, !Task.isCancelled else { return }
                await self.drain()
            }
        }
        // What was committed while the sink opened.
        ring.yield()
    }

    /// Sends blocks until the store has nothing more; a failure that is not transient waits the
    /// back-off's cap and tries again; an alarm or the shutdown ends it.
    private func drain() async {
        while !Task.isCancelled, alarm == nil {
            do {
                guard try await sendBlock(attempts: nil) else { return }
            } catch SendStop.failed(let error) {
                logger.error(
                    "the audit blob is behind: \(error.description)",
                    metadata: ["blob": "\(config.blobName(index))", "sent": "\(sent)", "retry_ms": "\(tuning.retry.cap)"])
                do {
                    try await clock.sleep(until: clock.now().adding(milliseconds: tuning.retry.cap))
                } catch {
                    return
                }
            } catch {
                return
            }
        }
    }

    /// Counts the first `count` buffered lines as sent and wakes those waiting for them.
    func accept(_ count: Int) {
        let taken = buffer.prefix(count)
        bufferBytes -= taken.reduce(0) { $0 + $1.text.utf8.count + 1 }
        if let last = taken.last { sent = last.seq }
        buffer.removeFirst(min(count, buffer.count))
        let ready = waiters.filter { $0.seq <= sent }
        waiters.removeAll { $0.seq <= sent }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Stops sending for good: logs `message` at critical and fails those waiting.
    func raiseAlarm(_ message: String) {
        guard alarm == nil else { return }
        alarm = message
        logger.critical(
            "the audit blob stopped: \(message)",
            metadata: ["blob": "\(config.blobName(index))", "container": "\(config.container)", "sent": "\(sent)"])
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.continuation.resume(throwing: AuditBlobError(message)) }
    }
}

/// Why sending stopped.
enum SendStop: Error {
    /// The sink is stopping: nothing is lost, the blob says where to go on.
    case cancelled
    /// An alarm was raised: sending stopped for good.
    case halted
    /// A failure that does not go away by itself soon (at start-up: thrown from `open`).
    case failed(AuditBlobError)
}
