import Logging

/// What every incident's actor works with: where steps are stored, the clock, the audit file
/// (when kept), the metrics, the log, and the effect dispatcher's doorbell.
struct HostServices: Sendable {
    let store: any SessionStore
    let clock: any HostClock
    let auditFile: AuditFileSink?
    let metrics: ServerMetrics
    let logger: Logger
    /// Rung when effects wait for delivery.
    let doorbell: Doorbell
    /// Told when an incident changes.
    let changes = ChangeFeed()
    /// The store again when replicas share it: what the host keeps may be behind it.
    var shared: (any SharedStore)? { store as? any SharedStore }

    /// Stores a step and passes on what it wrote: the audit lines to the file, the decision,
    /// effects and timeout to the metrics. Throws only when the store fails.
    func commit(_ commit: StepCommit, decision: String?, took: Duration?) async throws -> Int64 {
        let stored = try await store.commit(commit)
        let lines = stored.lines
        var metadata: Logger.Metadata = ["incident": "\(commit.incident)"]
        if let (index, _) = commit.event { metadata["step"] = "\(index)" }
        if let decision { metadata["decision"] = "\(decision)" }
        if let fired = commit.firedDeadline { metadata["timeout"] = "\(fired.rfc3339)" }
        logger.info("step", metadata: metadata)
        // The store has it; the file catches up at the latest at the next start.
        try? await auditFile?.append(lines)
        if !lines.isEmpty { changes.appended() }
        if let decision {
            metrics.decisions(decision).increment()
            if let took { metrics.decisionSeconds.record(took) }
        }
        for effect in commit.effects { metrics.effects(type: effect.type, delivery: effect.delivery).increment() }
        let pending = commit.effects.filter { $0.delivery == "pending" }
        if !pending.isEmpty { doorbell.ring(pending) }
        if commit.firedDeadline != nil { metrics.timeouts.increment() }
        return stored.revision
    }
}
