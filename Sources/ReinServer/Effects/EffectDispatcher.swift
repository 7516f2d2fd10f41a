import Logging
import ReinAdapters

/// Delivers the outbox's effects to their executors, at least once, surviving restarts: the
/// outbox is in the store, written with each step; the dispatcher keeps the pending effects in
/// memory (read back at start-up) and records every attempt in the store. The rules
/// (docs/SERVE.md, "Effects and executors"):
/// - an incident's effects go out one at a time, in the order they were stored;
/// - an `execute` goes out only once its `activate_role` was acknowledged, and only while the
///   incident is still executing it; an activation that failed or was not acknowledged within
///   the activation timeout becomes the result `failed` ("elevation failed: …");
/// - a failed attempt is tried again after a capped exponential back-off with jitter.
/// Different incidents' effects go out in parallel, up to ``maxInFlight`` at once.
///
/// When replicas share the store, a replica delivers only the effects it claimed: at each look
/// (rung by its own commits and by other replicas' changes, and every second) it claims each
/// incident's first pending effect under a lease, renewing its own; a
/// replica that dies leaves its leases to run out, and another claims and delivers them
/// (``SharedStoreReplica``).
actor EffectDispatcher {
    private let executors: EffectExecutors
    private let services: HostServices
    private let state: HostState
    private let doorbell: Doorbell
    /// The pending effects of each incident, in the order they were stored.
    private var queues: [String: [OutboxEntry]] = [:]
    /// Incidents with a delivery under way.
    private var busy: Set<String> = []
    private var deliveries: [String: Task<Void, Never>] = [:]
    private var loop: Task<Void, Never>?
    private var timer: Task<Void, Never>?
    private var timerAt: Timestamp?
    static let maxInFlight = 16
    /// The owner of the leases this dispatcher takes (shared stores).
    private let replica = SharedStoreReplica.newName()
    /// When to claim from every incident next (shared stores): at the first look, then every second.
    private var nextScan = Timestamp(seconds: 0)


    init(executors: EffectExecutors, services: HostServices, state: HostState, doorbell: Doorbell) {
        self.executors = executors
        self.services = services
        self.state = state
        self.doorbell = doorbell
    }

    /// Reads the pending effects from the store and starts delivering: a first look, then one
    /// at every ring.
    func start() async throws {
        guard loop == nil else { return }
        if services.shared == nil {
            for entry in try await services.store.pendingEffects(limit: Int.max) { queues[entry.effect.incident, default: []].append(entry) }
        }
        // Effects stored since were also rung in: the first look keeps each once.
        let rings = doorbell.rings
        loop = Task { [weak self] in
            for await _ in rings {
                guard let self, !Task.isCancelled else { return }
                await self.look()
            }
        }
        doorbell.ring()
    }

    /// Stops delivering (shutdown): deliveries under way are cancelled and tried again at the
    /// next start.
    func stop() async {
        doorbell.close()
        loop?.cancel()
        timer?.cancel()
        for task in deliveries.values { task.cancel() }
        for task in deliveries.values { await task.value }
        deliveries = [:]
        await executors.shutdown()
    }

    /// One look: takes in what was stored since, settles what cannot go out any more, starts
    /// what may, and sets the timer for the next due retry or activation timeout.
    private func look() async {
        let arrivals = doorbell.takeArrivals()
        let now = services.clock.now()
        if let shared = services.shared {
            if now >= nextScan {
                await claim(from: shared, now: now)
                nextScan = now.adding(milliseconds: SharedStoreReplica.claimEvery)
            } else {
                await claim(touching: arrivals.touched.union(arrivals.stored.map(\.incident)), from: shared, now: now)
            }
        } else {
            take(arrivals.stored)
        }
        // Acknowledged before they went out; one under way finishes (its record does not
        // overwrite the acknowledgement).
        for id in arrivals.settled where deliveries[id] == nil { remove(id, of: String(id.prefix { $0 != "/" })) }
        var next: Timestamp? = services.shared == nil ? nil : nextScan
        for incident in Array(queues.keys) where !busy.contains(incident) {
            // The first delivery to finish rings again.
            guard busy.count < Self.maxInFlight else { break }
            guard let decided = await firstReady(of: incident, now: now, next: &next) else { continue }
            guard let executor = executors.executor(for: decided.effect) else { continue }
            if decided.notBefore > now {
                next = min(next ?? decided.notBefore, decided.notBefore)
                continue
            }
            send(decided, to: executor)
        }
        if let next { wake(at: next) }
    }

    /// Queues the effects stored since the last look (the embedded store: this host is the only one).
    private func take(_ stored: [OutboxEffect]) {
        for effect in stored where !(queues[effect.incident]?.contains { $0.effect.id == effect.id } ?? false) {
            queues[effect.incident, default: []].append(
                OutboxEntry(effect: effect, delivery: "pending", attempts: 0, notBefore: Timestamp(seconds: 0), error: nil))
        }
    }

    /// Claims the first pending effect of each incident `touched` (a shared store): one this
    /// replica just stored, or one whose effects moved on.
    private func claim(touching touched: Set<String>, from shared: any SharedStore, now: Timestamp) async {
        guard !touched.isEmpty else { return }
        do {
            let claimed = try await shared.claimEffects(
                of: touched.sorted(), owner: replica, now: now, until: now.adding(milliseconds: SharedStoreReplica.leaseMilliseconds))
            for entry in claimed where !(queues[entry.effect.incident]?.contains { $0.effect.id == entry.effect.id } ?? false) {
                queues[entry.effect.incident, default: []].append(entry)
            }
        } catch {
            services.logger.warning("effects could not be claimed", metadata: ["why": "\(error)"])
        }
    }

    /// Claims what this replica may deliver (a shared store), once a second: the queues become
    /// the effects claimed, besides those under way. A failed claim leaves the queues as they were.
    private func claim(from shared: any SharedStore, now: Timestamp) async {
        let claimed: [OutboxEntry]
        do {
            claimed = try await shared.claimEffects(
                owner: replica, now: now, until: now.adding(milliseconds: SharedStoreReplica.leaseMilliseconds), limit: 256)
        } catch {
            services.logger.warning("effects could not be claimed", metadata: ["why": "\(error)"])
            return
        }
        var fresh: [String: [OutboxEntry]] = [:]
        for entry in claimed { fresh[entry.effect.incident, default: []].append(entry) }
        for (incident, queue) in queues where busy.contains(incident) {
            fresh[incident] = queue.filter { deliveries[$0.effect.id] != nil } + (fresh[incident] ?? []).filter { deliveries[$0.effect.id] == nil }
        }
        queues = fresh
    }

    /// The incident's first effect if it may go out now. Effects that were settled meanwhile
    /// (acknowledged, or never to be sent) leave the queue; an `execute` waiting behind its
    /// activation is looked at for the activation's timeout.
    private func firstReady(of incident: String, now: Timestamp, next: inout Timestamp?) async -> OutboxEntry? {
        while let queue = queues[incident], let head = queue.first {
            for waiting in queue.dropFirst() where waiting.effect.type == "execute" {
                if case .wait(let until) = await gate(waiting, now: now) { next = min(next ?? until, until) }
            }
            switch await gate(head, now: now) {
            case .ready: return head
            case .wait(let until):
                next = min(next ?? until, until)
                return nil
            case .settled: remove(head.effect.id, of: incident)
            }
        }
        return nil
    }

    /// Whether an effect may go out: an elevation and its execution depend on the incident's
    /// state; any other pending effect goes (one acknowledged before it went out, by an
    /// executor that reads incidents, stays as acknowledged: a delivery never overwrites it).
    private func gate(_ entry: OutboxEntry, now: Timestamp) async -> DeliveryGate {
        let effect = entry.effect
        guard effect.type == "execute" || effect.type == "activate_role" else { return .ready }
        guard let actor = try? await SessionHost.actor(effect.incident, services: services, state: state) else { return .settled }
        return await actor.gate(effect.id, now: now, activationTimeout: executors.activationTimeout)
    }

    private func remove(_ id: String, of incident: String) {
        queues[incident]?.removeAll { $0.effect.id == id }
        if queues[incident]?.isEmpty == true { queues[incident] = nil }
    }

    private func send(_ entry: OutboxEntry, to executor: any EffectExecutor) {
        let effect = entry.effect
        busy.insert(effect.incident)
        var json = JSONObject(entries: [("id", .string(effect.id))])
        if case .success(.object(let body)) = JSONReader.parse(effect.body, maxBytes: Int.max) {
            json = JSONObject(entries: json.entries + body.entries)
        }
        let delivery = EffectDelivery(id: effect.id, incident: effect.incident, type: effect.type, effect: .object(json))
        deliveries[effect.id] = Task { [weak self] in
            let outcome: Result<Void, any Error>
            do {
                try await executor.deliver(delivery)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await self?.finished(entry, outcome)
        }
    }

    private func finished(_ entry: OutboxEntry, _ outcome: Result<Void, any Error>) async {
        let effect = entry.effect
        defer {
            busy.remove(effect.incident)
            deliveries[effect.id] = nil
            doorbell.ring(touching: effect.incident)
        }
        guard !Task.isCancelled else { return }
        let metadata: Logger.Metadata = ["incident": "\(effect.incident)", "effect": "\(effect.id)", "type": "\(effect.type)"]
        do {
            switch outcome {
            case .success:
                // Acknowledged meanwhile, it stays `done` or `failed`.
                if let revision = try await services.store.setDelivery(effect.id, to: "delivered", from: ["pending"], error: nil) {
                    await state.actor(effect.incident)?.delivered(effect.id, revision: revision)
                    services.metrics.effects(type: effect.type, delivery: "delivered").increment()
                }
                remove(effect.id, of: effect.incident)
                services.logger.info("effect delivered", metadata: metadata)
            case .failure(let error):
                let attempts = entry.attempts + 1
                let wait = executors.retry.delay(afterAttempts: attempts, random: Double.random(in: 0..<1))
                let notBefore = services.clock.now().adding(milliseconds: wait)
                try await services.store.deferDelivery(effect.id, attempts: attempts, notBefore: notBefore, error: "\(error)")
                if let index = queues[effect.incident]?.firstIndex(where: { $0.effect.id == effect.id }) {
                    queues[effect.incident]?[index].attempts = attempts
                    queues[effect.incident]?[index].notBefore = notBefore
                }
                var failure = metadata
                failure["attempt"] = "\(attempts)"
                failure["why"] = "\(error)"
                failure["retry_in_ms"] = "\(wait)"
                services.logger.warning("effect delivery failed", metadata: failure)
            }
        } catch {
            services.logger.error("an effect's delivery could not be recorded", metadata: ["effect": "\(effect.id)", "why": "\(error)"])
        }
    }

    /// Looks again at `time` (the earliest timer wins).
    private func wake(at time: Timestamp) {
        if let timerAt, timerAt <= time, timer != nil { return }
        timer?.cancel()
        timerAt = time
        let clock = services.clock
        let doorbell = self.doorbell
        timer = Task { [weak self] in
            guard (try? await clock.sleep(until: time)) != nil else { return }
            await self?.timerFired()
            doorbell.ring()
        }
    }

    private func timerFired() {
        timer = nil
        timerAt = nil
    }
}
