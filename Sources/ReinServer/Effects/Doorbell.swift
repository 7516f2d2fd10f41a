import Synchronization

/// Tells the effect dispatcher to look again, with the effects stored since it last looked (a
/// step's commit), or none (an acknowledgement, a retry that is due). Rings that come while it
/// looks are folded into one.
final class Doorbell: Sendable {
    let rings: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let arrivals = Mutex<(stored: [OutboxEffect], settled: [String], touched: Set<String>)>(([], [], []))

    init() {
        (rings, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Rings, handing over `effects` newly stored for delivery.
    func ring(_ effects: [OutboxEffect] = []) {
        if !effects.isEmpty { arrivals.withLock { $0.stored += effects } }
        continuation.yield()
    }

    /// Rings, saying effect `id` was acknowledged before it went out (by an executor that reads
    /// incidents): it need not go out.
    func ring(settled id: String) {
        arrivals.withLock { $0.settled.append(id) }
        continuation.yield()
    }

    /// Rings, saying the effects of `incident` may have moved on (one was delivered or
    /// acknowledged at this replica): its next one may go out now.
    func ring(touching incident: String) {
        arrivals.withLock { _ = $0.touched.insert(incident) }
        continuation.yield()
    }

    /// The effects handed over since the last call, in the order they were stored, those
    /// settled, and the incidents touched.
    func takeArrivals() -> (stored: [OutboxEffect], settled: [String], touched: Set<String>) {
        arrivals.withLock { arrivals in
            defer { arrivals = ([], [], []) }
            return arrivals
        }
    }

    /// No more rings (shutdown).
    func close() { continuation.finish() }
}
