import PostgresNIO
import ReinAdapters

extension PostgresStore {
    static let effectColumns = "id, incident, type, body, delivery, created, waits_for, attempts, not_before, error"
    typealias EffectRow = (String, String, String, String, String, Int64, String?, Int32, Int64, String?)

    static func entry(_ row: EffectRow) -> OutboxEntry {
        let (id, incident, type, body, delivery, created, waitsFor, attempts, notBefore, error) = row
        let effect = OutboxEffect(
            id: id, incident: incident, type: type, body: Array(body.utf8), delivery: delivery, created: Timestamp(epochMilliseconds: created),
            waitsFor: waitsFor)
        return OutboxEntry(effect: effect, delivery: delivery, attempts: Int(attempts), notBefore: Timestamp(epochMilliseconds: notBefore), error: error)
    }

    func entries(_ query: PostgresQuery) async throws -> [OutboxEntry] {
        var entries: [OutboxEntry] = []
        for try await row in try await client.query(query, logger: logger).decode(EffectRow.self) { entries.append(Self.entry(row)) }
        return entries
    }

    public func pendingEffects(limit: Int) async throws -> [OutboxEntry] {
        try await entries(
            PostgresQuery(unsafeSQL: "SELECT \(Self.effectColumns) FROM effect WHERE delivery = 'pending' ORDER BY position LIMIT \(max(0, limit))"))
    }

    public func effect(id: String) async throws -> OutboxEntry? {
        var query: PostgresQuery = "SELECT * FROM effect WHERE id = \(id)"
        query.sql = "SELECT \(Self.effectColumns) FROM effect WHERE id = $1"
        return try await entries(query).first
    }

    public func setDelivery(_ id: String, to delivery: String, from: [String], error: String?) async throws -> Int64? {
        try await queue.change(.delivery(id: id, to: delivery, from: from, error: error))
    }

    public func deferDelivery(_ id: String, attempts: Int, notBefore: Timestamp, error: String) async throws {
        _ = try await queue.change(.deferral(id: id, attempts: attempts, notBefore: notBefore, error: error))
    }

    // MARK: Hand-offs

    public func pendingHandoffs() async throws -> [PendingHandoff] {
        let rows = try await client.query(
            """
            SELECT h.incident, h.body, h.attempts, h.not_before FROM handoff h JOIN incident i ON i.id = h.incident
            WHERE NOT h.delivered ORDER BY i.position
            """, logger: logger)
        var handoffs: [PendingHandoff] = []
        for try await (incident, body, attempts, notBefore) in rows.decode((String, String, Int32, Int64).self) {
            handoffs.append(PendingHandoff(incident: incident, body: Array(body.utf8), attempts: Int(attempts), notBefore: Timestamp(epochMilliseconds: notBefore)))
        }
        return handoffs
    }

    public func settleHandoff(_ incident: String, retry: (attempts: Int, notBefore: Timestamp, error: String)?) async throws {
        if let retry {
            try await client.query(
                """
                UPDATE handoff SET attempts = \(retry.attempts), not_before = \(retry.notBefore.epochMilliseconds), error = \(retry.error)
                WHERE incident = \(incident) AND NOT delivered
                """, logger: logger)
        } else {
            try await client.query("UPDATE handoff SET delivered = true, error = NULL WHERE incident = \(incident)", logger: logger)
        }
    }

    // MARK: Teams cards

    public func savePostedCard(_ card: PostedCard) async throws {
        let text = String(decoding: card.card, as: UTF8.self)
        // The other replicas hear of it, to redraw it when the incident changes at them.
        try await client.query(
            """
            WITH saved AS (
                INSERT INTO teams_card (effect, incident, digest, service_url, conversation, activity, card, shown)
                VALUES (\(card.effect), \(card.incident), \(card.digest), \(card.serviceURL), \(card.conversation), \(card.activity), \(text),
                    \(card.shown))
                ON CONFLICT (effect) DO UPDATE SET incident = excluded.incident, digest = excluded.digest, service_url = excluded.service_url,
                    conversation = excluded.conversation, activity = excluded.activity, card = excluded.card, shown = excluded.shown
                RETURNING effect)
            SELECT count(pg_notify(\(Self.channel), \(ChangeNotice.card(card.effect).payload))) FROM saved
            """, logger: logger)
    }

    public func postedCards() async throws -> [PostedCard] {
        try await cards("SELECT effect, incident, digest, service_url, conversation, activity, card, shown FROM teams_card ORDER BY position")
    }

    public func postedCard(effect: String) async throws -> PostedCard? {
        try await cards(
            "SELECT effect, incident, digest, service_url, conversation, activity, card, shown FROM teams_card WHERE effect = \(effect)"
        ).first
    }

    private func cards(_ query: PostgresQuery) async throws -> [PostedCard] {
        let rows = try await client.query(query, logger: logger)
        var cards: [PostedCard] = []
        for try await (effect, incident, digest, serviceURL, conversation, activity, card, shown) in rows.decode(
            (String, String, String, String, String, String, String, String).self)
        {
            cards.append(
                PostedCard(
                    effect: effect, incident: incident, digest: digest, serviceURL: serviceURL, conversation: conversation, activity: activity,
                    card: Array(card.utf8), shown: shown))
        }
        return cards
    }

    public func setCardShown(effect: String, shown: String) async throws {
        try await client.query("UPDATE teams_card SET shown = \(shown) WHERE effect = \(effect)", logger: logger)
    }
}
