import ReinAdapters

/// The live session host: opens incidents under the current bundle, keeps one actor per
/// incident, restores them from the store at start-up (deadlines that passed while it was down
/// fire then, stamped with the deadline), and checks who may do what (docs/SERVE.md).
public final class SessionHost: Sendable {
    private let store: any SessionStore
    private let clock: any HostClock
    private let state: HostState

    /// A host running `bundle` for new incidents.
    public init(bundle: HostBundle, store: any SessionStore, clock: any HostClock) {
        self.store = store
        self.clock = clock
        self.state = HostState(current: bundle)
    }

    /// The bundle new incidents are opened under.
    public var currentBundle: HostBundle {
        get async { await state.current }
    }

    /// Stores the current bundle and brings back every stored incident; their timers are armed
    /// and deadlines already past fire now. Call once, before serving.
    public func start() async throws {
        let current = await state.current
        try await store.saveBundle(digest: current.digest, files: current.files)
        for stored in try await store.incidents() {
            let bundle = try await bundle(digest: stored.record.bundle)
            guard var incident = LiveIncident(record: stored.record, bundle: bundle) else {
                throw StoreError.corrupt("incident `\(stored.record.id)` runs runbook `\(stored.record.runbook)`, which its bundle does not declare")
            }
            incident.restore(stored.events, firedDeadline: stored.firedDeadline)
            let actor = IncidentActor(incident, store: store, clock: clock)
            await state.add(stored.record.id, actor)
            await actor.fireDeadline()
            await actor.armTimer()
        }
    }

    /// Opens an incident (an agent's): 201 semantics when created, the existing incident for a
    /// retry with the same body, a conflict for another body under the same id.
    public func open(_ body: SourceFile, by principal: Principal) async throws(HostError) -> (view: JSONValue, created: Bool) {
        guard principal.role == .agent else { throw .forbidden("only an agent opens incidents") }
        let opening: IncidentOpening
        switch LiveRequests.opening(body) {
        case .success(let read): opening = read
        case .failure(let error): throw .body(error, body)
        }
        let bundle = await state.current
        let now = clock.now()
        let runbook: String
        if let named = opening.runbook {
            runbook = named
        } else if let triggered = bundle.policy.runbookTriggered(by: opening.alert, context: opening.context, at: now) {
            runbook = triggered
        } else {
            throw .unprocessable("no runbook matches alert rule \(Self.alertRule(opening.alert))")
        }
        let id = opening.incident ?? Self.newID(now)
        var canonical = opening
        canonical.incident = id
        let request = CanonicalJSON.encodeKeepingNumbers(Self.openingJSON(canonical)) ?? []
        let record = IncidentRecord(
            id: id, runbook: runbook, bundle: bundle.digest, opened: now, owner: principal.name, context: opening.context,
            alert: opening.alert, request: request)
        guard let incident = LiveIncident(record: record, bundle: bundle) else {
            throw .unprocessable("runbook `\(runbook)` is not declared")
        }
        return try await state.open(id) { () async throws(HostError) -> (IncidentActor, Bool) in
            let result: OpenResult
            do {
                result = try await store.open(record, audit: incident.openingAudit)
            } catch {
                throw .storage("the incident could not be stored: \(error)")
            }
            switch result {
            case .created: return (IncidentActor(incident, store: store, clock: clock), true)
            case .exists:
                // Every stored incident is restored at start-up: this one was opened elsewhere.
                throw .conflict("incident `\(id)` exists")
            }
        } existing: { (actor: IncidentActor) async throws(HostError) -> Bool in
            let existing = await actor.record
            guard existing.request == request, existing.owner == principal.name else {
                throw .conflict("incident `\(id)` exists, opened with another body")
            }
            return false
        }
    }

    /// Posts an agent's (`propose`, `observe`) or executor's (`result`) event to incident `id`.
    public func post(event body: SourceFile, to id: String, by principal: Principal) async throws(HostError) -> JSONValue {
        let actor = try await incident(id, for: principal, posting: true)
        let role = principal.role
        return try await actor.post { at throws(HostError) in
            let event = try LiveRequests.event(body, at: at, kinds: LiveRequests.agentEvents + LiveRequests.executorEvents)
                .mapError { HostError.body($0, body) }.get()
            switch (event, role) {
            case (.propose, .agent), (.observe, .agent), (.result, .executor): return event
            case (.result, _): throw .forbidden("only an executor posts a result")
            default: throw .forbidden("only the agent that opened the incident posts `propose` and `observe`")
            }
        }
    }

    /// Posts an approver's verdict to incident `id`, as the approver's own name.
    public func post(verdict body: SourceFile, to id: String, by principal: Principal) async throws(HostError) -> JSONValue {
        guard principal.role == .approver else { throw .forbidden("only an approver approves or rejects") }
        let actor = try await find(id)
        return try await actor.post { at throws(HostError) in
            try LiveRequests.verdict(body, by: principal.name, at: at).mapError { HostError.body($0, body) }.get()
        }
    }

