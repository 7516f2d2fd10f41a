import Logging
import PostgresNIO

extension PostgresStore {
    /// The lock of the replica that appends the audit chain to the audit blob.
    public static let auditBlobLock: Int64 = 0x5245_494E_0003

    /// Runs `work` at one replica at a time: while this replica holds the session lock `key`, on
    /// a connection of its own. Tries to take it every two seconds; checks every two seconds that
    /// the connection holding it is alive, and cancels `work` when it is not (the lock is gone
    /// with it: another replica may take over). Cancel the task to stop.
    public func whileLeading(_ key: Int64, name: String, _ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let client = self.client
        let logger = self.logger
        return Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        guard try await Self.take(key, connection, logger: logger) else { return }
                        logger.info("this replica leads", metadata: ["what": "\(name)"])
                        let ended: Result<Void, any Error>
                        do {
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                group.addTask { await work() }
                                group.addTask {
                                    while !Task.isCancelled {
                                        try await Task.sleep(for: .seconds(2))
                                        try await connection.query("SELECT 1", logger: logger)
                                    }
                                }
                                defer { group.cancelAll() }
                                try await group.next()
                            }
                            ended = .success(())
                        } catch {
                            ended = .failure(error)
                        }
                        // Let go however it ended, cancelled too: the connection goes back to
                        // the pool, which must not keep the lock.
                        await Task.detached {
                            _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                        }.value
                        try ended.get()
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("the lead was lost; trying again", metadata: ["what": "\(name)", "why": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    /// Waits until this connection holds the session lock `key` (false when cancelled first).
    private static func take(_ key: Int64, _ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        while !Task.isCancelled {
            for try await held in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self) where held {
                return true
            }
            try await Task.sleep(for: .seconds(2))
        }
        return false
    }
}
