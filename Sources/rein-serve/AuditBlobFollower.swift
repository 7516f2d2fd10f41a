import Logging
import ReinAdapters
import ReinServer
import Synchronization

/// The audit blob's sink, as `rein-serve` runs it: opened at start-up (a blob that cannot be used
/// stops the server); with replicas sharing PostgreSQL, opened only at the replica that leads
/// (one at a time, another taking over when it dies), so that one writer follows the chain.
final class AuditBlobFollower: Sendable {
    private let sink = Mutex<AuditBlobSink?>(nil)
    private let leading = Mutex<Task<Void, Never>?>(nil)

    func start(_ config: AuditBlobConfig, tokens: EntraTokens, store: any SessionStore, logger: Logger) async throws {
        guard let shared = store as? PostgresStore else {
            let opened = try await AuditBlobSink.open(config, tokens: tokens, store: store, clock: SystemClock(), logger: logger)
            sink.withLock { $0 = opened }
            return
        }
        let task = shared.whileLeading(PostgresStore.auditBlobLock, name: "audit blob") { [self] in
            do {
                let opened = try await AuditBlobSink.open(config, tokens: tokens, store: store, clock: SystemClock(), logger: logger)
                self.sink.withLock { $0 = opened }
                opened.notify()
                // Until the lead is lost or the server stops.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                self.sink.withLock { $0 = nil }
                await opened.stop()
            } catch {
                logger.error("the audit blob cannot be used; trying again in a minute", metadata: ["why": "\(error)"])
                try? await Task.sleep(for: .seconds(60))
            }
        }
        leading.withLock { $0 = task }
    }

    /// Audit lines were committed: the sink (if this replica runs it) catches up.
    func notify() {
        sink.withLock { $0 }?.notify()
    }

    func stop() async {
        if let task = leading.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        await sink.withLock { $0 }?.stop()
    }
}
