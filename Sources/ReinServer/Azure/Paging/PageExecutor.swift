import Logging
import ReinAdapters
import Synchronization

/// Pages the on-call engineer (`page`: an approval that timed out, an iteration limit): a
/// message to a Teams channel, a signed webhook to a paging service (the effects' envelope
/// `{"effect":{"id","type":"page","priority","summary","runbook"},"incident"}`, signed and keyed
/// as effects are), or both — each with the priority, the incident, the runbook and why. Both must take it
/// before the page counts as done; a part that went through is not sent again while the server
/// runs (a restart may send it again: receivers de-duplicate by the `Idempotency-Key`).
public final class PageExecutor: EffectExecutor {
    let teams: (cards: TeamsCards, channel: TeamsConfig.Channel)?
    let webhook: SignedPoster?
    private let host = Mutex<SessionHost?>(nil)
    private let sent = Mutex<Set<String>>([])

    /// `teams`: the Teams executor and the channel pages go to; `webhook`: the paging service's
    /// URL and signing secret.
    public init(teams: (cards: TeamsCards, channel: TeamsConfig.Channel)?, webhook: (url: String, secret: [UInt8])?) {
        self.teams = teams
        self.webhook = webhook.map { SignedPoster(url: $0.url, secret: $0.secret) }
    }

    public func attach(_ host: SessionHost) { self.host.withLock { $0 = host } }

    public func deliver(_ delivery: EffectDelivery) async throws {
        guard let host = host.withLock({ $0 }) else { throw TeamsError("the paging executor is not attached to a host") }
        guard case .object(let effect) = delivery.effect, case .string(let priority)? = effect["priority"] else {
            if let refused = await host.acknowledgeNatively(delivery.id, ok: false, error: "the effect carries no page") { throw TeamsError("\(refused)") }
            return
        }
        let summary: String = if case .string(let text)? = effect["summary"] { text } else { "" }
        let runbook = await host.incidentActor(delivery.incident)?.record.runbook ?? ""
        if let teams, !sent.withLock({ $0.contains(delivery.id + "#teams") }) {
            let text = "**\(priority) page from Rein**: incident `\(delivery.incident)`, runbook `\(runbook)`. \(summary)"
            let message = JSONValue.object(JSONObject(["type": .string("message"), "textFormat": .string("markdown"), "text": .string(text)]))
            _ = try await teams.cards.connector.post(message, serviceURL: teams.channel.serviceURL, conversation: teams.channel.conversationID)
            sent.withLock { _ = $0.insert(delivery.id + "#teams") }
        }
        if let webhook {
            // The effects' own envelope, with the runbook: one receiver can take both.
            let body = JSONValue.object(JSONObject([
                "effect": .object(JSONObject([
                    "id": .string(delivery.id), "type": .string("page"), "priority": .string(priority), "summary": .string(summary),
                    "runbook": .string(runbook),
                ])),
                "incident": .string(delivery.incident),
            ]))
            try await webhook.post(JSONWriter.encode(body), key: delivery.id)
        }
        sent.withLock { _ = $0.remove(delivery.id + "#teams") }
        if let refused = await host.acknowledgeNatively(delivery.id, ok: true, error: nil) {
            throw TeamsError("the page's outcome could not be recorded: \(refused)")
        }
    }

    public func shutdown() async {
        await webhook?.shutdown()
    }
}
