import PostgresNIO

/// The statements replicas run all the time, prepared once per connection (parsed and planned
/// once, not at every call): what changed since a revision, the group commit, the loading of
/// incidents and the claims of effects.
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
                \(PostgresStore.movedDeliveries)
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

    /// A group commit in one call of `rein_commit` (migration `6-commit-function`): each
    /// write's outcome, then the audit lines linked, each with its write.
    struct Commit: PostgresPreparedStatement {
        static let sql = "SELECT * FROM rein_commit($1::jsonb, $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7)"
        /// The writes, as the function reads them (JSON).
        var writes: String
        var entryWrites: [Int32]
        var ats: [String]
        var incidents: [String]
        var types: [String]
        var data: [String]
        var channel: String

        func makeBindings() -> PostgresBindings {
            PostgresStatements.bindings(writes, entryWrites, ats, incidents, types, data, channel)
        }

        func decodeRow(_ row: PostgresRow) throws -> (Int32, String, Int64?, String?, String?, Int64?, String?) {
            try row.decode((Int32, String, Int64?, String?, String?, Int64?, String?).self)
        }
    }

    /// The columns of an incident as ``incidents(where:)`` selects them.
    typealias IncidentRow = (String, String, String, String, String, String?, String, String, String?, Int64, Int64, Int64, [String], String?)

    /// The incidents matching `condition` (SQL over the incident's columns), in the order they
    /// were opened, each with its events and the deliveries that moved on.
    static func incidents(where condition: String) -> String {
        """
        SELECT i.id, i.runbook, i.bundle, i.opened, i.owner, i.context, i.alert, i.request, i.fired_deadline, i.version, i.revision,
            i.position, coalesce((SELECT array_agg(e.body ORDER BY e.idx) FROM event e WHERE e.incident = i.id), '{}'::text[]),
            \(PostgresStore.movedDeliveries)
        FROM incident i WHERE \(condition) ORDER BY i.position
        """
    }

    /// One incident.
    struct Incident: PostgresPreparedStatement {
        static let sql = PostgresStatements.incidents(where: "i.id = $1")
        var id: String

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(id) }
        func decodeRow(_ row: PostgresRow) throws -> IncidentRow { try row.decode(IncidentRow.self) }
    }

    /// The incidents opened after a place, at most `limit` of them.
    struct IncidentsAfter: PostgresPreparedStatement {
        static let sql = PostgresStatements.incidents(where: "i.position > $1") + " LIMIT $2"
        var position: Int64
        var limit: Int64

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(position, limit) }
        func decodeRow(_ row: PostgresRow) throws -> IncidentRow { try row.decode(IncidentRow.self) }
    }

    /// The claim of each incident's first pending effect (of the incidents in `$6` only, when
    /// `filter` says so) whose lease is free (`$1` the owner), run out (before `$2`) or one's own
    /// and past half its time (`$3`), leased until `$4`, at most `$5`; rows another transaction
    /// holds are skipped. The claimed effects and those still leased to the owner.
    static func claim(filter: String) -> String {
        """
        WITH heads AS (
            SELECT DISTINCT ON (incident) id FROM effect WHERE delivery = 'pending' \(filter) ORDER BY incident, position),
        free AS (
            SELECT e.id FROM effect e WHERE e.id IN (SELECT id FROM heads) AND e.delivery = 'pending'
                AND (e.lease_owner IS NULL OR e.lease_until < $2 OR (e.lease_owner = $1 AND e.lease_until < $3))
            ORDER BY e.id LIMIT $5 FOR UPDATE SKIP LOCKED),
        leased AS (
            UPDATE effect SET lease_owner = $1, lease_until = $4 WHERE id IN (SELECT id FROM free) RETURNING id)
        SELECT \(PostgresStore.effectColumns) FROM effect WHERE id IN (SELECT id FROM leased)
        UNION ALL
        SELECT \(PostgresStore.effectColumns) FROM effect
        WHERE id IN (SELECT id FROM heads) AND delivery = 'pending' AND lease_owner = $1 AND lease_until >= $3
        """
    }

    /// The claim of every incident's first pending effect (``claim(filter:)``).
    struct Claim: PostgresPreparedStatement {
        static let sql = PostgresStatements.claim(filter: "")
        var owner: String
        var times: (now: Int64, half: Int64, until: Int64)
        var limit: Int64

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(owner, times.now, times.half, times.until, limit) }
        func decodeRow(_ row: PostgresRow) throws -> PostgresStore.EffectRow { try row.decode(PostgresStore.EffectRow.self) }
    }

    /// The claim of the first pending effect of some incidents (``claim(filter:)``).
    struct ClaimOf: PostgresPreparedStatement {
        static let sql = PostgresStatements.claim(filter: "AND incident = ANY($6)")
        var owner: String
        var times: (now: Int64, half: Int64, until: Int64)
        var limit: Int64
        var incidents: [String]

        func makeBindings() -> PostgresBindings { PostgresStatements.bindings(owner, times.now, times.half, times.until, limit, incidents) }
        func decodeRow(_ row: PostgresRow) throws -> PostgresStore.EffectRow { try row.decode(PostgresStore.EffectRow.self) }
    }
}
