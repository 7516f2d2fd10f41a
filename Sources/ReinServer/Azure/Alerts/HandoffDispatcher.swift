import Logging
import ReinAdapters

/// Hands the incidents that alerts open to the agent runtime (`agents.webhook`): a signed
/// `POST` of `{"incident","runbook","mcp"}`, keyed by the incident's id. Each hand-off is
/// stored with its incident and sent at least once: a failed attempt is tried again after a
/// back-off (doubling from half a second to a minute, with jitter), and one not yet delivered
/// when the server stops goes out after the next start. Replicas of a shared store each send the
/// hand-offs they claimed (under a lease, looked at every second): one replica at a time, and
/// another once a dead one's lease has run out.
public actor HandoffDispatcher {
    let store: any SessionStore
    let clock: any HostClock
    let retry: RetrySchedule
    let logger: Logger
    private let poster: SignedPoster
    /// The public URL agents reach this server at, for the `mcp` of the hand-off.
    public nonisolated let publicURL: String
    private var loop: Task<Void, Never>?
    private var sleeper: Task<Void, Never>?
    private var poked = false
    /// The owner of the leases it takes (shared stores).
    private let replica = SharedStoreReplica.newName()

    public init(
        url: String, secret: [UInt8], publicURL: String, store: any SessionStore, clock: any HostClock, logger: Logger,
        retry: RetrySchedule = RetrySchedule()
    ) {
        poster = SignedPoster(url: url, secret: secret)
        self.publicURL = publicURL
        self.store = store
        self.clock = clock
        self.logger = logger
        self.retry = retry
    }

    /// The hand-off body of incident `incident`, worked with runbook `runbook`.
    public nonisolated func body(incident: String, runbook: String) -> [UInt8] {
        JSONWriter.encode(
            .object(
                JSONObject(entries: [
                    ("incident", .string(incident)), ("runbook", .string(runbook)), ("mcp", .string("\(publicURL)/v1/incidents/\(incident)/mcp")),
                ])))
    }

    /// Starts sending: what is stored first, then what comes.
    public func start() {
        guard loop == nil else { return }
        loop = Task { await self.run() }
    }

    /// A hand-off was stored: send it now.
    public func notify() {
        poked = true
        sleeper?.cancel()
    }

    public func stop() async {
        loop?.cancel()
        sleeper?.cancel()
        await loop?.value
        await poster.shutdown()
    }

    private func run() async {
        while !Task.isCancelled {
            poked = false
            var next: Timestamp?
            let pending: [PendingHandoff]
            do {
                if let shared = store as? any SharedStore {
                    let now = clock.now()
                    pending = try await shared.claimHandoffs(
                        owner: replica, now: now, until: now.adding(milliseconds: SharedStoreReplica.leaseMilliseconds), limit: 256)
                    next = now.adding(milliseconds: SharedStoreReplica.claimEvery)
                } else {
                    pending = try await store.pendingHandoffs()
                }
            } catch {
                logger.error("hand-offs could not be read", metadata: ["why": "\(error)"])
                pending = []
                next = Timestamp(epochMilliseconds: clock.now().epochMilliseconds + 1000)
            }
            for handoff in pending where !Task.isCancelled {
                let now = clock.now()
                guard handoff.notBefore <= now else {
                    next = min(next ?? handoff.notBefore, handoff.notBefore)
                    continue
                }
                do {
                    try await poster.post(handoff.body, key: handoff.incident)
                    try await store.settleHandoff(handoff.incident, retry: nil)
                    logger.info("incident handed off", metadata: ["incident": "\(handoff.incident)"])
                } catch {
                    let attempts = handoff.attempts + 1
                    let wait = retry.delay(afterAttempts: attempts, random: Double.random(in: 0..<1))
                    let again = Timestamp(epochMilliseconds: now.epochMilliseconds + wait)
                    try? await store.settleHandoff(handoff.incident, retry: (attempts, again, "\(error)"))
                    logger.warning("hand-off failed", metadata: ["incident": "\(handoff.incident)", "attempts": "\(attempts)", "why": "\(error)"])
                    next = min(next ?? again, again)
                }
            }
            if poked || Task.isCancelled { continue }
            // Until the next retry is due, or a new hand-off is stored.
            let clock = self.clock
            let until = next
            let sleeping = Task<Void, Never> {
                if let until {
                    _ = try? await clock.sleep(until: until)
                } else {
                    _ = try? await Task.sleep(for: .seconds(3600))
                }
            }
            sleeper = sleeping
            await sleeping.value
            sleeper = nil
        }
    }
}
