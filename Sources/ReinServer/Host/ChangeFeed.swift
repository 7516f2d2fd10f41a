import Synchronization

/// Who hears what changed: an incident (a step stored, a deadline fired, an effect's delivery
/// moved), from which the Teams cards redraw; the audit chain, which the audit blob follows; and,
/// replicas sharing a store, the cards another replica posted to Teams.
/// Handlers run on the caller's task and must not block.
final class ChangeFeed: Sendable {
    private let incidents = Mutex<[@Sendable (String) -> Void]>([])
    private let audit = Mutex<[@Sendable () -> Void]>([])
    private let cards = Mutex<[@Sendable (String) -> Void]>([])

    func subscribe(_ handler: @escaping @Sendable (String) -> Void) {
        incidents.withLock { $0.append(handler) }
    }

    func subscribeToAudit(_ handler: @escaping @Sendable () -> Void) {
        audit.withLock { $0.append(handler) }
    }

    func subscribeToCards(_ handler: @escaping @Sendable (String) -> Void) {
        cards.withLock { $0.append(handler) }
    }

    /// Another replica posted a card to Teams for effect `effect`.
    func cardPosted(_ effect: String) {
        for handler in cards.withLock({ $0 }) { handler(effect) }
    }

    func changed(_ incident: String) {
        for handler in incidents.withLock({ $0 }) { handler(incident) }
    }

    /// Audit lines were committed.
    func appended() {
        for handler in audit.withLock({ $0 }) { handler() }
    }
}
