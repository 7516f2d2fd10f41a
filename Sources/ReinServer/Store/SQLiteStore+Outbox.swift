import Foundation
import GRDB
import ReinAdapters

extension SQLiteStore {
    public func pendingEffects(limit: Int) async throws -> [OutboxEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM effect WHERE delivery = 'pending' ORDER BY rowid LIMIT ?", arguments: [max(0, limit)]
            ).map(Self.entry)
        }
    }

    public func effect(id: String) async throws -> OutboxEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM effect WHERE id = ?", arguments: [id]).map(Self.entry)
        }
    }

    public func setDelivery(_ id: String, to delivery: String, from: [String], error: String?) async throws -> Int64? {
        try await queue.change(.delivery(id: id, to: delivery, from: from, error: error))
    }

    public func deferDelivery(_ id: String, attempts: Int, notBefore: Timestamp, error: String) async throws {
        _ = try await queue.change(.deferral(id: id, attempts: attempts, notBefore: notBefore, error: error))
    }

    private static func entry(_ row: Row) -> OutboxEntry {
        let body: Data = row["body"]
        let created: Int64 = row["created"]
        let notBefore: Int64 = row["not_before"]
        let effect = OutboxEffect(
            id: row["id"], incident: row["incident"], type: row["type"], body: Array(body), delivery: row["delivery"],
            created: Timestamp(epochMilliseconds: created), waitsFor: row["waits_for"])
        return OutboxEntry(
            effect: effect, delivery: row["delivery"], attempts: row["attempts"], notBefore: Timestamp(epochMilliseconds: notBefore),
            error: row["error"])
    }
}
