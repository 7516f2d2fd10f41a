import Foundation

/// What one fuzz input broke: each entry says which invariant failed and how. Empty when the
/// input was handled as the product promises (whatever its verdict on the input).
public struct Findings: Sendable, CustomStringConvertible {
    public private(set) var problems: [String] = []

    public init() {}

    public var isEmpty: Bool { problems.isEmpty }

    /// Records a failed invariant unless `holds`.
    mutating func expect(_ holds: Bool, _ problem: @autoclosure () -> String) {
        if !holds { problems.append(problem()) }
    }

    mutating func fail(_ problem: String) {
        problems.append(problem)
    }

    mutating func merge(_ other: Findings, prefix: String) {
        problems += other.problems.map { prefix + $0 }
    }

    public var description: String { problems.joined(separator: "\n") }

    /// For a libFuzzer entry point: a failed invariant must crash, so that libFuzzer records
    /// the input. Prints what failed to stderr, then aborts.
    public func abortIfAny() {
        guard !problems.isEmpty else { return }
        FileHandle.standardError.write(Data(("rein fuzz: invariant failed\n" + description + "\n").utf8))
        abort()
    }
}
