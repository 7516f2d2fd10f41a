import ReinAdapters

/// One live incident: its stored record and its ``Session`` — the same driver replay uses — with
/// what the API shows of it. Pure: the actor around it does the I/O and keeps the time.
struct LiveIncident: Sendable {
    let record: IncidentRecord
    let bundle: HostBundle
    private(set) var session: Session
    /// The time of the last event (the host never stamps one earlier).
    private(set) var lastAt: Timestamp
    /// The deadline that fired, once one has.
    private(set) var firedDeadline: Timestamp?
    /// The stored version this copy is at: the next step is made from it.
    var version: Int64 = 0
    /// The stored revision this copy is at (another means another replica changed it).
    var revision: Int64 = 0

    /// This copy's step was stored, giving the incident revision `stored`. When another change
    /// came between (another replica's record of a delivery), the copy does not know it: it is
    /// marked behind, so that the next look catches up.
    mutating func stored(revision stored: Int64) {
        version += 1
        revision = stored == revision + 1 ? stored : -1
    }

    /// This copy's own change was stored as `stored`: when that is the next revision, nobody else
    /// changed the incident meanwhile and the copy stays current (else it is reloaded at the next turn).
    mutating func moved(to stored: Int64) {
        if stored == revision + 1 { revision = stored }
    }
    /// Every effect but audit entries so far, with its id and JSON, kept as effects come.
    private(set) var identified: [(position: Int, effect: IdentifiedEffect)] = []
    /// How many effects each step (or `deadline`) has had, for the next id.
    private var effectCounts: [String: Int] = [:]
    /// Where each effect is in ``identified``, by id.
    private var positions: [String: Int] = [:]

    /// An effect with its id (`{incident}/{step}/{n}`, `deadline` as the step of a timeout) and
    /// its JSON as replay prints it.
    struct IdentifiedEffect: Sendable {
        var id: String
        var type: String
        var json: JSONValue
        var delivery: String
        /// Why it failed, once it has.
        var error: String?
        /// When the step that caused it happened.
        var created: Timestamp
        /// For an `execute`: the `activate_role` that must be acknowledged first.
        var waitsFor: String?
    }

    /// nil when the bundle does not declare the record's runbook.
    init?(record: IncidentRecord, bundle: HostBundle) {
        guard
            let machine = Interpreter(
                policy: bundle.policy, incident: record.id, runbook: record.runbook, alert: record.alert, context: record.context,
                bundleDigest: bundle.digest, sha256: Hashing.sha256Hex)
        else { return nil }
        self.record = record
        self.bundle = bundle
        self.session = Session(machine, openedAt: record.opened)
        self.lastAt = record.opened
    }

    /// The audit entries written when the incident opened.
    var openingAudit: [AuditChain.Entry] { Self.audit(session.effects[...], incident: record.id) }

    /// Applies `event` (stamped by the host) and says what to store: the step's index and the
    /// commit (event, effects for executors, audit entries, the deadline if it fired first).
    mutating func apply(_ event: SessionEvent) -> (index: Int, commit: StepCommit) {
        let before = session.effects.count
        let index = session.apply(event)
        // A deadline the event came after fired first: its effects belong to no step and carry
        // the deadline's time.
        let fired = session.effects[before...].first { $0.step == nil }?.at
        if let fired { firedDeadline = fired }
        lastAt = event.at
        return (index, commit(from: before, event: (index, event), fired: fired))
    }

    /// Fires the pending deadline when `now` is past it; the commit to store, or nil.
    mutating func fireDeadline(now: Timestamp) -> StepCommit? {
        guard let deadline = session.deadline, now > deadline else { return nil }
        let before = session.effects.count
        session.fireDeadline(before: nil)
        firedDeadline = deadline
        return commit(from: before, event: nil, fired: deadline)
    }

    /// Rebuilds the session from its stored events (no writes: all of it was stored), with its
    /// effects' deliveries as they stand.
    mutating func restore(_ stored: StoredIncident) {
        version = stored.version
        revision = stored.revision
        restore(stored.events, firedDeadline: stored.firedDeadline, deliveries: stored.deliveries, identifyingFrom: 0)
    }

