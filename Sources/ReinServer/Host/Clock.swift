import ReinEngine
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the host's time comes from: the system's in production, a manual one in tests. The
/// interpreter never reads it; the host stamps events and fires deadlines with it.
public protocol HostClock: Sendable {
    /// The current UTC time.
    func now() -> Timestamp
    /// Returns once `now()` has reached `time`; throws `CancellationError` when cancelled.
    func sleep(until time: Timestamp) async throws
}

/// The system's real-time clock, to the millisecond.
public struct SystemClock: HostClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let millis = Int32(spec.tv_nsec / 1_000_000)
        return Timestamp(seconds: Int64(spec.tv_sec), nanoseconds: millis * 1_000_000) ?? Timestamp(seconds: Int64(spec.tv_sec))
    }

    public func sleep(until time: Timestamp) async throws {
        // Wall-clock time can jump: sleep in slices of at most a second and look again.
        while true {
            let left = time.nanoseconds(since: now())
            if left <= 0 { return }
            try await Task.sleep(for: .nanoseconds(min(left, 1_000_000_000)))
        }
    }
}

/// A clock that moves only when told (tests): sleepers wake when ``advance(to:)`` passes their time.
public final class ManualClock: HostClock {
    private struct Sleeper {
        let time: Timestamp
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(_ start: Timestamp) {
        state = Mutex(State(now: start))
    }

    public func now() -> Timestamp { state.withLock { $0.now } }

    /// Moves the clock to `time` (never back) and wakes every sleeper whose time has come.
    public func advance(to time: Timestamp) {
        let woken = state.withLock { state -> [Sleeper] in
            if time > state.now { state.now = time }
            let due = state.sleepers.filter { $0.value.time <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return Array(due.values)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// How many are sleeping (tests wait for a timer to be armed).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until time: Timestamp) async throws {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { state -> Bool in
                    if Task.isCancelled || time <= state.now { return true }
                    state.sleepers[id] = Sleeper(time: time, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}

extension Timestamp {
    /// Nanoseconds from `other` to this instant (negative when it is earlier), saturating.
    func nanoseconds(since other: Timestamp) -> Int64 {
        let (seconds, overflow) = self.seconds.subtractingReportingOverflow(other.seconds)
        if overflow { return self.seconds < other.seconds ? Int64.min : Int64.max }
        let (scaled, overflowScaled) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflowScaled { return seconds < 0 ? Int64.min : Int64.max }
        let (total, overflowTotal) = scaled.addingReportingOverflow(Int64(nanoseconds) - Int64(other.nanoseconds))
        return overflowTotal ? (seconds < 0 ? Int64.min : Int64.max) : total
    }

    /// This instant plus `milliseconds` (saturating at the representable range).
    func adding(milliseconds: Int64) -> Timestamp {
        let total = Int64(nanoseconds) + (milliseconds % 1000) * 1_000_000
        let carry = total >= 1_000_000_000 ? 1 : (total < 0 ? -1 : 0)
        let seconds = self.seconds.addingReportingOverflow(milliseconds / 1000 + Int64(carry))
        guard !seconds.overflow, let result = Timestamp(seconds: seconds.partialValue, nanoseconds: Int32(total - Int64(carry) * 1_000_000_000))
        else { return self }
        return result
    }
}

extension Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z (saturating), as the store keeps times.
    var epochMilliseconds: Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return scaled.addingReportingOverflow(Int64(nanoseconds / 1_000_000)).partialValue
    }

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
    init(epochMilliseconds milliseconds: Int64) {
        let seconds = milliseconds.dividedRoundingDown(by: 1000)
        let rest = milliseconds - seconds * 1000
        self = Timestamp(seconds: seconds, nanoseconds: Int32(rest) * 1_000_000) ?? Timestamp(seconds: seconds)
    }
}

extension Int64 {
    /// The quotient rounded towards minus infinity.
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
