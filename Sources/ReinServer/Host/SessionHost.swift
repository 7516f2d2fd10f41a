import Logging
import Synchronization
import ReinAdapters

/// The live session host: opens incidents under the current bundle, keeps one actor per
/// incident, restores them from the store at start-up (deadlines that passed while it was down
/// fire then, stamped with the deadline), and checks who may do what (docs/SERVE.md).
public final class SessionHost: Sendable {
    let services: HostServices
    private var store: any SessionStore { services.store }
    private var clock: any HostClock { services.clock }
    let state: HostState
    /// What runs besides requests when replicas share the store (the deadline sweep, the
    /// listener), stopped at shutdown.
    private let background = Mutex<[Task<Void, Never>]>([])
    /// Delivers effects to executors; nil when none is configured (effects stay `pending`).
    private let dispatcher: EffectDispatcher?
    /// The write tools whose executions the MCP gateway carries out.
    private let forwardedTools: Set<String>
    /// Set once the host is shutting down: requests are answered 503.
    private let shuttingDown = Atomic<Bool>(false)
    /// Loads the bundle again from its paths (a reload).
    private let loader: @Sendable () throws -> HostBundle.Loaded

    /// A host running `bundle` for new incidents; `loader` loads it again for a reload;
    /// `executors` take the effects (without, they stay `pending` for an executor that reads them).
    public init(
        bundle: HostBundle, store: any SessionStore, clock: any HostClock, auditFile: AuditFileSink? = nil,
        metrics: ServerMetrics = ServerMetrics(), logger: Logger = Logger(label: "rein"), executors: EffectExecutors? = nil,
        loader: @escaping @Sendable () throws -> HostBundle.Loaded = { throw HostError.unprocessable("this host cannot reload its bundle") }
    ) {
        let doorbell = Doorbell()
        let services = HostServices(store: store, clock: clock, auditFile: auditFile, metrics: metrics, logger: logger, doorbell: doorbell)
        let state = HostState(current: bundle)
        self.services = services
        self.state = state
        self.dispatcher = executors.map { EffectDispatcher(executors: $0, services: services, state: state, doorbell: doorbell) }
        self.forwardedTools = executors?.forwardedTools ?? []
        self.loader = loader
    }

    /// The metrics, their gauges brought up to date (`GET /metrics`).
    public func metricsText() async -> [UInt8] {
        var open = 0
        var pending = 0
        for actor in state.all() {
            let phase = await actor.phase
            if phase != "closed" { open += 1 }
            if phase == "awaiting_approval" { pending += 1 }
        }
        services.metrics.incidentsOpen.set(to: Double(open))
        services.metrics.approvalsPending.set(to: Double(pending))
        return services.metrics.text()
    }

    /// The bundle new incidents are opened under.
    public var currentBundle: HostBundle {
        get async { state.current }
    }

    /// Stores the current bundle and brings back every stored incident; their timers are armed
    /// and deadlines already past fire now. Call once, before serving.
    public func start() async throws {
        let current = state.current
        try await store.saveBundle(digest: current.digest, files: current.files)
        for stored in try await store.incidents() {
            let bundle = try await Self.bundle(digest: stored.record.bundle, services: services, state: state)
            guard var incident = LiveIncident(record: stored.record, bundle: bundle) else {
                throw StoreError.corrupt("incident `\(stored.record.id)` runs runbook `\(stored.record.runbook)`, which its bundle does not declare")
            }
            incident.restore(stored)
            let actor = state.add(stored.record.id, IncidentActor(incident, services: services), position: stored.position)
            state.discovered(through: stored.position)
            await actor.fireDeadline()
            await actor.armTimer()
            await actor.resumeExecution(forwarded: forwardedTools)
        }
        if let shared = services.shared {
            let tasks = startReplica(shared)
            background.withLock { $0 += tasks }
        }
        try await dispatcher?.start()
    }

