import ReinAdapters

/// One incident's live session. Its events are applied one at a time, in arrival order: each
/// holds the incident's turn from stamping the time to the durable commit, so a step
/// is answered only once it is stored, and no two steps of an incident interleave. Different
/// incidents are different actors and proceed in parallel. Its approval deadline fires on its
/// own, by the host's clock.
actor IncidentActor {
    var incident: LiveIncident
    let services: HostServices
    var clock: any HostClock { services.clock }
    /// Whether a step holds the turn, and who waits for it, first come first served.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var timer: Task<Void, Never>?
    /// Long polls waiting for the incident to change.
    private var watchers: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWatcher = 0
    private var armedFor: Timestamp?

    /// What opened the incident (it never changes).
    nonisolated let record: IncidentRecord
    /// The bundle it is pinned to.
    nonisolated let bundle: HostBundle

    init(_ incident: LiveIncident, services: HostServices) {
        self.incident = incident
        self.services = services
        self.record = incident.record
        self.bundle = incident.bundle
    }

    /// The last `result` event: whether it succeeded, and its detail; nil before any.
    func lastResult() -> (succeeded: Bool, detail: String?)? {
        for step in incident.session.steps.reversed() {
            if case .result(_, let succeeded, let detail) = step.event, !step.report.ignored { return (succeeded, detail) }
        }
        return nil
    }

    /// Whether `action` is the one awaiting approval or executing: the same tool, kind and args once checked
    /// (defaults filled), as canonical JSON.
    func isPending(_ action: ProposedAction) -> Bool {
        let pending: PendingApproval
        switch incident.session.state.phase {
        case .awaitingApproval(let waiting), .executing(let waiting): pending = waiting
        default: return false
        }
        guard pending.tool == action.tool, pending.kind == action.kind,
            case .success(let args) = bundle.policy.validatedArgs(tool: action.tool, args: action.args)
        else { return false }
        return CanonicalJSON.encodeKeepingNumbers(.object(args)) == CanonicalJSON.encodeKeepingNumbers(.object(pending.args))
    }

    /// The tool and args awaiting approval or executing, if any.
    func pendingAction() -> (tool: String, args: JSONObject)? {
        switch incident.session.state.phase {
        case .awaitingApproval(let waiting), .executing(let waiting): (waiting.tool, waiting.args)
        default: nil
        }
    }

    func view() async -> JSONValue {
        try? await refresh()
        return incident.view()
    }

    /// The phase as this copy last saw it (nothing is read from a shared store).
    var phase: String { incident.summary().phase }

    /// A line of the incident list: id, runbook, phase, iteration, opened, outcome.
    func summary() async -> (phase: String, json: JSONValue) {
        try? await refresh()
        return incident.summary()
    }

    /// Returns once the incident has more than `steps` steps or changes otherwise (a deadline
    /// fires), or after `timeout`.
    func waitForChange(after steps: Int, timeout: Duration) async {
        try? await refresh()
        guard incident.session.steps.count <= steps, timeout > .zero else { return }
        nextWatcher += 1
        let id = nextWatcher
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            await self?.wake(id)
        }
        // A cancelled wait (the caller went away) ends at once.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    watchers[id] = continuation
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.wake(id) }
        }
        timer.cancel()
    }

    private func wake(_ id: Int) {
        watchers.removeValue(forKey: id)?.resume()
    }

    /// Answers every long poll now (shutdown).
    func wakeWatchers() { changed() }

    /// Wakes every long poll: the incident changed.
    func changed() {
        services.changes.changed(record.id)
        let waiting = watchers
        watchers = [:]
        for continuation in waiting.values { continuation.resume() }
    }

    func recording() async -> RecordedIncident {
        try? await refresh()
        return incident.recording()
    }

    /// Another replica changed the incident: long polls waiting on it look again.
    func changedElsewhere() async {
        guard !watchers.isEmpty else { return }
        try? await refresh()
    }

    /// Applies the event `read` makes of the time the host gives it, stores the step, and
    /// answers with it. Nothing changes when `read` refuses the body or the store fails.
    func post(_ read: @Sendable (Timestamp) throws(HostError) -> SessionEvent) async throws(HostError) -> JSONValue {
        await beginTurn()
        defer { endTurn() }
        return try await apply(read)
    }

    /// Applies an event while holding the turn: stamps it, stores the step, answers with it.
    /// When another replica stored a step of the incident first, the incident is loaded again
    /// and the event made and applied anew, after a short random wait that grows with each
    /// conflict, for at most ``conflictBudget`` (then it is a storage error: the caller may retry).
    func apply(_ read: (Timestamp) throws(HostError) -> SessionEvent) async throws(HostError) -> JSONValue {
        var attempt = 0
        let giveUp = ContinuousClock.now + Self.conflictBudget
        while true {
            let now = clock.now()
            let at = now < incident.lastAt ? incident.lastAt : now
            let event = try read(at)
            var next = incident
            let start = next.session.effects.count
            let began = ContinuousClock.now
            let (index, commit) = next.apply(event)
            let took = ContinuousClock.now - began
            let decision = next.session.steps.last?.report.decision?.verdict.word
            do {
                next.stored(revision: try await services.commit(commit, decision: decision, took: took))
            } catch is StoreConflict where ContinuousClock.now < giveUp {
                attempt += 1
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...(500 * min(attempt, 20)))))
                try await reload()
                continue
            } catch {
                throw .storage("the step could not be stored: \(error)")
            }
            incident = next
            changed()
            armTimer()
            return incident.stepView(index, effectsFrom: start)
        }
    }

    /// How long a step is made again and again while other replicas store steps of the
    /// incident first.
    static let conflictBudget = Duration.seconds(5)

    /// Brings the incident up to date with the store when replicas share it (another one may
    /// have moved it on): reloaded when its revision differs. A no-op with the embedded store.
    func refresh() async throws(HostError) {
        guard let shared = services.shared else { return }
        let base = (revision: incident.revision, steps: incident.session.steps.count)
        let changes: StoredChanges?
        do {
            changes = try await shared.changes(of: record.id, since: base.revision, fromEvent: base.steps)
        } catch {
            throw .storage("the incident could not be read: \(error)")
        }
        // The copy moved on while the store was read (a step of this replica's was stored): what
        // was read follows an older copy; the next look catches up from this one.
        guard let changes, incident.revision == base.revision, incident.session.steps.count == base.steps else { return }
        incident.catchUp(changes)
        changed()
        armTimer()
    }

    /// Loads the incident again from the shared store.
    private func reload() async throws(HostError) {
        guard let shared = services.shared else { return }
        let stored: StoredIncident?
        do {
            stored = try await shared.incident(record.id)
        } catch {
            throw .storage("the incident could not be read: \(error)")
        }
        guard let stored, stored.revision >= incident.revision, var fresh = LiveIncident(record: record, bundle: bundle) else { return }
        fresh.restore(stored)
        incident = fresh
        changed()
        armTimer()
    }

    /// Arms the timer for the pending deadline (after a restart too): it fires as soon as the
    /// clock is past the deadline, stamped with the deadline.
    func armTimer() {
        let deadline = incident.session.deadline
        guard deadline != armedFor else { return }
        timer?.cancel()
        armedFor = deadline
        guard let deadline else {
            timer = nil
            return
        }
        let clock = self.clock
        timer = Task { [weak self] in
            // One millisecond past: an approval exactly at the deadline is on time.
            guard (try? await clock.sleep(until: deadline.adding(milliseconds: 1))) != nil else { return }
            await self?.fireDeadline()
        }
    }

    /// Fires the deadline if it is due; a failed store leaves it to fire at the next look. When
    /// replicas share the store, only one fires it: the others' steps conflict, and they find
    /// it fired when they load the incident again.
    func fireDeadline() async {
        await beginTurn()
        defer { endTurn() }
        var next = incident
        guard let commit = next.fireDeadline(now: clock.now()) else { return }
        do {
            next.stored(revision: try await services.commit(commit, decision: nil, took: nil))
            incident = next
            changed()
            armedFor = nil
            armTimer()
        } catch is StoreConflict {
            // Another replica stored a step first (it may have fired the deadline).
            armedFor = nil
            if (try? await reload()) == nil { retryDeadline() } else { armTimer() }
        } catch {
            retryDeadline()
        }
    }

    /// Tries the deadline again in a second.
    private func retryDeadline() {
        armedFor = nil
        let clock = self.clock
        timer = Task { [weak self] in
            guard (try? await clock.sleep(until: clock.now().adding(milliseconds: 1000))) != nil else { return }
            await self?.fireDeadline()
        }
    }

    /// Takes the incident's turn (waiting for it, first come first served), then brings the
    /// incident up to date when replicas share the store (a failure to is caught when the step
    /// is stored: it is made from a version the store no longer has).
    func beginTurn() async {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        try? await refresh()
    }

    /// Hands the turn to the next in line, or frees it.
    func endTurn() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Stops the timer (shutdown).
    func stop() {
        timer?.cancel()
        timer = nil
    }
}
