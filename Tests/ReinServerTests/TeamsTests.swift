import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ReinAdapters
import Testing

@testable import ReinServer

/// Approvals on Teams, against a strict fake Bot Connector and a fake Bot Framework issuer: the
/// card goes to the runbook's channel and is redrawn in place as the action's status changes;
/// a click is the approval of the user the members API names; every forged request is 401 with
/// nothing recorded; ignored clicks say why to the clicker only.
@Suite("rein serve: Teams approvals")
struct TeamsTests {
    static let appID = "5c3f2e1a-0000-4000-8000-0000000000b0"
    static let conversation = "19:sre-oncall@thread.tacv2"
    static let team = "19:team-sre@thread.tacv2"
    static let users: [String: String?] = [
        "29:alice": "alice@contoso.com", "29:bob": "bob@contoso.com", "29:mallory": "mallory@fabrikam.com", "29:guest": nil,
    ]

    struct Rig {
        let server: TestServer
        let bot: FakeBotConnector
        let receiver: WebhookReceiver
        let entra: FakeEntra?
        /// Stops the server and starts another on its database, with fresh Teams executors.
        var restart: (@Sendable () async throws -> TestServer)? = nil
        /// Further replicas on the server's database (PostgreSQL), with Teams integrations of their
        /// own but no effect delivery: every card is posted by the first server.
        var replicas: [TestServer] = []
    }

