import Crypto
import Foundation
import Logging
import ReinServer
import Testing

/// The stores the tests run on. The server tests run on the embedded SQLite store, or on the
/// shared PostgreSQL store when `REIN_TEST_STORE=postgres` (`.ci/run` runs them both ways);
/// `REIN_TEST_POSTGRES` is the URL of a server to use (`Scripts/postgres.sh start` prints one).
/// Each test server gets a schema of its own, named after its folder (a restart finds it again).
enum TestStores {
    static let environment = ProcessInfo.processInfo.environment
    /// The PostgreSQL server for the tests, if one is given.
    static let postgresURL = environment["REIN_TEST_POSTGRES"]
    /// Whether the server tests run on PostgreSQL.
    static let onPostgres = environment["REIN_TEST_STORE"] == "postgres"

    /// The store kinds the conformance tests run on: SQLite, and PostgreSQL when a server is given.
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
        static var available: [Kind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    }

    /// The store of a test server whose files are in `folder`.
    static func store(folder: URL) async throws -> any SessionStore {
        guard onPostgres else { return try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path) }
        return try await postgres(schema: schema(for: folder))
    }

    /// A store of `kind` in `folder` (SQLite) or in the schema named after it (PostgreSQL),
    /// migrated up to `upTo` when given.
    static func store(_ kind: Kind, folder: URL, upTo: String? = nil) async throws -> any SessionStore {
        switch kind {
        case .sqlite: try SQLiteStore(path: folder.appendingPathComponent("rein.sqlite").path, upTo: upTo)
        case .postgres: try await postgres(schema: schema(for: folder), upTo: upTo)
        }
    }

    static func postgres(schema: String, upTo: String? = nil) async throws -> PostgresStore {
        guard let url = postgresURL else { throw TestStoreError.noPostgres }
        var location = try PostgresLocation.parse(url, environment: environment).get()
        location.schema = schema
        return try await PostgresStore.connect(location, logger: Logger(label: "rein-test"), upTo: upTo)
    }

    /// A schema name for a folder: `t_` and 20 hex digits of its path's SHA-256.
    static func schema(for folder: URL) -> String {
        "t_" + SHA256.hash(data: Array(folder.standardizedFileURL.path.utf8)).prefix(10).map { String(format: "%02x", $0) }.joined()
    }

    /// Closes a store that holds connections.
    static func close(_ store: any SessionStore) async {
        await (store as? PostgresStore)?.close()
    }
}

enum TestStoreError: Error {
    case noPostgres
}