    /// The incident as the API shows it.
    public func view(_ id: String, by principal: Principal) async throws(HostError) -> JSONValue {
        try await incident(id, for: principal, posting: false).view()
    }

    /// The session as a recorded incident (docs/FORMATS.md §3) with its runbook and the digest
    /// of the bundle it is pinned to: `rein replay` of it gives the live session's steps.
    public func recording(_ id: String, by principal: Principal) async throws(HostError) -> RecordedIncident {
        guard principal.role != .executor else { throw .forbidden("an executor does not read recordings") }
        return try await incident(id, for: principal, posting: false).recording()
    }

    /// Stops every timer (shutdown).
    public func stop() async {
        for actor in await state.all() { await actor.stop() }
    }

    /// Incident `id` if `principal` may read it (`posting`: post to it): an agent only its own,
    /// an executor every one; readers and admins read only.
    private func incident(_ id: String, for principal: Principal, posting: Bool) async throws(HostError) -> IncidentActor {
        switch principal.role {
        case .agent:
            let actor = try await find(id)
            guard await actor.record.owner == principal.name else { throw .forbidden("incident `\(id)` was opened by another agent") }
            return actor
        case .executor: return try await find(id)
        case .reader, .admin:
            guard !posting else { throw .forbidden("a \(principal.role.rawValue) reads, it does not post events") }
            return try await find(id)
        case .approver:
            throw .forbidden(posting ? "an approver posts verdicts to /approvals" : "an approver does not read incidents")
        }
    }

    private func find(_ id: String) async throws(HostError) -> IncidentActor {
        guard let actor = await state.actor(id) else { throw .notFound("no incident `\(id)`") }
        return actor
    }

    private func bundle(digest: String) async throws -> HostBundle {
        if let known = await state.bundle(digest) { return known }
        guard let files = try await store.bundle(digest: digest) else {
            throw StoreError.corrupt("bundle \(digest) is not stored")
        }
        guard let compiled = HostBundle.compile(stored: files).bundle else {
            throw StoreError.corrupt("bundle \(digest) no longer compiles")
        }
        await state.remember(compiled)
        return compiled
    }

    private static func openingJSON(_ opening: IncidentOpening) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = []
        if let id = opening.incident { entries.append(("incident", .string(id))) }
        if let runbook = opening.runbook { entries.append(("runbook", .string(runbook))) }
        if let context = opening.context { entries.append(("context", .object(context))) }
        entries.append(("alert", .object(opening.alert)))
        return .object(JSONObject(entries: entries))
    }

    private static func alertRule(_ alert: JSONObject) -> String {
        guard case .object(let data)? = alert["data"], case .object(let essentials)? = data["essentials"],
            case .string(let rule)? = essentials["alertRule"]
        else { return "(none)" }
        return "`\(rule)`"
    }

    /// A new incident id: `INC-` with the UTC time and 8 random hex digits.
    private static func newID(_ now: Timestamp) -> String {
        let digits = now.rfc3339.filter(\.isNumber).prefix(14)
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() as UInt32, radix: 16)
        return "INC-\(digits)-\(String(repeating: "0", count: 8 - suffix.count))\(suffix)"
    }
}

/// The host's mutable state: the current bundle, the compiled bundles by digest, and the
/// incidents' actors. Opening an incident is decided here, one at a time per id.
actor HostState {
    private(set) var current: HostBundle
    private var bundles: [String: HostBundle] = [:]
    private var actors: [String: IncidentActor] = [:]
    /// Ids being opened right now: a second open of the same id waits for the first.
    private var opening: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(current: HostBundle) {
        self.current = current
        bundles[current.digest] = current
    }

    func bundle(_ digest: String) -> HostBundle? { bundles[digest] }
    func remember(_ bundle: HostBundle) { bundles[bundle.digest] = bundle }
    func actor(_ id: String) -> IncidentActor? { actors[id] }
    func add(_ id: String, _ actor: IncidentActor) { actors[id] = actor }
    func all() -> [IncidentActor] { Array(actors.values) }

    /// Opens `id` with `create` unless it exists (then `existing` decides), one open per id at a
    /// time. Returns the actor's view and whether it was created.
    func open(
        _ id: String, create: () async throws(HostError) -> (IncidentActor, Bool),
        existing: (IncidentActor) async throws(HostError) -> Bool
    ) async throws(HostError) -> (view: JSONValue, created: Bool) {
        while opening[id] != nil {
            await withCheckedContinuation { opening[id, default: []].append($0) }
        }
        if let actor = actors[id] {
            let created = try await existing(actor)
            return (await actor.view(), created)
        }
        opening[id] = []
        defer {
            for waiter in opening.removeValue(forKey: id) ?? [] { waiter.resume() }
        }
        let (actor, created) = try await create()
        actors[id] = actor
        return (await actor.view(), created)
    }
}
