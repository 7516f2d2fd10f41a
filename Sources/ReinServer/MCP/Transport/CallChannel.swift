import ReinAdapters
import Synchronization

/// What a `tools/call` sends while it runs. A call answered at once is answered as one JSON
/// object; a call that holds for an approval switches to an SSE stream, where progress
/// notifications (when the client gave a `progressToken`) and keep-alive comments come before
/// the response. A cancelled call (the stream closed, or `notifications/cancelled`) sends
/// nothing more.
final class CallChannel: Sendable {
    /// One item of the stream.
    enum Item: Sendable {
        case message(JSONValue)
        case keepAlive
    }

    /// How the call began answering.
    enum Start: Sendable {
        /// It finished without holding: the status and the response.
        case answered(status: Int, JSONValue)
        /// It holds: the rest comes on the stream.
        case holding
    }

    let progressToken: JSONValue?
    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let state = Mutex<State>(State())
    private let progressCount = Atomic<Int64>(0)

    private struct State {
        var holding = false
        var cancelled = false
        var answered: Start?
        var waiter: CheckedContinuation<Start, Never>?
    }

    init(progressToken: JSONValue?) {
        self.progressToken = progressToken
        (items, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Waits until the call either answers or starts holding.
    func start() async -> Start {
        await withCheckedContinuation { waiter in
            let ready = state.withLock { state -> Start? in
                if let answered = state.answered { return answered }
                if state.holding { return .holding }
                state.waiter = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }

    /// The call holds: from now on it answers on the stream.
    func hold() {
        let waiter = state.withLock { state -> CheckedContinuation<Start, Never>? in
            guard !state.holding else { return nil }
            state.holding = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .holding)
    }

    /// A progress notification, when the client asked for them (`progressToken`).
    func progress(_ message: String) {
        guard let progressToken, state.withLock({ $0.holding && !$0.cancelled }) else { return }
        let count = progressCount.add(1, ordering: .relaxed).newValue
        continuation.yield(
            .message(
                .object(
                    JSONObject(entries: [
                        ("jsonrpc", .string("2.0")), ("method", .string("notifications/progress")),
                        ("params", .object(JSONObject(entries: [("progressToken", progressToken), ("progress", .integer(count)), ("message", .string(message))]))),
                    ]))))
    }

    func keepAlive() { continuation.yield(.keepAlive) }

    /// The call's response (or error) and its HTTP status.
    func finish(status: Int, _ response: JSONValue) {
        let (waiter, holding, cancelled) = state.withLock { state -> (CheckedContinuation<Start, Never>?, Bool, Bool) in
            if !state.holding { state.answered = .answered(status: status, response) }
            defer { state.waiter = nil }
            return (state.waiter, state.holding, state.cancelled)
        }
        if holding {
            if !cancelled { continuation.yield(.message(response)) }
            continuation.finish()
        } else {
            waiter?.resume(returning: .answered(status: status, response))
        }
    }

    /// The client went away or cancelled: nothing more is sent.
    func cancel() {
        state.withLock { $0.cancelled = true }
        continuation.finish()
    }
}
