extension PostgresSchema {
    /// `rein_commit(writes, entry_writes, ats, incidents, types, data, channel)`: a replica's
    /// whole group commit in one statement (run in an explicit transaction, whose `COMMIT`
    /// answers only once it is durable), so that the chain's lock is held from the end of this
    /// statement to the commit: one round trip of the replica's, not one per write.
    ///
    /// `writes` is a JSON array of writes, in the order their rows are locked:
    /// - `{"kind":"open","id","runbook","bundle","opened","owner","context","alert","request","handoff","notice"}`:
    ///   the incident inserted at a provisional place unless it exists (an opening of the same id
    ///   in another transaction is waited for); outcome `created`, or `exists` with the stored
    ///   request and owner;
    /// - `{"kind":"step","incident","version","deadline","fired","index","event","effects":[{"id","type","body","delivery","created","waits"}],"notice"}`:
    ///   stored only onto `version`; outcome `stored` with the new revision, or `conflict`;
    /// - `{"kind":"delivery","id","delivery","error","from":[…],"notice"}` and
    ///   `{"kind":"deferral","id","attempts","not_before","error","notice"}`: an effect's record
    ///   changed when it is in a state to, and its incident's revision moved on; outcome `moved`
    ///   with the new revision (none when nothing changed).
    ///
    /// Audit entry `j` (its parts already canonical JSON) belongs to write `entry_writes[j]`
    /// (1-based; 0 for none): it is linked when that write was created or stored. When there is
    /// something to link or a place to give, the chain's head is locked (last: rows are locked
    /// in the writes' order, the head after them), the incidents opened get their places after
    /// the last one, and the entries are linked exactly as `AuditChain` links them — the hash is
    /// the SHA-256 of the entry's canonical form with keys at, data, incident, prev, seq, type;
    /// the line has them in the order seq, at, incident, type, data, prev, hash. Each line comes
    /// back as outcome `line` of its write. Then `channel` is notified of each distinct `notice`
    /// of the writes that changed something.
    static let commitFunction = """
        CREATE FUNCTION rein_commit(writes jsonb, entry_writes integer[], ats text[], incidents text[], types text[], data text[], channel text)
        RETURNS TABLE (o_write integer, o_outcome text, o_revision bigint, o_request text, o_owner text, o_seq bigint, o_line text)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_write jsonb;
            v_k integer;
            v_j integer;
            v_id text;
            v_incident text;
            v_revision bigint;
            v_linked integer[] := '{}';
            v_notices text[] := '{}';
            v_opened text[] := '{}';
            v_take integer[];
            v_last bigint;
            v_prev text;
            v_hash text;
            v_line text;
            v_seqs bigint[] := '{}';
            v_lines text[] := '{}';
            v_hashes text[] := '{}';
        BEGIN
            FOR v_write, v_k IN SELECT x.value, x.n FROM jsonb_array_elements(writes) WITH ORDINALITY AS x(value, n) ORDER BY x.n LOOP
                o_write := v_k;
                o_outcome := NULL; o_revision := NULL; o_request := NULL; o_owner := NULL; o_seq := NULL; o_line := NULL;
                CASE v_write->>'kind'
                WHEN 'open' THEN
                    v_id := NULL;
                    INSERT INTO incident (id, position, runbook, bundle, opened, owner, context, alert, request)
                    VALUES (v_write->>'id', -nextval('incident_provisional'), v_write->>'runbook', v_write->>'bundle', v_write->>'opened',
                        v_write->>'owner', v_write->>'context', v_write->>'alert', v_write->>'request')
                    ON CONFLICT (id) DO NOTHING RETURNING id INTO v_id;
                    IF v_id IS NOT NULL THEN
                        IF v_write->>'handoff' IS NOT NULL THEN
                            INSERT INTO handoff (incident, body) VALUES (v_id, v_write->>'handoff');
                        END IF;
                        v_linked := v_linked || v_k;
                        v_notices := v_notices || (v_write->>'notice');
                        v_opened := v_opened || v_id;
                        o_outcome := 'created';
                    ELSE
                        SELECT i.request, i.owner INTO o_request, o_owner FROM incident i WHERE i.id = v_write->>'id';
                        IF NOT FOUND THEN
                            RAISE EXCEPTION 'incident `%` could not be opened, nor found', v_write->>'id';
                        END IF;
                        o_outcome := 'exists';
                    END IF;
                WHEN 'step' THEN
                    v_revision := NULL;
                    UPDATE incident SET version = version + 1, revision = revision + 1, deadline = (v_write->>'deadline')::bigint,
                        fired_deadline = coalesce(v_write->>'fired', fired_deadline)
                    WHERE id = v_write->>'incident' AND version = (v_write->>'version')::bigint RETURNING revision INTO v_revision;
                    IF v_revision IS NULL THEN
                        o_outcome := 'conflict';
                    ELSE
                        IF v_write->>'index' IS NOT NULL THEN
                            INSERT INTO event (incident, idx, body)
                            VALUES (v_write->>'incident', (v_write->>'index')::integer, v_write->>'event');
                        END IF;
                        INSERT INTO effect (id, incident, type, body, delivery, created, waits_for)
                        SELECT e.value->>'id', v_write->>'incident', e.value->>'type', e.value->>'body', e.value->>'delivery',
                            (e.value->>'created')::bigint, e.value->>'waits'
                        FROM jsonb_array_elements(v_write->'effects') WITH ORDINALITY AS e(value, n) ORDER BY e.n
                        ON CONFLICT (id) DO NOTHING;
                        v_linked := v_linked || v_k;
                        v_notices := v_notices || (v_write->>'notice');
                        o_outcome := 'stored';
                        o_revision := v_revision;
                    END IF;
                WHEN 'delivery', 'deferral' THEN
                    v_incident := NULL;
                    IF v_write->>'kind' = 'delivery' THEN
                        UPDATE effect SET delivery = v_write->>'delivery', error = v_write->>'error', lease_owner = NULL, lease_until = NULL
                        WHERE id = v_write->>'id' AND delivery IN (SELECT jsonb_array_elements_text(v_write->'from'))
                        RETURNING incident INTO v_incident;
                    ELSE
                        UPDATE effect SET attempts = (v_write->>'attempts')::integer, not_before = (v_write->>'not_before')::bigint,
                            error = v_write->>'error'
                        WHERE id = v_write->>'id' AND delivery = 'pending' RETURNING incident INTO v_incident;
                    END IF;
                    IF v_incident IS NOT NULL THEN
                        UPDATE incident SET revision = revision + 1 WHERE id = v_incident RETURNING revision INTO o_revision;
                        v_notices := v_notices || (v_write->>'notice');
                    END IF;
                    o_outcome := 'moved';
                ELSE
                    RAISE EXCEPTION 'unknown write `%`', v_write->>'kind';
                END CASE;
                RETURN NEXT;
            END LOOP;
            SELECT coalesce(array_agg(j ORDER BY j), '{}') INTO v_take FROM generate_subscripts(ats, 1) AS j
            WHERE entry_writes[j] = 0 OR entry_writes[j] = ANY(v_linked);
            IF cardinality(v_take) > 0 OR cardinality(v_opened) > 0 THEN
                SELECT h.seq, h.hash INTO v_last, v_prev FROM audit_head h FOR UPDATE;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'the audit chain''s head is missing';
                END IF;
                IF cardinality(v_opened) > 0 THEN
                    UPDATE incident SET position = placed.position
                    FROM (SELECT o.id, (SELECT coalesce(max(i.position), 0) FROM incident i WHERE i.position > 0) + o.n AS position
                          FROM unnest(v_opened) WITH ORDINALITY AS o(id, n)) AS placed
                    WHERE incident.id = placed.id;
                END IF;
                FOREACH v_j IN ARRAY v_take LOOP
                    v_last := v_last + 1;
                    v_hash := encode(sha256(convert_to('{"at":' || ats[v_j] || ',"data":' || data[v_j] || ',"incident":' || incidents[v_j]
                        || ',"prev":"' || v_prev || '","seq":' || v_last || ',"type":' || types[v_j] || '}', 'UTF8')), 'hex');
                    v_line := '{"seq":' || v_last || ',"at":' || ats[v_j] || ',"incident":' || incidents[v_j] || ',"type":' || types[v_j]
                        || ',"data":' || data[v_j] || ',"prev":"' || v_prev || '","hash":"' || v_hash || '"}';
                    v_seqs := v_seqs || v_last;
                    v_lines := v_lines || v_line;
                    v_hashes := v_hashes || v_hash;
                    v_prev := v_hash;
                    o_write := entry_writes[v_j];
                    o_outcome := 'line'; o_revision := NULL; o_request := NULL; o_owner := NULL; o_seq := v_last; o_line := v_line;
                    RETURN NEXT;
                END LOOP;
                IF cardinality(v_seqs) > 0 THEN
                    INSERT INTO audit (seq, line, hash) SELECT * FROM unnest(v_seqs, v_lines, v_hashes);
                    UPDATE audit_head SET seq = v_last, hash = v_prev;
                END IF;
            END IF;
            PERFORM pg_notify(channel, n) FROM (SELECT DISTINCT unnest(v_notices) AS n) AS notices ORDER BY n;
        END
        $$
        """
}
