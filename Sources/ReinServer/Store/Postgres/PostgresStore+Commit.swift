import Logging
import PostgresNIO
import ReinAdapters

extension PostgresStore {
    /// Writes a batch (the openings, steps and delivery changes that arrived while the last
    /// transaction was written) in one statement, `rein_commit`, between `BEGIN` and `COMMIT`: each
    /// step stored only onto its version (a step whose incident moved on stores nothing and fails
    /// alone, with ``StoreConflict``), then the audit lines of all of them under the chain's
    /// lock, then one notification per incident (``ChangeNotice``). A failed statement fails
    /// every write in it.
    ///
    /// The writes lock their incidents' rows in the order of the incidents' ids (the writes of
    /// one incident keep their order), and the chain's lock is taken last, so that two replicas'
    /// transactions never wait for each other in a circle. Incidents opened in the batch get
    /// their places in the opening order under the chain's lock: the order of the commits.
    static func write(_ writes: [StoreWrite], _ client: PostgresClient, logger: Logger) async -> [Result<StoreWrite.Outcome, StoreFailure>] {
        let order = writes.indices.sorted { (writes[$0].incident, $0) < (writes[$1].incident, $1) }
        var batch = CommitBatch()
        for index in order { batch.add(writes[index]) }
        do {
            let sorted = try await batch.run(client, channel: channel, logger: logger).outcomes
            var results = sorted
            for (position, index) in order.enumerated() { results[index] = sorted[position] }
            return results
        } catch {
            return writes.map { _ in .failure(StoreFailure(message: String(reflecting: error))) }
        }
    }
}

/// A group commit as `rein_commit` takes it (``PostgresSchema/commitFunction``): the writes as
/// JSON, and the audit entries in parallel arrays, each with the write it belongs to.
struct CommitBatch {
    private var writes: [StoreWrite] = []
    private var json: [JSONValue] = []
    private var entryWrites: [Int32] = []
    private var ats: [String] = []
    private var incidents: [String] = []
    private var types: [String] = []
    private var data: [String] = []

    /// Adds a write (the next in lock order).
    mutating func add(_ write: StoreWrite) {
        writes.append(write)
        let number = Int32(clamping: writes.count)
        func text(_ bytes: [UInt8]) -> JSONValue { .string(String(decoding: bytes, as: UTF8.self)) }
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let fields: [(key: String, value: JSONValue)]
        switch write {
        case .open(let record, let entries, let handoff):
            link(entries, of: number)
            fields = [
                ("kind", .string("open")), ("id", .string(record.id)), ("runbook", .string(record.runbook)), ("bundle", .string(record.bundle)),
                ("opened", .string(record.opened.rfc3339)), ("owner", .string(record.owner)),
                ("context", optional(record.context.map { StoreCoding.text(.object($0)) })), ("alert", .string(StoreCoding.text(.object(record.alert)))),
                ("request", text(record.request)), ("handoff", handoff.map(text) ?? .null),
                ("notice", .string(ChangeNotice.incident(record.id).payload)),
            ]
        case .step(let step):
            link(step.audit, of: number)
            let effects = step.effects.map { effect -> JSONValue in
                .object(
                    JSONObject(entries: [
                        ("id", .string(effect.id)), ("type", .string(effect.type)), ("body", text(effect.body)), ("delivery", .string(effect.delivery)),
                        ("created", .integer(effect.created.epochMilliseconds)), ("waits", optional(effect.waitsFor)),
                    ]))
            }
            fields = [
                ("kind", .string("step")), ("incident", .string(step.incident)), ("version", .integer(step.version)),
                ("deadline", step.deadline.map { .integer($0.epochMilliseconds) } ?? .null), ("fired", optional(step.firedDeadline?.rfc3339)),
                ("index", step.event.map { .integer(Int64($0.index)) } ?? .null),
                ("event", step.event.map { .string(StoreCoding.event($0.event)) } ?? .null), ("effects", .array(effects)),
                ("notice", .string(ChangeNotice.of(step).payload)),
            ]
        case .delivery(let id, let delivery, let from, let error):
            fields = [
                ("kind", .string("delivery")), ("id", .string(id)), ("delivery", .string(delivery)), ("error", optional(error)),
                ("from", .array(from.map(JSONValue.string))), ("notice", .string(ChangeNotice.effects(write.incident).payload)),
            ]
        case .deferral(let id, let attempts, let notBefore, let error):
            fields = [
                ("kind", .string("deferral")), ("id", .string(id)), ("attempts", .integer(Int64(attempts))),
                ("not_before", .integer(notBefore.epochMilliseconds)), ("error", .string(error)),
                ("notice", .string(ChangeNotice.effects(write.incident).payload)),
            ]
        }
        json.append(.object(JSONObject(entries: fields)))
    }

