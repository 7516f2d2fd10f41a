import AsyncHTTPClient
import Logging
import ReinAdapters

/// `POST /api/messages`: what Teams sends the bot. The Bot Framework's token is checked before
/// anything is read: RS256 by a key of the Bot Framework's OpenID metadata, issuer
/// `https://api.botframework.com`, audience the bot's app id (or `api://` it), within its
/// validity (5 minutes of skew), its `serviceurl` claim the activity's `serviceUrl`, and the
/// activity's channel among the signing key's endorsements. Anything else is 401 and nothing is
/// recorded.
///
/// A click on a card's button (an `adaptiveCard/action` invoke) is the approval or rejection of
/// the person Teams' members API names (their user principal name; never a name in the card's
/// data), recorded as if posted to the incident's approvals, plus a `teams_click` audit entry
/// with the user's Entra object id. The answer is the card redrawn: the action's status, and for
/// the clicker alone, what became of the click (counted, or ignored and why). Other activities
/// are acknowledged and otherwise ignored.
public struct TeamsInbox: Sendable {
    static let issuer = "https://api.botframework.com"

    let verifier: SignedTokenVerifier
    let host: SessionHost
    let cards: TeamsCards
    let members: MemberDirectory
    let clock: any HostClock
    let logger: Logger

    public init(config: TeamsConfig, keys client: HTTPClient, host: SessionHost, cards: TeamsCards, clock: any HostClock, logger: Logger) {
        verifier = SignedTokenVerifier(
            keys: OpenIDKeySet(metadataURL: config.openIDMetadata, client: client), issuers: [Self.issuer],
            audiences: [config.appID, "api://\(config.appID)"])
        self.host = host
        self.cards = cards
        members = MemberDirectory(connector: cards.connector, clock: clock)
        self.clock = clock
        self.logger = logger
    }

    /// What `POST /api/messages` answers: an HTTP status and, for an invoke, its JSON body.
    struct Answer: Sendable {
        var status: Int
        var body: JSONValue?
    }

    func receive(authorization: String?, body: [UInt8]) async -> Answer {
        let activity: BotActivity
        switch await authenticate(authorization: authorization, body: body) {
        case .success(let read): activity = read
        case .failure(let refusal):
            logger.warning("a Bot Framework request was refused", metadata: ["why": "\(refusal.message)"])
            return Answer(status: 401, body: nil)
        }
        guard activity.type == "invoke" else { return Answer(status: 200, body: nil) }
        guard activity.name == "adaptiveCard/action" else {
            return Self.error(400, "Rein's bot answers only `adaptiveCard/action` invokes, not `\(activity.name ?? "")`")
        }
        guard let click = activity.click else {
            return Self.error(400, "the action carries no `verb` of approve or reject with `incident` and `digest` in its data")
        }
        return await answer(click, in: activity)
    }

    /// The activity, once its token and the claims that bind it hold.
    private func authenticate(authorization: String?, body: [UInt8]) async -> Result<BotActivity, InboundTokenError> {
        guard let authorization, authorization.hasPrefix("Bearer "), authorization.count > 7 else {
            return .failure(InboundTokenError("no bearer token"))
        }
        let token: VerifiedToken
        do {
            token = try await verifier.verify(String(authorization.dropFirst(7)), now: clock.now().seconds)
        } catch {
            return .failure(error)
        }
        guard let activity = BotActivity(body) else { return .failure(InboundTokenError("the body is not an activity")) }
        guard let claimed = token.string("serviceurl"), Self.sameServiceURL(claimed, activity.serviceURL) else {
            return .failure(InboundTokenError("the token's `serviceurl` is not the activity's `serviceUrl` `\(activity.serviceURL)`"))
        }
        guard token.endorsements.contains(activity.channel) else {
            return .failure(InboundTokenError("the signing key is not endorsed for channel `\(activity.channel)`"))
        }
        return .success(activity)
    }

    static func sameServiceURL(_ a: String, _ b: String) -> Bool {
        func norm(_ url: String) -> String { String(url.lowercased().reversed().drop { $0 == "/" }.reversed()) }
        return !a.isEmpty && norm(a) == norm(b)
    }

