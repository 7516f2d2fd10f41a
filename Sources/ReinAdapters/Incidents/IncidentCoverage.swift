import ReinEngine

/// What the recorded incidents exercised (`rein test --coverage`): the tools and queries they
/// proposed, the runbooks they ran, and the rules evaluated for their proposals (matched or
/// not, read from the decisions' traces).
public struct IncidentCoverage: Sendable {
    public private(set) var tools = Set<String>()
    public private(set) var runbooks = Set<String>()
    /// Rules by location (`path:line:col`).
    public private(set) var rules = Set<String>()

    public init() {}

    /// Adds a replay made with `explain` (its decisions carry their traces).
    public mutating func add(_ result: ReplayResult) {
        runbooks.insert(result.runbook)
        for step in result.steps {
            if case .propose(_, let action) = step.event { tools.insert(action.tool) }
            for entry in step.report.decision?.trace ?? [] where entry.check.hasPrefix("rule `") {
                guard let at = entry.at, !entry.result.hasPrefix("not applicable") else { continue }
                rules.insert(at)
            }
        }
    }

    /// The report: per kind, covered of declared and what was not exercised; and the share of
    /// everything covered, in percent (100 for an empty bundle).
    public func report(_ policy: CompiledPolicy) -> (text: String, percent: Double) {
        let items = policy.coverageItems
        var lines: [String] = []
        var covered = 0, total = 0
        func kind(_ name: String, _ all: [String], _ seen: (String) -> Bool, _ label: (String) -> String = { $0 }) {
            let missing = all.filter { !seen($0) }
            covered += all.count - missing.count
            total += all.count
            let percent = all.isEmpty ? 100 : Int((Double(all.count - missing.count) / Double(all.count) * 100).rounded())
            lines.append("  \(name): \(all.count - missing.count) of \(all.count) (\(percent)%)")
            for item in missing { lines.append("    not exercised: \(label(item))") }
        }
        kind("tools", items.tools) { tools.contains($0) }
        kind("queries", items.queries) { tools.contains($0) }
        kind("runbooks", items.runbooks) { runbooks.contains($0) }
        let summaries = Dictionary(items.rules.map { ($0.at, $0.summary) }, uniquingKeysWith: { first, _ in first })
        kind("rules", items.rules.map(\.at), { rules.contains($0) }) { "\($0) \(summaries[$0] ?? "")" }
        let percent = total == 0 ? 100 : Double(covered) / Double(total) * 100
        let tenths = Int((percent * 10).rounded())
        let head = "coverage: \(covered) of \(total) (\(tenths / 10).\(tenths % 10)%)"
        return (([head] + lines).joined(separator: "\n") + "\n", percent)
    }
}
