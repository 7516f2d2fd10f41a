import Logging
import PostgresNIO
import Synchronization

/// Listens on one channel over a connection of its own and hands each notification's payload to
/// every subscriber. When the connection is lost it says so (an empty payload: anything may
/// have changed meanwhile) and listens again a second later.
final class PostgresListener: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<String>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(client: PostgresClient, channel: String, logger: Logger) {
        let listening = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            self?.publish("")
                            for try await notification in notifications { self?.publish(notification.payload) }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("listening for other replicas' changes failed; listening again", metadata: ["why": "\(error)"])
                }
                self?.publish("")
                try? await Task.sleep(for: .seconds(1))
            }
        }
        task.withLock { $0 = listening }
    }

    /// The payloads from now on.
    func stream() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(4096))
        let id = nextID.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        return stream
    }

    private func publish(_ payload: String) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(payload) }
    }

    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