    /// Takes in what another replica stored since this copy was made (the events after its last
    /// one, the deadline that fired, the deliveries as they stand), as a restart would.
    mutating func catchUp(_ changes: StoredChanges) {
        version = changes.version
        revision = changes.revision
        restore(changes.events, firedDeadline: changes.firedDeadline, deliveries: changes.deliveries, identifyingFrom: session.effects.count)
    }

    /// Applies stored events after those already applied, then the fired deadline, and
    /// identifies the effects from position `start` on.
    private mutating func restore(_ events: [SessionEvent], firedDeadline: Timestamp?, deliveries: [String: DeliveryState], identifyingFrom start: Int) {
        for event in events {
            session.apply(event)
            lastAt = event.at
        }
        if let firedDeadline, session.deadline == firedDeadline {
            session.fireDeadline(before: nil)
        }
        self.firedDeadline = firedDeadline ?? self.firedDeadline
        identify(from: start)
        for (id, state) in deliveries { setDelivery(id, to: state.delivery, error: state.error) }
    }

    /// The effect `id`, if this incident has it.
    func effect(_ id: String) -> IdentifiedEffect? {
        positions[id].map { identified[$0].effect }
    }

    /// Records where effect `id`'s delivery stands.
    mutating func setDelivery(_ id: String, to delivery: String, error: String?) {
        guard let index = positions[id] else { return }
        identified[index].effect.delivery = delivery
        identified[index].effect.error = error
    }

    /// The `execute` of the remediation running now, if one is.
    var executingEffect: IdentifiedEffect? {
        guard case .executing = session.state.phase else { return nil }
        return identified.last { $0.effect.type == "execute" }?.effect
    }

    private mutating func commit(from start: Int, event: (Int, SessionEvent)?, fired: Timestamp?) -> StepCommit {
        let known = identified.count
        identify(from: start)
        let outbox = identified[known...].map { item in
            OutboxEffect(
                id: item.effect.id, incident: record.id, type: item.effect.type, body: JSONWriter.encode(item.effect.json),
                delivery: item.effect.delivery, created: item.effect.created, waitsFor: item.effect.waitsFor)
        }
        return StepCommit(
            incident: record.id, version: version, event: event, effects: outbox,
            audit: Self.audit(session.effects[start...], incident: record.id), firedDeadline: fired, deadline: session.deadline)
    }

    /// Identifies the effects from position `start` on: ids, JSON, delivery.
    private mutating func identify(from start: Int) {
        let encoder = ReplayEncoder(policy: bundle.policy)
        let target = ReplayEncoder.alertTarget(record.alert)
        for position in start..<session.effects.count {
            let timed = session.effects[position]
            guard case .object(let json)? = encoder.effect(timed.effect, incident: record.id, runbook: record.runbook, target: target),
                case .string(let type)? = json["type"]
            else { continue }
            let step = timed.step.map(String.init) ?? "deadline"
            let n = effectCounts[step, default: 0]
            effectCounts[step] = n + 1
            // An execute runs under the elevation activated just before it.
            let waitsFor = type == "execute" ? identified.last { $0.effect.type == "activate_role" }?.effect.id : nil
            let effect = IdentifiedEffect(
                id: "\(record.id)/\(step)/\(n)", type: type, json: .object(json), delivery: type == "run_tool" ? "agent" : "pending",
                created: timed.at, waitsFor: waitsFor)
            positions[effect.id] = identified.count
            identified.append((position, effect))
        }
    }

    private static func audit(_ effects: ArraySlice<ReplayResult.TimedEffect>, incident: String) -> [AuditChain.Entry] {
        effects.compactMap { timed in
            guard case .audit(let type, let data) = timed.effect else { return nil }
            return AuditChain.Entry(at: timed.at, incident: incident, type: type, data: data)
        }
    }
}
