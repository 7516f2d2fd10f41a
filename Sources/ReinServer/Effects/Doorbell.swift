import Synchronization

/// Tells the effect dispatcher to look again, with the effects stored since it last looked (a
/// step's commit), or none (an acknowledgement, a retry that is due). Rings that come while it
/// looks are folded into one.
final class Doorbell: Sendable {
    let rings: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let arrivals = Mutex<[OutboxEffect]>([])

    init() {
        (rings, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Rings, handing over `effects` newly stored for delivery.
    func ring(_ effects: [OutboxEffect] = []) {
        if !effects.isEmpty { arrivals.withLock { $0 += effects } }
        continuation.yield()
    }

    /// The effects handed over since the last call, in the order they were stored.
    func takeArrivals() -> [OutboxEffect] {
        arrivals.withLock { arrivals in
            defer { arrivals = [] }
            return arrivals
        }
    }

    /// No more rings (shutdown).
    func close() { continuation.finish() }
}
