import ReinEngine

/// `rein test`: a replay compared with the incident's `expect:` block, key by key.
public enum IncidentTest {
    /// One difference between what was expected and what the replay gave.
    public struct Mismatch: Sendable, Hashable {
        public var key: String
        public var expected: String
        public var actual: String
    }

    /// Every key of `expectation` the replay does not meet (empty: the test passes).
    public static func compare(_ result: ReplayResult, with expectation: IncidentExpectation) -> [Mismatch] {
        var mismatches: [Mismatch] = []
        func check(_ key: String, _ expected: String?, _ actual: String) {
            if let expected, expected != actual { mismatches.append(Mismatch(key: key, expected: expected, actual: actual)) }
        }
        check("outcome", expectation.outcome?.rawValue, result.outcome.result.rawValue)
        check("reason", expectation.reason?.rawValue, result.outcome.reason.rawValue)
        let decisions = result.steps.compactMap { step -> String? in
            step.report.ignored ? nil : step.report.decision?.verdict.word
        }
        check("decisions", expectation.decisions.map(list), list(decisions))
        let pages = result.effects.compactMap { timed -> String? in
            if case .page(let priority, _) = timed.effect { return priority }
            return nil
        }
        check("paged", expectation.paged, pages.first ?? "none")
        return mismatches
    }

    private static func list(_ words: [String]) -> String { "[" + words.joined(separator: ", ") + "]" }
}
