/// A load's counters, summed over the workers that produced it.
protocol Tally: Sendable {
    init()
    mutating func add(_ other: Self)
}

/// Runs `count` workers concurrently until `seconds` have passed (each worker loops on its own
/// and checks the deadline it is given); their tallies summed, and the seconds it took.
func runWorkers<Load: Tally>(
    _ count: Int, seconds: Double, _ worker: @escaping @Sendable (_ index: Int, _ deadline: ContinuousClock.Instant) async throws -> Load
) async throws -> (load: Load, elapsed: Double) {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    let started = ContinuousClock.now
    var total = Load()
    try await withThrowingTaskGroup(of: Load.self) { group in
        for index in 0..<count {
            group.addTask { try await worker(index, deadline) }
        }
        for try await load in group { total.add(load) }
    }
    let elapsed = ContinuousClock.now - started
    return (total, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
