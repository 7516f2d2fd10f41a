import ReinTestSupport

/// The property tests' generator: SplitMix64 (one seed replays one run exactly; no
/// `SystemRandomNumberGenerator` anywhere).
typealias PropRandom = SplitMix64

extension SplitMix64 {
    /// A uniform integer in `range` (inclusive), without modulo bias worth caring about here.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next() % width)
    }

    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if width == 0 { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next() % width)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < p
    }

    /// `count` distinct items of `items`, in a random order.
    mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
        var pool = items
        var out: [T] = []
        for _ in 0..<min(count, pool.count) {
            out.append(pool.remove(at: int(0...(pool.count - 1))))
        }
        return out
    }

    mutating func shuffled<T>(_ items: [T]) -> [T] { sample(items, items.count) }
}
