import Synchronization

/// Who hears what changed: an incident (a step stored, a deadline fired, an effect's delivery
/// moved), from which the Teams cards redraw; and the audit chain, which the audit blob follows.
/// Handlers run on the caller's task and must not block.
final class ChangeFeed: Sendable {
    private let incidents = Mutex<[@Sendable (String) -> Void]>([])
    private let audit = Mutex<[@Sendable () -> Void]>([])

    func subscribe(_ handler: @escaping @Sendable (String) -> Void) {
        incidents.withLock { $0.append(handler) }
    }

    func subscribeToAudit(_ handler: @escaping @Sendable () -> Void) {
        audit.withLock { $0.append(handler) }
    }

    func changed(_ incident: String) {
        for handler in incidents.withLock({ $0 }) { handler(incident) }
    }

    /// Audit lines were committed.
    func appended() {
        for handler in audit.withLock({ $0 }) { handler() }
    }
}
