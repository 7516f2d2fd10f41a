@testable import ReinServer
import Testing

/// `--database` and `database:`: a `postgres://` URL read strictly, the password from the URL or
/// `PGPASSWORD`, and every mistake named.
@Suite("the PostgreSQL URL")
struct PostgresLocationTests {
    @Test func aFullURLIsRead() throws {
        let location = try PostgresLocation.parse("postgresql://rein:p%40ss@db.internal:6432/rein?sslmode=require&schema=ops", environment: [:]).get()
        #expect(location == PostgresLocation(host: "db.internal", port: 6432, user: "rein", password: "p@ss", database: "rein", sslMode: "require", schema: "ops"))
        #expect(location.redacted == "postgres://rein@db.internal:6432/rein?schema=ops")
    }

    @Test func thePasswordComesFromPGPASSWORDAndTheRestHasDefaults() throws {
        let location = try PostgresLocation.parse("postgres://rein@[::1]/rein", environment: ["PGPASSWORD": "secret"]).get()
        #expect(location == PostgresLocation(host: "::1", port: 5432, user: "rein", password: "secret", database: "rein", sslMode: "prefer", schema: nil))
        #expect(!location.redacted.contains("secret"))
    }

    @Test(arguments: [
        ("mysql://rein@db/rein", "`mysql://rein@db/rein` is not a postgres:// URL"),
        ("postgres://rein@db", "the URL names no database (`…/DATABASE`)"),
        ("postgres://db/rein", "the URL names no user (`USER@HOST`)"),
        ("postgres://rein@db:99999/rein", "the port in `db:99999` is not a number from 1 to 65535"),
        ("postgres://rein@/rein", "the URL names no host"),
        ("postgres://rein@db/rein?sslmode=always", "`sslmode` must be disable, prefer, require or verify-full, not `always`"),
        ("postgres://rein@db/rein?schema=1x", "`schema` must be a name of letters, digits and `_` (not starting with a digit), not `1x`"),
        ("postgres://rein@db/rein?application_name=x", "unknown URL parameter `application_name` (Rein reads `sslmode` and `schema`)"),
        ("postgres://rein@db/re%zzin", "the URL names no database (`…/DATABASE`)"),
    ])
    func mistakesAreNamed(_ url: String, _ message: String) {
        #expect(throws: PostgresLocationError(message)) { try PostgresLocation.parse(url, environment: [:]).get() }
    }

    @Test func theConfigurationTakesDatabaseInsteadOfData() throws {
        let config = try ServeConfigTests.read("database: postgres://rein@db/rein\n").get()
        #expect(config.database == "postgres://rein@db/rein")
        #expect(
            ServeConfigTests.messages("data: .rein\ndatabase: postgres://rein@db/rein\n") == [
                "rein-serve.yaml:2: `data` and `database` exclude each other: one store, the SQLite folder or the PostgreSQL URL"
            ])
        #expect(ServeConfigTests.messages("database: mysql://x@y/z\n") == ["rein-serve.yaml:1: `database`: `mysql://x@y/z` is not a postgres:// URL"])
    }
}
