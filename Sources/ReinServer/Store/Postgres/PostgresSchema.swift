import Logging
import PostgresNIO

/// The shared store's schema, as numbered migrations with the same names as the embedded
/// store's (and one of its own, `6-commit-function`): a database is brought up to date when a
/// replica starts, one replica at a time (under an advisory lock), each migration in its own
/// transaction. A migration, once released, never changes; a database migrated by a newer Rein
/// is refused.
enum PostgresSchema {
    /// The advisory lock held while migrating.
    static let migrationLock: Int64 = 0x5245_494E_0001

    static let migrations: [(name: String, statements: [String])] = [
        (
            "1-sessions",
            [
                "CREATE TABLE bundle (digest TEXT PRIMARY KEY, files TEXT NOT NULL)",
                """
                CREATE TABLE incident (
                    id TEXT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, runbook TEXT NOT NULL,
                    bundle TEXT NOT NULL REFERENCES bundle(digest), opened TEXT NOT NULL, owner TEXT NOT NULL, context TEXT,
                    alert TEXT NOT NULL, request TEXT NOT NULL, fired_deadline TEXT)
                """,
                """
                CREATE TABLE event (
                    incident TEXT NOT NULL REFERENCES incident(id), idx INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (incident, idx))
                """,
                """
                CREATE TABLE effect (
                    position BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, incident TEXT NOT NULL REFERENCES incident(id), type TEXT NOT NULL,
                    body TEXT NOT NULL, delivery TEXT NOT NULL)
                """,
                "CREATE TABLE audit (seq BIGINT PRIMARY KEY, line TEXT NOT NULL, hash TEXT NOT NULL)",
            ]
        ),
        (
            "2-delivery",
            [
                """
                ALTER TABLE effect ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0, ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0,
                    ADD COLUMN created BIGINT NOT NULL DEFAULT 0, ADD COLUMN waits_for TEXT, ADD COLUMN error TEXT
                """,
                "CREATE INDEX effect_pending ON effect(incident, position) WHERE delivery = 'pending'",
            ]
        ),
        (
            "3-handoff",
            [
                """
                CREATE TABLE handoff (
                    incident TEXT PRIMARY KEY REFERENCES incident(id), body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                    not_before BIGINT NOT NULL DEFAULT 0, error TEXT, delivered BOOLEAN NOT NULL DEFAULT false)
                """,
                "CREATE INDEX handoff_pending ON handoff(incident) WHERE NOT delivered",
            ]
        ),
        (
            "4-teams-cards",
            [
                """
                CREATE TABLE teams_card (
                    position BIGSERIAL UNIQUE, effect TEXT PRIMARY KEY, incident TEXT NOT NULL REFERENCES incident(id),
                    digest TEXT NOT NULL, service_url TEXT NOT NULL, conversation TEXT NOT NULL, activity TEXT NOT NULL,
                    card TEXT NOT NULL, shown TEXT NOT NULL)
                """
            ]
        ),
        // Versions and revisions (a step is stored only onto the version it was made from), the
        // pending deadline every replica watches, and the leases under which a replica delivers.
        (
            "5-versions",
            [
                """
                ALTER TABLE incident ADD COLUMN version BIGINT NOT NULL DEFAULT 0, ADD COLUMN revision BIGINT NOT NULL DEFAULT 0,
                    ADD COLUMN deadline BIGINT
                """,
                """
                UPDATE incident SET version = (SELECT count(*) FROM event WHERE event.incident = incident.id)
                    + (CASE WHEN fired_deadline IS NULL THEN 0 ELSE 1 END)
                """,
                "UPDATE incident SET revision = version",
                "CREATE INDEX incident_deadline ON incident(deadline) WHERE deadline IS NOT NULL",
                "ALTER TABLE effect ADD COLUMN lease_owner TEXT, ADD COLUMN lease_until BIGINT",
                "CREATE INDEX effect_incident ON effect(incident)",
                // Where an incident opened in a batch stands until the chain's lock gives it its place.
                "CREATE SEQUENCE incident_provisional",
                // The chain's head, one row: locking it orders the appends of every replica.
                "CREATE TABLE audit_head (one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one), seq BIGINT NOT NULL, hash TEXT NOT NULL)",
                """
                INSERT INTO audit_head (seq, hash)
                SELECT coalesce(max(seq), -1), coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), repeat('0', 64)) FROM audit
                """,
                "ALTER TABLE handoff ADD COLUMN lease_owner TEXT, ADD COLUMN lease_until BIGINT",
            ]
        ),
        // The shared store's own: a whole group commit in one statement (PostgresCommitFunction.swift).
        ("6-commit-function", [commitFunction]),
    ]

    /// Brings the database up to date (up to and including `last`, when given: tests start from
    /// an earlier schema).
    static func migrate(_ client: PostgresClient, schema: String?, upTo last: String? = nil, logger: Logger) async throws {
        try await client.withConnection { connection in
            if let schema {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await migrate(connection, upTo: last, logger: logger)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
        }
    }

    private static func migrate(_ connection: PostgresConnection, upTo last: String?, logger: Logger) async throws {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS rein_migration (name TEXT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())", logger: logger)
        var applied: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM rein_migration", logger: logger).decode(String.self) {
            applied.insert(name)
        }
        let known = Set(migrations.map(\.name))
        if let unknown = applied.subtracting(known).sorted().first {
            throw StoreError.corrupt("the database was migrated by a newer Rein (migration `\(unknown)`); run that version or newer")
        }
        for migration in migrations {
            if !applied.contains(migration.name) {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO rein_migration (name) VALUES (\(migration.name))", logger: logger)
                }
            }
            if migration.name == last { return }
        }
    }
}
