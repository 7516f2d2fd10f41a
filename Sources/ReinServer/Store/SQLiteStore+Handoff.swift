import Foundation
import GRDB
import ReinAdapters

extension SQLiteStore {
    public func pendingHandoffs() async throws -> [PendingHandoff] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT incident, body, attempts, not_before FROM handoff WHERE delivered = 0 ORDER BY rowid").map { row in
                let body: Data = row["body"]
                let notBefore: Int64 = row["not_before"]
                return PendingHandoff(
                    incident: row["incident"], body: Array(body), attempts: row["attempts"], notBefore: Timestamp(epochMilliseconds: notBefore))
            }
        }
    }

    public func settleHandoff(_ incident: String, retry: (attempts: Int, notBefore: Timestamp, error: String)?) async throws {
        try await pool.write { db in
            if let retry {
                try db.execute(
                    sql: "UPDATE handoff SET attempts = ?, not_before = ?, error = ? WHERE incident = ? AND delivered = 0",
                    arguments: [retry.attempts, retry.notBefore.epochMilliseconds, retry.error, incident])
            } else {
                try db.execute(sql: "UPDATE handoff SET delivered = 1, error = NULL WHERE incident = ?", arguments: [incident])
            }
        }
    }
}