    /// Records a click and answers with the card redrawn for the clicker.
    private func answer(_ click: BotActivity.Click, in activity: BotActivity) async -> Answer {
        let posted = await activity.replyTo.asyncFlatMap { await cards.redraws.card(activity: $0) }
        // The card the click is on names its own incident; its data must agree.
        if let posted, posted.incident != click.incident {
            let why = "this card is incident `\(posted.incident)`'s, but the click names incident `\(click.incident)`"
            await audit(posted.incident, click, activity, upn: nil, accepted: false, why: why)
            return await card(incident: posted.incident, digest: posted.digest, posted: posted, note: why, ignored: true)
        }
        let upn: String
        switch await members.principalName(of: activity) {
        case .success(let name): upn = name
        case .failure(let why):
            let reason = "your user principal name could not be read from Teams (\(why)), so the click cannot count"
            await audit(click.incident, click, activity, upn: nil, accepted: false, why: reason)
            return await card(incident: click.incident, digest: click.digest, posted: posted, note: reason, ignored: true)
        }
        let outcome: (accepted: Bool, why: String?)
        do {
            outcome = try await host.click(click.incident, approve: click.verb == "approve", by: upn, digest: click.digest)
        } catch {
            let why = Self.reason(error)
            await audit(click.incident, click, activity, upn: upn, accepted: false, why: why)
            return await card(incident: click.incident, digest: click.digest, posted: posted, note: why, ignored: true)
        }
        await audit(click.incident, click, activity, upn: upn, accepted: outcome.accepted, why: outcome.why)
        let note: String
        if outcome.accepted {
            note = click.verb == "approve" ? "Your approval counted (\(outcome.why ?? "approved"))." : "You rejected it: no action will be taken."
        } else {
            note = "Your click was ignored: \(outcome.why ?? "it did not count")."
        }
        return await card(incident: click.incident, digest: click.digest, posted: posted, note: note, ignored: !outcome.accepted)
    }

    /// The invoke's answer: the card redrawn with the action's status and the note.
    private func card(incident: String, digest: String, posted: PostedCard?, note: String, ignored: Bool) async -> Answer {
        var original: JSONValue?
        var status: CardStatus?
        if let posted, case .success(let card) = JSONReader.parse(posted.card, maxBytes: 1 << 20) {
            original = card
            status = await host.card(of: posted.incident, digest: posted.digest)?.status
        }
        if original == nil, let known = await cards.redraws.card(incident: incident, digest: digest),
            case .success(let card) = JSONReader.parse(known.card, maxBytes: 1 << 20)
        {
            original = card
            status = await host.card(of: incident, digest: digest)?.status
        }
        let drawn: JSONValue
        if let original, let status {
            drawn = TeamsCard.fit(TeamsCard.redraw(original, status: status, note: (note, ignored))) ?? original
        } else {
            drawn = TeamsCard.notice(note)
        }
        return Answer(
            status: 200,
            body: .object(JSONObject(["statusCode": .integer(200), "type": .string(TeamsCard.contentType), "value": drawn])))
    }

    /// A `teams_click` audit entry: who clicked (Teams id, Entra object id, UPN), what, and
    /// what became of it.
    private func audit(_ incident: String, _ click: BotActivity.Click, _ activity: BotActivity, upn: String?, accepted: Bool, why: String?) async {
        // A click naming no incident of this server has nowhere to be audited (it is logged).
        guard await host.incidentActor(incident) != nil else {
            logger.notice("a click names no incident here", metadata: ["incident": "\(incident)", "from": "\(activity.from)"])
            return
        }
        var entries: [(key: String, value: JSONValue)] = [
            ("verb", .string(click.verb)), ("digest", .string(click.digest)), ("from", .string(activity.from)),
        ]
        if let object = activity.fromObjectID { entries.append(("aad_object_id", .string(object))) }
        if let upn { entries.append(("upn", .string(upn))) }
        if let id = activity.id { entries.append(("activity", .string(id))) }
        entries.append(("accepted", .bool(accepted)))
        if let why { entries.append(("why", .string(why))) }
        await host.audit(incident, type: "teams_click", data: JSONObject(entries: entries))
    }

    private static func reason(_ error: HostError) -> String {
        switch error {
        case .notFound: "there is no such incident"
        default: "\(error)"
        }
    }

    static func error(_ status: Int, _ message: String) -> Answer {
        Answer(
            status: 200,
            body: .object(JSONObject([
                "statusCode": .integer(Int64(status)), "type": .string("application/vnd.microsoft.error"),
                "value": .object(JSONObject(["code": .string("BadRequest"), "message": .string(message)])),
            ])))
    }
}

extension Optional {
    fileprivate func asyncFlatMap<T>(_ transform: (Wrapped) async -> T?) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