    /// A server whose cards go to Teams (and, with `paging`, whose pages go to the channel and
    /// the receiver), its other effects to a webhook receiver. With `replicas` above 1, as many
    /// servers on one PostgreSQL schema (`REIN_TEST_POSTGRES`), each with its own Teams executors.
    static func withTeams(paging: Bool = false, replicas: Int = 1, _ body: (Rig) async throws -> Void) async throws {
        let clock = ManualClock(APITests.weekday)
        let entra = FakeEntra(apps: [FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: appID, secret: "bot-s3cr3t")], now: { clock.now().seconds })
        try await entra.start()
        let bot = FakeBotConnector(
            conversations: [conversation, team], users: users, validToken: { entra.resource(of: $0) == BotConnector.audience })
        try await bot.start()
        let issuer = FakeOpenID()
        try await issuer.start()
        let keys = HTTPClient(eventLoopGroupProvider: .singleton)
        let text = "entra:\n  authority: \(entra.authority)\n  identities:\n    bot: {tenant: \(EntraTokenTests.tenant), client_id: \(appID), secret_env: REIN_BOT_SECRET}\n"
        let entraConfig = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        let tokens = try await EntraTokens.make(entraConfig, environment: ["REIN_BOT_SECRET": "bot-s3cr3t"], clock: clock, path: "c.yaml")
        let config = TeamsConfig(
            appID: appID, identity: "bot", openIDMetadata: issuer.metadataURL,
            channels: ["sre-oncall": TeamsConfig.Channel(serviceURL: bot.url, conversationID: conversation)], line: 1)
        let cards = TeamsCards(config: config, tokens: tokens, clock: clock, logger: Logger(label: "rein-test"))
        let receiver = try await WebhookReceiver.start()
        var executors = receiver.executors()
        let pages = paging
            ? PageExecutor(
                teams: (cards, TeamsConfig.Channel(serviceURL: bot.url, conversationID: conversation)),
                webhook: (receiver.url, Array("test-webhook-secret".utf8))) : nil
        let azure = AzureExecutors(teams: cards, teamsConfig: config, paging: pages)
        azure.install(into: &executors)
        let schema = "t_teams_\(UInt32.random(in: 0...UInt32.max))"
        func store() async throws -> (any SessionStore)? { replicas > 1 ? try await TestStores.postgres(schema: schema) : nil }
        let server = try await TestServer.start(at: APITests.weekday, clock: clock, executors: executors, azure: (azure, keys), store: try await store())
        var others: [TestServer] = []
        for _ in 1..<max(1, replicas) {
            let cards = TeamsCards(config: config, tokens: tokens, clock: clock, logger: Logger(label: "rein-test"))
            let azure = AzureExecutors(teams: cards, teamsConfig: config)
            others.append(try await TestServer.start(clock: clock, azure: (azure, keys), store: try await store()))
        }
        var rig = Rig(server: server, bot: bot, receiver: receiver, entra: entra) {
            try await server.stop()
            let cards = TeamsCards(config: config, tokens: tokens, clock: clock, logger: Logger(label: "rein-test"))
            let azure = AzureExecutors(teams: cards, teamsConfig: config)
            var executors = receiver.executors()
            azure.install(into: &executors)
            return try await TestServer.start(at: APITests.weekday, clock: clock, folder: server.folder, executors: executors, azure: (azure, keys))
        }
        rig.replicas = others
        var failure: (any Error)?
        do {
            try await body(rig)
        } catch {
            failure = error
        }
        try await server.stop()
        for other in others { try await other.stop() }
        try await receiver.stop()
        await tokens.shutdown()
        try await keys.shutdown()
        await issuer.stop()
        await bot.stop()
        await entra.stop()
        if let failure { throw failure }
        #expect(bot.refusals.isEmpty, "\(bot.refusals)")
        #expect(receiver.violations.isEmpty, "\(receiver.violations)")
    }

    /// A Bot Framework token for the bot, as the Bot Framework signs it (with `overrides`).
    static func token(_ rig: Rig, _ overrides: [String: Any] = [:], stranger: Bool = false, kid: String = FakeOpenID.kid) async throws -> String {
        let now = rig.server.clock.now().seconds
        var claims: [String: Any] = [
            "iss": "https://api.botframework.com", "aud": appID, "exp": now + 3600, "nbf": now - 60, "serviceurl": rig.bot.url,
        ]
        for (key, value) in overrides { claims[key] = value }
        return try await FakeOpenID.sign(claims, kid: kid, stranger: stranger)
    }

    /// An `adaptiveCard/action` invoke from `user`, as Teams sends it.
    static func invoke(
        _ rig: Rig, from user: String, verb: String = "approve", incident: String, digest: String, replyTo: String?, id: String = UUID().uuidString,
        channel: String = "msteams", serviceURL: String? = nil
    ) -> String {
        var activity: [String: Any] = [
            "type": "invoke", "name": "adaptiveCard/action", "id": id, "channelId": channel, "serviceUrl": serviceURL ?? (rig.bot.url + "/"),
            "from": ["id": user, "name": "Someone", "aadObjectId": "aad-\(user)"],
            "conversation": ["id": conversation + ";messageid=1700000000000", "conversationType": "channel"],
            "channelData": ["team": ["id": team], "tenant": ["id": EntraTokenTests.tenant]],
            "value": ["action": ["type": "Action.Execute", "verb": verb, "data": ["incident": incident, "digest": digest, "expiresAt": "x"]]],
        ]
        if let replyTo { activity["replyToId"] = replyTo }
        return String(decoding: (try? JSONSerialization.data(withJSONObject: activity)) ?? Data(), as: UTF8.self)
    }

    static func click(_ rig: Rig, _ body: String, token: String? = nil) async throws -> TestServer.Reply {
        let bearer: String? = if let token { token } else { try await Self.token(rig) }
        return try await rig.server.call(.POST, "/api/messages", token: bearer, body: body)
    }

    /// The texts of every TextBlock of a card, joined by newlines.
    static func texts(_ card: JSONValue?) -> String {
        var out: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if object["type"] == .string("TextBlock"), case .string(let text)? = object["text"] { out.append(text) }
                for entry in object.entries { walk(entry.value) }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        card.map(walk)
        return out.joined(separator: "\n")
    }

    static func texts(_ activity: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: activity), case .success(let value) = JSONReader.parse(Array(data)) else { return "" }
        return texts(value)
    }

    /// Waits for the card of incident `id` to be posted; its activity id.
    static func posted(_ rig: Rig, count: Int = 1) async throws -> String {
        try await EffectDeliveryTests.eventually("the card is posted") { rig.bot.posted.count >= count }
        return try #require(rig.bot.posted.last?.id)
    }

    static func auditLines(_ rig: Rig) async throws -> [Substring] {
        try await rig.server.get("/v1/audit?limit=10000", token: "dashboards-token").body.split(separator: "\n")
    }

    @Test func theCardGoesToTheChannelAndIsRedrawnInPlaceAsApprovalsCome() async throws {
        try await Self.withTeams { rig in
            let digest = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-T1")
            let activity = try await Self.posted(rig)
            let post = try #require(rig.bot.posted.first)
            #expect(post.conversation == Self.conversation)
            #expect(Self.texts(post.activity).contains("Approval needed: `restart_deployment`"))
            try await EffectDeliveryTests.eventually("the card is done") { try await EffectDeliveryTests.delivery(rig.server, "INC-T1/1/0") == "done" }
            // Someone outside `allow` clicks: ignored, and only they are told why.
            let ignored = try await Self.click(rig, Self.invoke(rig, from: "29:mallory", incident: "INC-T1", digest: digest, replyTo: activity))
            #expect(ignored.status == 200)
            #expect(ignored["statusCode"] == .integer(200) && ignored["type"] == .string("application/vnd.microsoft.card.adaptive"))
            let note = Self.texts(ignored["value"])
            #expect(note.contains("Your click was ignored") && note.contains("mallory@fabrikam.com"), "\(note)")
            #expect(note.contains("1 more approval needed"))
            // Alice's click counts, as alice@contoso.com (the members API's UPN).
            let counted = try await Self.click(rig, Self.invoke(rig, from: "29:alice", incident: "INC-T1", digest: digest, replyTo: activity))
            let answer = Self.texts(counted["value"])
            #expect(answer.contains("Your approval counted") && answer.contains("Approved by alice@contoso.com"), "\(answer)")
            let view = try await rig.server.get("/v1/incidents/INC-T1", token: "dashboards-token")
            #expect(view["phase"] == .string("executing"))
            // The posted card is redrawn: approved, buttons gone; the clicker's notes are not on it.
            try await EffectDeliveryTests.eventually("the card is redrawn") { Self.texts(rig.bot.updates.last?.activity ?? [:]).contains("Approved by alice") }
            let update = try #require(rig.bot.updates.last)
            #expect(update.id == activity)
            #expect(!Self.texts(update.activity).contains("ignored") && !Self.texts(update.activity).contains("Your"))
            let content = ((update.activity["attachments"] as? [[String: Any]])?.first?["content"] as? [String: Any]) ?? [:]
            #expect((content["actions"] as? [Any])?.isEmpty == true)
            // The result redraws it again.
            // (Step 2 was mallory's ignored click, step 3 alice's.)
            try await EffectDeliveryTests.eventually("the activation goes out") { rig.receiver.ids("activate_role") == ["INC-T1/3/0"] }
            #expect(try await EffectDeliveryTests.ack(rig.server, "INC-T1/3/0").status == 200)
            try await EffectDeliveryTests.eventually("the execution goes out") { rig.receiver.ids("execute") == ["INC-T1/3/1"] }
            #expect(try await EffectDeliveryTests.ack(rig.server, "INC-T1/3/1").status == 200)
            #expect(try await rig.server.post("/v1/incidents/INC-T1/events", token: EffectDeliveryTests.executor, #"{"result":{"status":"succeeded"}}"#).status == 200)
            try await EffectDeliveryTests.eventually("the card shows the result") {
                Self.texts(rig.bot.updates.last?.activity ?? [:]).contains("Executed: it succeeded")
            }
            #expect(rig.bot.posted.count == 1)
            // Each click is audited with the user's Entra object id; the chain holds.
            let clicks = try await Self.auditLines(rig).filter { $0.contains(#""type":"teams_click""#) }
            #expect(clicks.count == 2)
            #expect(clicks.last?.contains(#""aad_object_id":"aad-29:alice""#) == true && clicks.last?.contains(#""upn":"alice@contoso.com""#) == true)
            let audit = try await rig.server.get("/v1/audit?limit=10000", token: "dashboards-token").body
            if case .failure(let broken) = AuditVerifier.verify(audit) { Issue.record("the audit chain breaks: \(broken)") }
        }
    }

    enum Forgery: String, CaseIterable {
        case none, stranger, expired, notYet, audience, issuer, algNone, hs256, serviceURL, endorsement, unknownKid, garbage
    }

    @Test(arguments: Forgery.allCases)
    func aForgedRequestIsRefusedAndNothingIsRecorded(_ forgery: Forgery) async throws {
        try await Self.withTeams { rig in
            let digest = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-F")
            let activity = try await Self.posted(rig)
            let now = rig.server.clock.now().seconds
            var body = Self.invoke(rig, from: "29:alice", incident: "INC-F", digest: digest, replyTo: activity)
            let token: String?
            switch forgery {
            case .none: token = nil
            case .stranger: token = try await Self.token(rig, stranger: true)
            case .expired: token = try await Self.token(rig, ["exp": now - 600, "nbf": now - 4000])
            case .notYet: token = try await Self.token(rig, ["nbf": now + 900])
            case .audience: token = try await Self.token(rig, ["aud": "api://some-other-bot"])
            case .issuer: token = try await Self.token(rig, ["iss": "https://sts.windows.net/\(EntraTokenTests.tenant)/"])
            case .algNone:
                token = try FakeOpenID.handMade(
                    header: ["alg": "none", "typ": "JWT"],
                    claims: ["iss": "https://api.botframework.com", "aud": Self.appID, "exp": now + 600, "serviceurl": rig.bot.url])
            case .hs256:
                token = try FakeOpenID.handMade(
                    header: ["alg": "HS256", "kid": FakeOpenID.kid],
                    claims: ["iss": "https://api.botframework.com", "aud": Self.appID, "exp": now + 600, "serviceurl": rig.bot.url], signature: "c2ln")
            case .serviceURL:
                token = try await Self.token(rig)
                body = Self.invoke(rig, from: "29:alice", incident: "INC-F", digest: digest, replyTo: activity, serviceURL: "https://evil.example/")
            case .endorsement:
                token = try await Self.token(rig)
                body = Self.invoke(rig, from: "29:alice", incident: "INC-F", digest: digest, replyTo: activity, channel: "webchat")
            case .unknownKid: token = try await Self.token(rig, kid: "rein-unknown-key")
            case .garbage: token = "not.a.jwt"
            }
            let before = try await Self.auditLines(rig).count
            let reply = try await rig.server.call(.POST, "/api/messages", token: token, body: body)
            #expect(reply.status == 401)
            let view = try await rig.server.get("/v1/incidents/INC-F", token: "dashboards-token")
            #expect(view["phase"] == .string("awaiting_approval"))
            #expect(view["pending"]?["approvedBy"] == .array([]))
            #expect(try await Self.auditLines(rig).count == before)
            #expect(rig.bot.memberLookups == 0)
        }
    }

    @Test func ignoredClicksSayWhyToTheClickerAndAreAudited() async throws {
        try await Self.withTeams { rig in
            let digest = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-I")
            let activity = try await Self.posted(rig)
            // A stale digest (the action changed, or someone edited the data).
            let stale = try await Self.click(rig, Self.invoke(rig, from: "29:alice", incident: "INC-I", digest: String(repeating: "0", count: 64), replyTo: activity))
            #expect(Self.texts(stale["value"]).contains("Your click was ignored"), "\(stale.body)")
            // A click on INC-I's card whose data names another incident.
            _ = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-J")
            let other = try await Self.click(rig, Self.invoke(rig, from: "29:alice", incident: "INC-J", digest: digest, replyTo: activity))
            #expect(Self.texts(other["value"]).contains("this card is incident `INC-I`'s"), "\(other.body)")
            // A guest whose UPN Teams withholds.
            let guest = try await Self.click(rig, Self.invoke(rig, from: "29:guest", incident: "INC-I", digest: digest, replyTo: activity))
            #expect(Self.texts(guest["value"]).contains("user principal name could not be read"), "\(guest.body)")
            // Nothing of that counted.
            let view = try await rig.server.get("/v1/incidents/INC-I", token: "dashboards-token")
            #expect(view["pending"]?["approvedBy"] == .array([]))
            #expect(try await rig.server.get("/v1/incidents/INC-J", token: "dashboards-token")["pending"]?["approvedBy"] == .array([]))
            // A replayed invoke: the same click twice counts once.
            let click = Self.invoke(rig, from: "29:alice", incident: "INC-I", digest: digest, replyTo: activity, id: "f:replayed")
            #expect(Self.texts(try await Self.click(rig, click)["value"]).contains("Your approval counted"))
            let replayed = try await Self.click(rig, click)
            #expect(Self.texts(replayed["value"]).contains("Your click was ignored"), "\(replayed.body)")
            let after = try await rig.server.get("/v1/incidents/INC-I", token: "dashboards-token")
            #expect(after["phase"] == .string("executing"))
            let clicks = try await Self.auditLines(rig).filter { $0.contains(#""type":"teams_click""#) }
            #expect(clicks.count == 5)
            #expect(clicks.contains { $0.contains(#""aad_object_id":"aad-29:guest""#) && $0.contains(#""accepted":false"#) })
        }
    }

    @Test func aCardPostedBeforeARestartIsRedrawnAfterItAndNotPostedAgain() async throws {
        try await Self.withTeams { rig in
            _ = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-R")
            let activity = try await Self.posted(rig)
            try await EffectDeliveryTests.eventually("the card is done") { try await EffectDeliveryTests.delivery(rig.server, "INC-R/1/0") == "done" }
            let restart = try #require(rig.restart)
            // The deadline passes while the server is down: it fires at the start, and the card
            // posted before says so, under its stored activity id. (Past the 10-minute deadline,
            // but well within the bot's token's hour: a redraw under way as the clock jumps
            // must not arrive with a token that expired in the jump.)
            rig.server.clock.advance(to: Timestamp(seconds: rig.server.clock.now().seconds + 900))
            let server = try await restart()
            do {
                try await EffectDeliveryTests.eventually("the card says it expired") {
                    Self.texts(rig.bot.updates.last?.activity ?? [:]).contains("Expired: not approved in time")
                }
                #expect(rig.bot.updates.last?.id == activity)
                #expect(rig.bot.posted.count == 1)
            } catch {
                try await server.stop()
                throw error
            }
            try await server.stop()
        }
    }

    /// The fake is as strict as the Bot Connector: a test passes only if Rein sends what Teams takes.
    @Test func theFakeBotConnectorRefusesWhatTeamsRefuses() async throws {
        let clock = ManualClock(APITests.weekday)
        let entra = FakeEntra(apps: [FakeEntra.App(tenant: EntraTokenTests.tenant, clientID: Self.appID, secret: "bot-s3cr3t")], now: { clock.now().seconds })
        try await entra.start()
        let bot = FakeBotConnector(conversations: [Self.conversation], users: Self.users, validToken: { entra.resource(of: $0) == BotConnector.audience })
        try await bot.start()
        let text = "entra:\n  authority: \(entra.authority)\n  identities:\n    bot: {tenant: \(EntraTokenTests.tenant), client_id: \(Self.appID), secret_env: S}\n"
        let tokens = try await EntraTokens.make(
            try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra), environment: ["S": "bot-s3cr3t"],
            clock: clock, path: "c.yaml")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let connector = BotConnector(client: client, tokens: tokens, identity: "bot", timeout: .seconds(10))
        let card = ApprovalCardFixture.card
        var failure: (any Error)?
        do {
            // What Teams takes.
            let id = try await connector.post(TeamsCard.activity(card), serviceURL: bot.url, conversation: Self.conversation)
            try await connector.update(TeamsCard.activity(card, id: id), id: id, serviceURL: bot.url, conversation: Self.conversation)
            #expect(try await connector.member("29:alice", serviceURL: bot.url, conversation: Self.conversation).userPrincipalName == "alice@contoso.com")
            // What it refuses: an unknown conversation, an update of nothing, a body that is not a card,
            // a token for another audience, and (an hour on) an expired token.
            for attempt in [
                { _ = try await connector.post(TeamsCard.activity(card), serviceURL: bot.url, conversation: "19:nowhere@thread.tacv2") },
                { try await connector.update(TeamsCard.activity(card, id: "1:404"), id: "1:404", serviceURL: bot.url, conversation: Self.conversation) },
                { _ = try await connector.post(.object(JSONObject(["type": .string("message")])), serviceURL: bot.url, conversation: Self.conversation) },
                { _ = try await BotConnector(client: client, tokens: tokens, identity: "bot", timeout: .seconds(10)).member("29:nobody", serviceURL: bot.url, conversation: Self.conversation) },
            ] as [@Sendable () async throws -> Void] {
                await #expect(throws: BotConnector.Failure.self) { try await attempt() }
            }
            func post(with token: String) async throws -> UInt {
                var request = HTTPClientRequest(url: bot.url + "/v3/conversations/\(BotConnector.segment(Self.conversation))/activities")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(TeamsCard.activity(card))))
                return try await client.execute(request, timeout: .seconds(10)).status.code
            }
            #expect(try await post(with: try await tokens.token(for: "bot", audience: ARMClient.audience).value) == 401)
            let stale = try await tokens.token(for: "bot", audience: BotConnector.audience).value
            #expect(try await post(with: stale) == 201)
            clock.advance(to: Timestamp(seconds: clock.now().seconds + 3600))
            #expect(try await post(with: stale) == 401)
            #expect(bot.refusals.count == 5, "\(bot.refusals)")
        } catch {
            failure = error
        }
        try await client.shutdown()
        await tokens.shutdown()
        await bot.stop()
        await entra.stop()
        if let failure { throw failure }
    }

    @Test func aCardTeamsRefusesAsTooLargeIsSentWithTheReasoningCutFurther() async throws {
        try await Self.withTeams { rig in
            rig.bot.limitSize(to: 12_000)
            #expect(try await rig.server.post("/v1/incidents", token: EffectDeliveryTests.agent, try APITests.opening(id: "INC-L")).status == 201)
            #expect(try await rig.server.post("/v1/incidents/INC-L/events", token: EffectDeliveryTests.agent, APITests.readLogs).status == 200)
            let thought = String(repeating: "The pods keep restarting after the config push. ", count: 200)
            let proposal = #"{"propose":{"thought":"\#(thought)","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#
            #expect(try await rig.server.post("/v1/incidents/INC-L/events", token: EffectDeliveryTests.agent, proposal).status == 200)
            _ = try await Self.posted(rig)
            let text = Self.texts(try #require(rig.bot.posted.first).activity)
            #expect(text.contains("Teams refused the message as too large"))
            #expect(text.contains("The pods keep restarting"))
        }
    }

    @Test(.enabled(if: TestStores.postgresURL != nil, "needs REIN_TEST_POSTGRES"))
    func aCardPostedAtOneReplicaIsRedrawnByTheOneAClickReaches() async throws {
        try await Self.withTeams(replicas: 2) { rig in
            let digest = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-TR")
            let activity = try await Self.posted(rig)
            try await EffectDeliveryTests.eventually("the card is done") { try await EffectDeliveryTests.delivery(rig.server, "INC-TR/1/0") == "done" }
            // Alice rejects it with a click that reaches the other replica, which never posted a
            // card: it heard of this one, records the click and redraws the card in place.
            let other = try #require(rig.replicas.first)
            let body = Self.invoke(rig, from: "29:alice", verb: "reject", incident: "INC-TR", digest: digest, replyTo: activity)
            let reply = try await other.call(.POST, "/api/messages", token: try await Self.token(rig), body: body)
            #expect(reply.status == 200 && Self.texts(reply["value"]).contains("Rejected by alice@contoso.com"), "\(reply.body)")
            try await EffectDeliveryTests.eventually("the card is redrawn") { Self.texts(rig.bot.updates.last?.activity ?? [:]).contains("Rejected by alice") }
            #expect(rig.bot.updates.last?.id == activity)
            #expect(rig.bot.posted.count == 1)
            #expect(try await rig.server.get("/v1/incidents/INC-TR", token: "dashboards-token")["phase"] == .string("closed"))
        }
    }

    @Test func anExpiredCardSaysSoAndTheOnCallIsPaged() async throws {
        try await Self.withTeams(paging: true) { rig in
            _ = try await EffectDeliveryTests.awaitingApproval(rig.server, "INC-E")
            _ = try await Self.posted(rig)
            // Past the 10-minute deadline, within the bot's token's hour.
            rig.server.clock.advance(to: Timestamp(seconds: rig.server.clock.now().seconds + 900))
            try await EffectDeliveryTests.eventually("the card says it expired") {
                Self.texts(rig.bot.updates.last?.activity ?? [:]).contains("Expired: not approved in time")
            }
            try await EffectDeliveryTests.eventually("the page is posted to the channel") { rig.bot.posted.count == 2 }
            let page = try #require(rig.bot.posted.last?.activity["text"] as? String)
            #expect(page.contains("P2 page from Rein") && page.contains("INC-E") && page.contains("aks_crashloop_backoff"), "\(page)")
            try await EffectDeliveryTests.eventually("the page reaches the webhook") { rig.receiver.ids("page").count == 1 }
            #expect(rig.receiver.received.first { $0.type == "page" }?.effect["runbook"] == .string("aks_crashloop_backoff"))
            #expect(rig.receiver.ids("activate_role").isEmpty)
        }
    }
}

/// A card as Rein renders it, for tests that talk to the fake Bot Connector directly.
enum ApprovalCardFixture {
    static let card = JSONValue.object(JSONObject([
        "type": .string("AdaptiveCard"), "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "version": .string("1.5"),
        "body": .array([.object(JSONObject(["type": .string("TextBlock"), "text": .string("Approval needed")]))]),
        "actions": .array([]),
    ]))
}
