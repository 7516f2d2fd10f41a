import AsyncHTTPClient
import Logging
import ReinAdapters
import Synchronization

/// Approval cards on Teams: posts each `send_approval_card` to the runbook's channel (the
/// native executor of that effect), keeps the activity id, and redraws the posted card in place
/// whenever the action's status changes (each approval, the rejection, the expiry, the result).
/// - A card is posted once per effect: a retried delivery finds it recorded and does not post
///   again (a crash between Teams' answer and the record can post it twice).
/// - The activity is kept at most 80 KB of UTF-16; on Teams' 413 `MessageSizeTooBig` the
///   reasoning is cut further, and the card says so.
/// - A redraw that fails is tried again (5 s doubling to a minute); the status last shown is
///   stored, so a restart redraws only what changed.
public final class TeamsCards: EffectExecutor {
    let connector: BotConnector
    let channels: [String: TeamsConfig.Channel]
    let logger: Logger
    private let host = Mutex<SessionHost?>(nil)
    let redraws: CardRedraws

    public init(config: TeamsConfig, tokens: EntraTokens, clock: any HostClock, logger: Logger) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        connector = BotConnector(
            client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration), tokens: tokens, identity: config.identity,
            timeout: .seconds(30))
        channels = config.channels
        self.logger = logger
        redraws = CardRedraws(connector: connector, clock: clock, logger: logger)
    }

    /// The runbooks whose approval channel `teams.channels` does not name (their cards could
    /// never be posted), as messages.
    public static func missingChannels(in policy: CompiledPolicy, config: TeamsConfig) -> [String] {
        policy.runbookChannels.compactMap { runbook, channel in
            config.channels[channel] == nil
                ? "runbook `\(runbook)` sends its cards to channel `\(channel)`, which `teams.channels` does not declare" : nil
        }
    }

    /// Works for `host`: reads the posted cards back and from then on redraws them as incidents
    /// change. Call before the host starts delivering.
    public func attach(_ host: SessionHost) async throws {
        self.host.withLock { $0 = host }
        let redraws = self.redraws
        host.onChange { incident in Task { await redraws.changed(incident) } }
        host.onCardPosted { effect in Task { await redraws.learn(effect) } }
        try await redraws.load(host)
    }

    /// Redraws what changed while the server was down. Call once the host has started.
    public func resume() async {
        await redraws.changedAll()
    }

    public func deliver(_ delivery: EffectDelivery) async throws {
        guard let host = host.withLock({ $0 }) else { throw TeamsError("the Teams executor is not attached to a host") }
        guard case .object(let effect) = delivery.effect, case .object(let card)? = effect["card"], let digest = Self.digest(of: .object(card)) else {
            return try await settle(host, delivery, error: "the effect carries no approval card")
        }
        if await redraws.has(delivery.id) { return try await settle(host, delivery, error: nil) }
        // Posted by a replica that died before it recorded the delivery.
        if let shared = host.services.shared, let posted = try await shared.postedCard(effect: delivery.id) {
            await redraws.posted(posted)
            return try await settle(host, delivery, error: nil)
        }
        guard let context = await host.card(of: delivery.incident, digest: digest) else {
            return try await settle(host, delivery, error: "incident `\(delivery.incident)` has no card for this action")
        }
        guard let name = context.channel, let channel = channels[name] else {
            let why = context.channel.map { "channel `\($0)` is not in `teams.channels`" } ?? "the runbook names no approval channel"
            return try await settle(host, delivery, error: "the card cannot be posted: \(why)")
        }
        let activity = try await post(.object(card), to: channel, incident: delivery.incident)
        let posted = PostedCard(
            effect: delivery.id, incident: delivery.incident, digest: digest, serviceURL: channel.serviceURL, conversation: channel.conversationID,
            activity: activity.id, card: JSONWriter.encode(activity.card), shown: CardRedraws.fingerprint(activity.card))
        try await host.services.store.savePostedCard(posted)
        await redraws.posted(posted)
        try await settle(host, delivery, error: nil)
        await redraws.changed(delivery.incident)
    }

    public func shutdown() async {
        await redraws.stop()
        try? await connector.client.shutdown()
    }

    /// Posts the card, cut to fit; cut further (halving the budget) each time Teams says it is
    /// too large.
    private func post(_ card: JSONValue, to channel: TeamsConfig.Channel, incident: String) async throws -> (id: String, card: JSONValue) {
        var budget = TeamsCard.maxActivityBytes
        var why: String?
        while true {
            guard let fitted = TeamsCard.fit(card, budget: budget, why: why) else {
                throw TeamsError("the card does not fit in a Teams message even without the reasoning")
            }
            do {
                return (try await connector.post(TeamsCard.activity(fitted), serviceURL: channel.serviceURL, conversation: channel.conversationID), fitted)
            } catch let failure as BotConnector.Failure where failure.status == 413 {
                logger.warning("Teams refused the card as too large; the reasoning is cut further", metadata: ["incident": "\(incident)"])
                budget /= 2
                why = "Teams refused the message as too large"
            }
        }
    }

    private func settle(_ host: SessionHost, _ delivery: EffectDelivery, error: String?) async throws {
        if let error { logger.error("an approval card was not posted", metadata: ["incident": "\(delivery.incident)", "why": "\(error)"]) }
        if let refused = await host.acknowledgeNatively(delivery.id, ok: error == nil, error: error) {
            throw TeamsError("the card's outcome could not be recorded: \(refused)")
        }
    }

    /// The digest a card's buttons carry.
    static func digest(of card: JSONValue) -> String? {
        guard case .object(let fields) = card, case .array(let actions)? = fields["actions"] else { return nil }
        for action in actions {
            if case .object(let button) = action, case .object(let data)? = button["data"], case .string(let digest)? = data["digest"] { return digest }
        }
        return nil
    }
}

