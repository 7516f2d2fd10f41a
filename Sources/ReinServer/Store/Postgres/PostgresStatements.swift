import PostgresNIO

/// The statements every step runs, prepared once per connection (parsed and planned once, not
/// at every call): what changed since a revision, the step itself, the chain's head and the
/// append, and the records of effects' deliveries.
enum PostgresStatements {
    /// Bindings of `values` in order, nil as NULL.
    static func bindings(_ values: (any PostgresDynamicTypeEncodable)?...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }

    /// What changed of an incident since a revision: version, revision, the fired deadline, the
    /// events from an index on, and the moved deliveries as JSON (`[[id, delivery, error], …]`);
    /// no row when nothing changed.
    struct Changes: PostgresPreparedStatement {
        static let sql = """
            SELECT i.version, i.revision, i.fired_deadline,
                coalesce((SELECT array_agg(e.body ORDER BY e.idx) FROM event e WHERE e.incident = i.id AND e.idx >= $3), '{}'::text[]),
                (SELECT json_agg(json_build_array(f.id, f.delivery, f.error))::text FROM effect f
                 WHERE f.incident = i.id AND (f.delivery NOT IN ('pending', 'agent') OR f.error IS NOT NULL))
            FROM incident i WHERE i.id = $1 AND i.revision <> $2
            """
        var incident: String
        var revision: Int64
        var fromEvent: Int32

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(incident, revision, fromEvent) }

        func decodeRow(_ row: PostgresRow) throws -> (Int64, Int64, String?, [String], String?) {
            try row.decode((Int64, Int64, String?, [String], String?).self)
        }
    }

    /// A step, stored only onto the version it was made from: the incident's new revision, no
    /// row when it has moved on (nothing is stored then).
    struct Step: PostgresPreparedStatement {
        static let sql = """
            WITH moved AS (
                UPDATE incident SET version = version + 1, revision = revision + 1, deadline = $2::bigint,
                    fired_deadline = coalesce($3::text, fired_deadline)
                WHERE id = $1 AND version = $4 RETURNING revision),
            event AS (
                INSERT INTO event (incident, idx, body) SELECT $1, $5::integer, $6::text FROM moved WHERE $5::integer IS NOT NULL),
            effects AS (
                INSERT INTO effect (id, incident, type, body, delivery, created, waits_for)
                SELECT e.id, $1, e.type, e.body, e.delivery, e.created, nullif(e.waits, '')
                FROM moved, unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[])
                    AS e(id, type, body, delivery, created, waits)
                ON CONFLICT (id) DO NOTHING)
            SELECT revision FROM moved
            """
        var incident: String
        var deadline: Int64?
        var fired: String?
        var version: Int64
        var index: Int32?
        var event: String?
        var ids: [String]
        var types: [String]
        var bodies: [String]
        var deliveries: [String]
        var created: [Int64]
        var waits: [String]

        func makeBindings() -> PostgresBindings {
            PostgresStatements.bindings(incident, deadline, fired, version, index, event, ids, types, bodies, deliveries, created, waits)
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }

    /// The chain's head, locked until the transaction ends.
    struct LockChain: PostgresPreparedStatement {
        static let sql = "SELECT seq, hash FROM audit_head FOR UPDATE"

        func makeBindings() -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ row: PostgresRow) throws -> (Int64, String) { try row.decode((Int64, String).self) }
    }

    /// Audit lines appended, the head moved to the last of them, and the incidents notified.
    struct Append: PostgresPreparedStatement {
        static let sql = """
            WITH appended AS (INSERT INTO audit (seq, line, hash) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])),
            head AS (UPDATE audit_head SET seq = $4, hash = $5 WHERE $6)
            SELECT count(pg_notify($7, id)) FROM unnest($8::text[]) AS id
            """
        var seqs: [Int64]
        var lines: [String]
        var hashes: [String]
        var head: (seq: Int64, hash: String)
        var notifying: [String]
        var channel: String

        func makeBindings() -> PostgresBindings {
            PostgresStatements.bindings(seqs, lines, hashes, head.seq, head.hash, !lines.isEmpty, channel, notifying)
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }

    /// An effect moved to a delivery when it is in one of the given ones: its incident.
    struct Delivery: PostgresPreparedStatement {
        static let sql = """
            UPDATE effect SET delivery = $1, error = $2::text, lease_owner = NULL, lease_until = NULL
            WHERE id = $3 AND delivery = ANY($4::text[]) RETURNING incident
            """
        var delivery: String
        var error: String?
        var id: String
        var from: [String]

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(delivery, error, id, from) }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// An incident's revision moved on: the new one.
    struct Bump: PostgresPreparedStatement {
        static let sql = "UPDATE incident SET revision = revision + 1 WHERE id = $1 RETURNING revision"
        var incident: String

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(incident) }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }
}
