import Foundation
import GRDB
import ReinAdapters

extension SQLiteStore {
    public func savePostedCard(_ card: PostedCard) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO teams_card (effect, incident, digest, service_url, conversation, activity, card, shown)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [card.effect, card.incident, card.digest, card.serviceURL, card.conversation, card.activity, Data(card.card), card.shown])
        }
    }

    public func postedCards() async throws -> [PostedCard] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM teams_card ORDER BY rowid").map { row in
                let card: Data = row["card"]
                return PostedCard(
                    effect: row["effect"], incident: row["incident"], digest: row["digest"], serviceURL: row["service_url"],
                    conversation: row["conversation"], activity: row["activity"], card: Array(card), shown: row["shown"])
            }
        }
    }

    public func setCardShown(effect: String, shown: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE teams_card SET shown = ? WHERE effect = ?", arguments: [shown, effect])
        }
    }
}
