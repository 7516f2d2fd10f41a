import ReinAdapters

/// What the Teams integration asks of the host: an approval card's status and channel, and a
/// click on a card recorded as the approval or rejection of the person behind it.
extension SessionHost {
    /// Calls `handler` with an incident's id whenever it changes.
    func onChange(_ handler: @escaping @Sendable (String) -> Void) {
        services.changes.subscribe(handler)
    }

    /// Calls `handler` with an effect's id whenever another replica posts its card to Teams.
    func onCardPosted(_ handler: @escaping @Sendable (String) -> Void) {
        services.changes.subscribeToCards(handler)
    }

    /// Calls `handler` whenever audit lines are committed, here or (a shared store) at another
    /// replica: the audit blob follows the chain.
    public func onAuditAppended(_ handler: @escaping @Sendable () -> Void) {
        services.changes.subscribeToAudit(handler)
    }

    /// The status of incident `incident`'s card for `digest`, and the runbook's approval channel;
    /// nil when the incident or the card is unknown.
    func card(of incident: String, digest: String) async -> (status: CardStatus, channel: String?)? {
        guard let actor = await incidentActor(incident) else { return nil }
        return await actor.card(digest)
    }

    /// Records a click on a card: the verdict of `by` (whom the members API names) on the
    /// action with `digest`. What became of it: counted, or ignored and why.
    func click(_ incident: String, approve: Bool, by: String, digest: String) async throws(HostError) -> (accepted: Bool, why: String?) {
        guard let actor = await incidentActor(incident) else { throw .notFound("no incident `\(incident)`") }
        let view = try await actor.post { at throws(HostError) in
            approve ? .approve(at: at, by: by, digest: digest) : .reject(at: at, by: by, comment: nil, digest: digest)
        }
        guard case .object(let answer) = view, case .object(let step)? = answer["step"] else { return (false, "the click was not recorded") }
        let why: String? = if case .string(let text)? = step["why"] { text } else { nil }
        return (step["accepted"] == .bool(true), why)
    }
}

extension IncidentActor {
    /// The status of the card for `digest` (brought up to date with a shared store first), and
    /// the runbook's approval channel.
    func card(_ digest: String) async -> (status: CardStatus, channel: String?)? {
        try? await refresh()
        guard let status = CardStatus.of(digest: digest, in: incident.session) else { return nil }
        var channel: String?
        for timed in incident.session.effects {
            if case .sendApprovalCard(let pending) = timed.effect, pending.digest == digest {
                channel = pending.approval.channel
                break
            }
        }
        return (status, channel)
    }
}