    /// Adds audit entries of write `number` (1-based; 0: entries of no write, always linked).
    mutating func link(_ entries: [AuditChain.Entry], of number: Int32) {
        for entry in entries {
            entryWrites.append(number)
            ats.append(String(decoding: entry.at, as: UTF8.self))
            incidents.append(String(decoding: entry.incident, as: UTF8.self))
            types.append(String(decoding: entry.type, as: UTF8.self))
            data.append(String(decoding: entry.data, as: UTF8.self))
        }
    }

    /// Runs the batch: each write's outcome, in the order added, and the lines of the entries
    /// of no write.
    func run(_ client: PostgresClient, channel: String, logger: Logger) async throws -> (
        outcomes: [Result<StoreWrite.Outcome, StoreFailure>], lines: [AuditLine]
    ) {
        let statement = PostgresStatements.Commit(
            writes: JSONWriter.string(.array(json)), entryWrites: entryWrites, ats: ats, incidents: incidents, types: types, data: data,
            channel: channel)
        var outcomes: [Result<StoreWrite.Outcome, StoreFailure>?] = Array(repeating: nil, count: writes.count)
        var lines: [[AuditLine]] = Array(repeating: [], count: writes.count + 1)
        // An explicit transaction: an implicit one commits at the protocol's Sync, after the
        // statement's rows have been answered, and nothing may be answered before the commit.
        let rows = try await client.withTransaction(logger: logger) { connection in
            var rows: [PostgresStatements.Commit.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
        for (number, outcome, revision, request, owner, seq, line) in rows {
            let index = Int(number)
            guard lines.indices.contains(index), index > 0 || outcome == "line" else {
                throw StoreError.corrupt("the commit answered for write \(number) of \(writes.count)")
            }
            switch (outcome, revision, request, owner, seq, line) {
            case ("line", _, _, _, let seq?, let line?): lines[index].append(AuditLine(seq: seq, text: line))
            case ("created", _, _, _, _, _): outcomes[index - 1] = .success(.opened(.created([])))
            case ("exists", _, let request?, let owner?, _, _): outcomes[index - 1] = .success(.opened(.exists(request: Array(request.utf8), owner: owner)))
            case ("stored", let revision?, _, _, _, _): outcomes[index - 1] = .success(.stored(StoredStep(lines: [], revision: revision)))
            case ("conflict", _, _, _, _, _):
                let conflict = StoreConflict(incident: writes[index - 1].incident)
                outcomes[index - 1] = .failure(StoreFailure(message: conflict.description, conflict: conflict))
            case ("moved", let revision, _, _, _, _): outcomes[index - 1] = .success(.moved(revision))
            default: throw StoreError.corrupt("the commit answered `\(outcome)` for write \(number), which Rein does not read")
            }
        }
        let linked = entryWrites.filter { $0 == 0 }.count
        guard lines[0].count == linked else { throw StoreError.corrupt("the audit chain took \(lines[0].count) of \(linked) entries") }
        let results = try outcomes.enumerated().map { index, outcome -> Result<StoreWrite.Outcome, StoreFailure> in
            switch outcome {
            case .success(.opened(.created))?: return .success(.opened(.created(lines[index + 1])))
            case .success(.stored(var stored))?:
                stored.lines = lines[index + 1]
                return .success(.stored(stored))
            case let outcome?: return outcome
            case nil: throw StoreError.corrupt("the commit did not answer for write \(index + 1)")
            }
        }
        return (results, lines[0])
    }
}