/// Keeps posted cards in step with their actions' status: one redraw at a time per card, in
/// the order changes come, retried until Teams takes it. Replicas sharing a store each know every
/// card (another replica's is announced when it is posted): the replica at which an incident
/// changes redraws its card.
actor CardRedraws {
    let connector: BotConnector
    let clock: any HostClock
    let logger: Logger
    /// The cards whose status may still change (one that can no longer change is let go once it
    /// shows that status: memory stays bounded by the cards in play).
    private var cards: [String: PostedCard] = [:]
    /// Every effect whose card was posted (a retried delivery must not post again).
    private var postedEffects: Set<String> = []
    private var host: SessionHost?
    private var dirty: [String] = []
    private var worker: Task<Void, Never>?
    private var retries: [String: Int] = [:]
    /// Incidents with a retry waiting: at most one each, however many redraws fail meanwhile.
    private var retryWaiting: Set<String> = []
    private var stopped = false

    init(connector: BotConnector, clock: any HostClock, logger: Logger) {
        self.connector = connector
        self.clock = clock
        self.logger = logger
    }

    /// What a card shows, as a fingerprint: redrawn only when it changes.
    static func fingerprint(_ card: JSONValue) -> String { Hashing.sha256Hex(JSONWriter.encode(card)) }

    func load(_ host: SessionHost) async throws {
        self.host = host
        for card in try await host.services.store.postedCards() {
            cards[card.effect] = card
            postedEffects.insert(card.effect)
        }
    }

    /// Every posted card is looked at (after a restart).
    func changedAll() {
        for incident in Set(cards.values.map(\.incident)).sorted() { changed(incident) }
    }

    func has(_ effect: String) -> Bool { postedEffects.contains(effect) }

    func posted(_ card: PostedCard) {
        cards[card.effect] = card
        postedEffects.insert(card.effect)
    }

    /// Another replica posted the card of effect `effect`: it is read from the shared store.
    func learn(_ effect: String) async {
        guard !postedEffects.contains(effect), let shared = host?.services.shared else { return }
        do {
            if let card = try await shared.postedCard(effect: effect) { posted(card) }
        } catch {
            logger.warning("a card another replica posted could not be read", metadata: ["effect": "\(effect)", "why": "\(error)"])
        }
    }

    /// The posted card of `activity`, if Rein posted it.
    func card(activity: String) -> PostedCard? { cards.values.first { $0.activity == activity } }

    /// The posted card of incident `incident` for `digest`.
    func card(incident: String, digest: String) -> PostedCard? { cards.values.first { $0.incident == incident && $0.digest == digest } }

    /// Incident `incident` changed: its cards are looked at.
    func changed(_ incident: String) {
        guard !stopped, cards.values.contains(where: { $0.incident == incident }), !dirty.contains(incident) else { return }
        dirty.append(incident)
        guard worker == nil else { return }
        worker = Task { await self.work() }
    }

    /// Lets go of a card whose status can no longer change.
    private func forget(_ effect: String) {
        cards[effect] = nil
        retries[effect] = nil
    }

    private func retry(_ incident: String) {
        retryWaiting.remove(incident)
        changed(incident)
    }

    func stop() async {
        stopped = true
        worker?.cancel()
        await worker?.value
    }

    private func work() async {
        while !dirty.isEmpty, !stopped {
            let incident = dirty.removeFirst()
            for effect in cards.values.filter({ $0.incident == incident }).map(\.effect).sorted() {
                guard !stopped, let card = cards[effect] else { continue }
                await redraw(card)
            }
        }
        worker = nil
    }

    private func redraw(_ card: PostedCard) async {
        guard let host, let (status, _) = await host.card(of: card.incident, digest: card.digest),
            case .success(let original) = JSONReader.parse(card.card, maxBytes: 1 << 20)
        else { return }
        let redrawn = TeamsCard.fit(TeamsCard.redraw(original, status: status)) ?? original
        let shown = Self.fingerprint(redrawn)
        guard shown != card.shown else {
            if status.isFinal { forget(card.effect) }
            return
        }
        do {
            try await connector.update(
                TeamsCard.activity(redrawn, id: card.activity), id: card.activity, serviceURL: card.serviceURL, conversation: card.conversation)
            try await host.services.store.setCardShown(effect: card.effect, shown: shown)
            cards[card.effect]?.shown = shown
            retries[card.effect] = nil
            if status.isFinal { forget(card.effect) }
        } catch {
            let attempts = (retries[card.effect] ?? 0) + 1
            retries[card.effect] = attempts
            let wait = min(60, 5 << min(attempts - 1, 4))
            logger.warning(
                "a Teams card could not be redrawn", metadata: ["incident": "\(card.incident)", "why": "\(error)", "retry_in_s": "\(wait)"])
            let clock = self.clock
            let incident = card.incident
            guard retryWaiting.insert(incident).inserted else { return }
            Task { [weak self] in
                guard (try? await clock.sleep(until: clock.now().adding(milliseconds: Int64(wait) * 1000))) != nil else { return }
                await self?.retry(incident)
            }
        }
    }
}

struct TeamsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