    /// Opens an incident (an agent's): 201 semantics when created, the existing incident for a
    /// retry with the same body, a conflict for another body under the same id.
    /// `handoff`: the body of the incident's hand-off to the agent runtime, made from its id and
    /// runbook, stored with it (an incident an alert opens).
    public func open(
        _ body: SourceFile, by principal: Principal, handoff: (@Sendable (_ incident: String, _ runbook: String) -> [UInt8])? = nil
    ) async throws(HostError) -> (view: JSONValue, created: Bool) {
        guard principal.role == .agent else { throw .forbidden("only an agent opens incidents") }
        let opening: IncidentOpening
        switch LiveRequests.opening(body) {
        case .success(let read): opening = read
        case .failure(let error): throw .body(error, body)
        }
        let bundle = state.current
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
                result = try await store.open(record, audit: incident.openingAudit, handoff: handoff?(id, runbook))
            } catch {
                throw .storage("the incident could not be stored: \(error)")
            }
            switch result {
            case .created(let lines):
                try? await services.auditFile?.append(lines)
                services.changes.appended()
                return (IncidentActor(incident, services: services), true)
            case .exists(let stored, let owner):
                // Opened by another replica (every incident in the embedded store is restored
                // at start-up): a retry with the same body is answered with it.
                guard services.shared != nil, stored == request, owner == principal.name,
                    let actor = try await Self.actor(id, services: services, state: state)
                else { throw .conflict("incident `\(id)` exists") }
                return (actor, false)
            }
        } existing: { (actor: IncidentActor) async throws(HostError) -> Bool in
            let existing = actor.record
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

    /// The incident as the API shows it; with `after`, once it has more than `after` steps (or
    /// changes otherwise), waiting at most `wait`.
    public func view(_ id: String, by principal: Principal, after: Int? = nil, wait: Duration = .zero) async throws(HostError) -> JSONValue {
        let actor = try await incident(id, for: principal, posting: false)
        if let after { await actor.waitForChange(after: after, timeout: wait) }
        return await actor.view()
    }

    /// The phases an incident can be in.
    public static let phases = ["investigating", "awaiting_approval", "executing", "closed"]

    /// The incidents, newest first, `limit` a page: `{"incidents":[…],"next"?}`, where `next` is
    /// the cursor of the next page. `phase`: only those in it.
    public func list(by principal: Principal, phase: String?, cursor: Int?, limit: Int) async throws(HostError) -> JSONValue {
        guard principal.role == .reader || principal.role == .admin else { throw .forbidden("only a reader or an admin lists incidents") }
        if let phase, !Self.phases.contains(phase) {
            throw .badRequest("`phase` must be one of \(Self.phases.joined(separator: ", ")), not `\(phase)`")
        }
        try await discover()
        let actors = state.newestFirst(before: cursor)
        var items: [JSONValue] = []
        var next: Int?
        for (position, actor) in actors {
            let summary = await actor.summary()
            guard phase == nil || summary.phase == phase else { continue }
            if items.count == limit {
                next = position + 1
                break
            }
            items.append(summary.json)
        }
        var entries: [(key: String, value: JSONValue)] = [("incidents", .array(items))]
        if let next { entries.append(("next", .string(String(next)))) }
        return .object(JSONObject(entries: entries))
    }

    /// A stored bundle version (`current`: the one new incidents run under) with its files.
    public func bundleView(_ digest: String, by principal: Principal) async throws(HostError) -> JSONValue {
        guard principal.role == .reader || principal.role == .admin else { throw .forbidden("only a reader or an admin reads bundles") }
        let current = state.current
        let files: [StoredBundleFile]
        let name = digest == "current" ? current.digest : digest
        if name == current.digest {
            files = current.files
        } else {
            do {
                guard let stored = try await store.bundle(digest: name) else { throw HostError.notFound("no bundle `\(digest)`") }
                files = stored
            } catch let error as HostError {
                throw error
            } catch {
                throw .storage("the bundle could not be read: \(error)")
            }
        }
        return Self.bundleJSON(digest: name, files: files)
    }

    /// Loads the bundle again from its paths and, when it has no errors, makes it the one new
    /// incidents open under (open incidents keep theirs). Refused with its diagnostics otherwise.
    public func reload(by principal: Principal?) async throws(HostError) -> JSONValue {
        if let principal, principal.role != .admin { throw .forbidden("only an admin reloads the bundle") }
        let loaded: HostBundle.Loaded
        do {
            loaded = try loader()
        } catch let error as HostError {
            throw error
        } catch {
            throw .unprocessable("the bundle could not be loaded: \(error)")
        }
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        guard let bundle = loaded.bundle, errors.isEmpty else {
            let text = TextDiagnosticRenderer(files: loaded.sources).render(errors)
            throw .unprocessable("the bundle has errors; the running one stays:\n\(text)")
        }
        do {
            try await store.saveBundle(digest: bundle.digest, files: bundle.files)
        } catch {
            throw .storage("the bundle could not be stored: \(error)")
        }
        let previous = state.swap(bundle)
        return .object(
            JSONObject(entries: [
                ("digest", .string(bundle.digest)), ("previous", .string(previous.digest)), ("changed", .bool(previous.digest != bundle.digest)),
            ]))
    }

    private static func bundleJSON(digest: String, files: [StoredBundleFile]) -> JSONValue {
        let items = files.map { file in
            JSONValue.object(JSONObject(entries: [("path", .string(file.path)), ("sha256", .string(file.sha256)), ("text", .string(file.text))]))
        }
        return .object(JSONObject(entries: [("digest", .string(digest)), ("files", .array(items))]))
    }

    /// The session as a recorded incident (docs/FORMATS.md §3) with its runbook and the digest
    /// of the bundle it is pinned to: `rein replay` of it gives the live session's steps.
    public func recording(_ id: String, by principal: Principal) async throws(HostError) -> RecordedIncident {
        guard principal.role != .executor else { throw .forbidden("an executor does not read recordings") }
        return try await incident(id, for: principal, posting: false).recording()
    }

    /// Audit lines after `seq`, at most `limit`, in chain order.
    public func auditLines(after seq: Int64, limit: Int) async throws(HostError) -> [String] {
        do {
            return try await store.auditLines(after: seq, limit: limit).map(\.text)
        } catch {
            throw .storage("the audit log could not be read: \(error)")
        }
    }

    /// Whether the host is shutting down (new requests are answered 503).
    public var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

    /// Starts shutting down: new requests are refused (503), long polls answer now, and
    /// requests under way finish.
    public func beginShutdown() async {
        shuttingDown.store(true, ordering: .releasing)
        for actor in state.all() { await actor.wakeWatchers() }
    }

    /// An executor's acknowledgement of effect `id` (`{incident}/{step}/{n}`): the effect as
    /// the incident now shows it.
    public func acknowledge(effect id: String, body: SourceFile, by principal: Principal) async throws(HostError) -> JSONValue {
        guard principal.role == .executor else { throw .forbidden("only an executor acknowledges effects") }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let actor = try await Self.actor(String(parts[0]), services: services, state: state) else {
            throw .notFound("no effect `\(id)`")
        }
        let ack = try LiveRequests.acknowledgement(body).mapError { HostError.body($0, body) }.get()
        return try await actor.acknowledge(id, ack)
    }

    /// Incident `id`'s actor, if there is one (loaded from a shared store if need be).
    func incidentActor(_ id: String) async -> IncidentActor? { try? await Self.actor(id, services: services, state: state) }

    /// The policy new incidents are opened with.
    public var currentPolicy: CompiledPolicy { state.current.policy }

    /// Checks that `principal` is the agent that opened incident `id` (the MCP gateway serves
    /// only it).
    public func checkOwner(_ id: String, _ principal: Principal) async throws(HostError) {
        guard principal.role == .agent else { throw .forbidden("only the agent that opened the incident calls its tools") }
        guard let actor = try await Self.actor(id, services: services, state: state) else { throw .notFound("no incident `\(id)`") }
        guard actor.record.owner == principal.name else { throw .forbidden("incident `\(id)` was opened by another agent") }
    }

    /// Marks a forwarded execution as sent, before it goes to the upstream; false when it is no
    /// longer pending (it must not be sent).
    func markSending(_ id: String) async -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let actor = await incidentActor(String(parts[0])) else { return false }
        return await actor.markSending(id)
    }

    /// Appends an audit entry of `type` for incident `incident` (what an executor did for it, as
    /// `elevation` for each call to PIM and its answer), stamped now. A failure is logged: the
    /// executor's work goes on.
    func audit(_ incident: String, type: String, data: JSONObject) async {
        guard let entry = AuditChain.Entry(at: clock.now(), incident: incident, type: type, data: data) else { return }
        do {
            let lines = try await store.appendAudit([entry])
            try? await services.auditFile?.append(lines)
            services.changes.appended()
        } catch {
            services.logger.error("an audit entry could not be stored", metadata: ["incident": "\(incident)", "type": "\(type)", "why": "\(error)"])
        }
    }

    /// A native executor's acknowledgement of effect `id` (as `POST /v1/effects/{id}/ack` is);
    /// the error that refused it, if any (a contradicting or late one).
    func acknowledgeNatively(_ id: String, ok: Bool, error: String?) async -> HostError? {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let actor = await incidentActor(String(parts[0])) else { return .notFound("no effect `\(id)`") }
        do {
            _ = try await actor.acknowledge(id, Acknowledgement(ok: ok, error: error))
            return nil
        } catch {
            return error
        }
    }

    /// Records how a forwarded execution ended: the `execute` acknowledged, and the result —
    /// `succeeded` with `detail`, or failed (the acknowledgement records it, and the elevation
    /// is released).
    func settleExecution(_ id: String, succeeded: Bool, detail: String) async {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let actor = await incidentActor(String(parts[0])) else { return }
        do {
            _ = try await actor.acknowledge(id, Acknowledgement(ok: succeeded, error: succeeded ? nil : (detail.isEmpty ? "the upstream failed" : detail)))
            if succeeded {
                _ = try await actor.post { at throws(HostError) in .result(at: at, succeeded: true, detail: detail.isEmpty ? nil : detail) }
            }
        } catch {
            services.logger.error("a forwarded execution could not be recorded", metadata: ["effect": "\(id)", "why": "\(error)"])
        }
    }

    /// Stops every timer and the deliveries (shutdown).
    public func stop() async {
        for task in background.withLock({ tasks in defer { tasks = [] }; return tasks }) {
            task.cancel()
            await task.value
        }
        await dispatcher?.stop()
        for actor in state.all() { await actor.stop() }
        await services.auditFile?.close()
    }

    /// Incident `id` if `principal` may read it (`posting`: post to it): an agent only its own,
    /// an executor every one; readers and admins read only.
    private func incident(_ id: String, for principal: Principal, posting: Bool) async throws(HostError) -> IncidentActor {
        switch principal.role {
        case .agent:
            let actor = try await find(id)
            guard actor.record.owner == principal.name else { throw .forbidden("incident `\(id)` was opened by another agent") }
            return actor
        case .executor: return try await find(id)
        case .reader, .admin:
            guard !posting else { throw .forbidden("a \(principal.role.rawValue) reads, it does not post events") }
            return try await find(id)
        case .approver:
            throw .forbidden(posting ? "an approver posts verdicts to /approvals" : "an approver does not read incidents")
        case .alert:
            throw .forbidden("an alert token posts alerts to /v1/alerts, nothing else")
        }
    }

    private func find(_ id: String) async throws(HostError) -> IncidentActor {
        guard let actor = try await Self.actor(id, services: services, state: state) else { throw .notFound("no incident `\(id)`") }
        return actor
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
/// incidents' actors. Finding an incident takes a lock, not a turn of this actor (every request
/// finds one); opening one is decided here, one at a time per id.
actor HostState {
    private struct Registry {
        var actors: [String: IncidentActor] = [:]
        /// Incident ids in the order they were opened, with their positions in it.
        var order: [(position: Int64, id: String)] = []
        /// Every stored incident up to this position is in memory (shared stores: what was
        /// looked for so far).
        var discovered: Int64 = 0
    }

    private let bundles: Mutex<(current: HostBundle, all: [String: HostBundle])>
    private let registry = Mutex(Registry())
    /// Ids being opened right now: a second open of the same id waits for the first.
    private var opening: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(current: HostBundle) {
        bundles = Mutex((current, [current.digest: current]))
    }

    nonisolated var current: HostBundle { bundles.withLock { $0.current } }
    nonisolated func bundle(_ digest: String) -> HostBundle? { bundles.withLock { $0.all[digest] } }
    nonisolated func remember(_ bundle: HostBundle) { bundles.withLock { $0.all[bundle.digest] = bundle } }
    nonisolated func actor(_ id: String) -> IncidentActor? { registry.withLock { $0.actors[id] } }
    /// Keeps `actor` for incident `id` at `position` in the opening order (nil: after every
    /// other); the one already kept, if another was first.
    @discardableResult
    nonisolated func add(_ id: String, _ actor: IncidentActor, position: Int64? = nil) -> IncidentActor {
        registry.withLock { registry in
            if let existing = registry.actors[id] { return existing }
            registry.actors[id] = actor
            let position = position ?? (registry.order.last?.position ?? 0) + 1
            var at = registry.order.count
            while at > 0, registry.order[at - 1].position > position { at -= 1 }
            registry.order.insert((position, id), at: at)
            return actor
        }
    }

    /// The position up to which every stored incident is in memory.
    nonisolated var discovered: Int64 { registry.withLock { $0.discovered } }
    nonisolated func discovered(through position: Int64) { registry.withLock { $0.discovered = max($0.discovered, position) } }

    /// Makes `bundle` the current one; the one it replaces.
    nonisolated func swap(_ bundle: HostBundle) -> HostBundle {
        bundles.withLock { bundles in
            let previous = bundles.current
            bundles.current = bundle
            bundles.all[bundle.digest] = bundle
            return previous
        }
    }

    /// The incidents newest first, each with its position in the opening order, starting below
    /// `cursor` (all when nil).
    nonisolated func newestFirst(before cursor: Int?) -> [(position: Int, actor: IncidentActor)] {
        registry.withLock { registry in
            let end = min(cursor ?? registry.order.count, registry.order.count)
            return (0..<max(0, end)).reversed().compactMap { position in registry.actors[registry.order[position].id].map { (position, $0) } }
        }
    }
    nonisolated func all() -> [IncidentActor] { registry.withLock { Array($0.actors.values) } }

    /// Opens `id` with `create` unless it exists (then `existing` decides), one open per id at a
    /// time. Returns the actor's view and whether it was created.
    func open(
        _ id: String, create: () async throws(HostError) -> (IncidentActor, Bool),
        existing: (IncidentActor) async throws(HostError) -> Bool
    ) async throws(HostError) -> (view: JSONValue, created: Bool) {
        while opening[id] != nil {
            await withCheckedContinuation { opening[id, default: []].append($0) }
        }
        if let actor = actor(id) {
            let created = try await existing(actor)
            return (await actor.view(), created)
        }
        opening[id] = []
        defer {
            for waiter in opening.removeValue(forKey: id) ?? [] { waiter.resume() }
        }
        let (actor, created) = try await create()
        add(id, actor)
        return (await actor.view(), created)
    }
}
