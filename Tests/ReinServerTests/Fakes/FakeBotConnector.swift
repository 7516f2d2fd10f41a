import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback Bot Connector (the Teams side of the bot), as strict as the real one about what
/// Rein sends:
/// - only `POST /v3/conversations/{id}/activities`, `PUT /v3/conversations/{id}/activities/{activity}`
///   and `GET /v3/conversations/{id}/members/{user}`, each for a conversation (or team) it knows;
/// - a bearer token the fake Entra issued for `https://api.botframework.com`;
/// - a JSON body (`Content-Type: application/json`) that is a `message` activity: with `text`,
///   or with one attachment of type `application/vnd.microsoft.card.adaptive` whose content is
///   an Adaptive Card 1.5 with `$schema`, `body` and `actions`; an update also names its id;
/// - an activity larger than `sizeLimit` bytes of UTF-16 is refused 413 `MessageSizeTooBig`;
/// - an update of an activity it never created is 404.
/// The members API knows `users` (Teams id → UPN; nil plays a guest whose UPN Teams withholds).
final class FakeBotConnector: Sendable {
    private struct State {
        var posts: [(conversation: String, id: String, json: Data)] = []
        var updates: [(id: String, json: Data)] = []
        var memberLookups = 0
        var refusals: [String] = []
        var sizeLimit: Int
    }

    let conversations: Set<String>
    let users: [String: String?]
    let validToken: @Sendable (String) -> Bool
    private let state: Mutex<State>
    private let group = Mutex<ServiceGroup?>(nil)
    private let portBox = Mutex(0)

    var url: String { "http://127.0.0.1:\(portBox.withLock { $0 })" }
    var refusals: [String] { state.withLock { $0.refusals } }
    var memberLookups: Int { state.withLock { $0.memberLookups } }
    /// The JSON of every activity posted, in order.
    var posted: [(conversation: String, id: String, activity: [String: Any])] {
        state.withLock { $0.posts }.map { ($0.conversation, $0.id, ((try? JSONSerialization.jsonObject(with: $0.json)) as? [String: Any]) ?? [:]) }
    }
    /// The JSON of every update, in order.
    var updates: [(id: String, activity: [String: Any])] {
        state.withLock { $0.updates }.map { ($0.id, ((try? JSONSerialization.jsonObject(with: $0.json)) as? [String: Any]) ?? [:]) }
    }
    func limitSize(to bytes: Int) { state.withLock { $0.sizeLimit = bytes } }

    init(conversations: Set<String>, users: [String: String?], sizeLimit: Int = 81_920, validToken: @escaping @Sendable (String) -> Bool) {
        self.conversations = conversations
        self.users = users
        self.validToken = validToken
        state = Mutex(State(sizeLimit: sizeLimit))
    }

    func start() async throws {
        let router = Router()
        router.post("/v3/conversations/:conversation/activities") { request, context in
            let body = try await request.body.collect(upTo: 4 << 20)
            return self.post(request, conversation: context.parameters.get("conversation") ?? "", body: Data(buffer: body))
        }
        router.put("/v3/conversations/:conversation/activities/:activity") { request, context in
            let body = try await request.body.collect(upTo: 4 << 20)
            return self.update(
                request, conversation: context.parameters.get("conversation") ?? "", activity: context.parameters.get("activity") ?? "",
                body: Data(buffer: body))
        }
        router.get("/v3/conversations/:conversation/members/:user") { request, context in
            self.member(request, conversation: context.parameters.get("conversation") ?? "", user: context.parameters.get("user") ?? "")
        }
        let (port, group, _) = try await LoopbackApp.start(router, name: "fake-bot-connector")
        portBox.withLock { $0 = port }
        self.group.withLock { $0 = group }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Why the request is refused (its status, code and message), or nil.
    private func check(_ request: Request, conversation: String, body: Data?) -> (Int, String, String)? {
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "), validToken(String(authorization.dropFirst(7))) else {
            return (401, "Unauthorized", "the bot's token is missing or not for https://api.botframework.com")
        }
        guard conversations.contains(conversation) else { return (404, "ConversationNotFound", "no conversation `\(conversation)`") }
        guard let body else { return nil }
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else { return (415, "BadArgument", "the body must be JSON") }
        guard let activity = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], activity["type"] as? String == "message" else {
            return (400, "BadArgument", "the body is not a message activity")
        }
        if let attachments = activity["attachments"] as? [[String: Any]] {
            guard attachments.count == 1, attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive",
                let card = attachments[0]["content"] as? [String: Any], card["type"] as? String == "AdaptiveCard", card["version"] as? String == "1.5",
                card["$schema"] is String, card["body"] is [Any], card["actions"] is [Any]
            else { return (400, "BadArgument", "the attachment is not an Adaptive Card 1.5") }
        } else if (activity["text"] as? String)?.isEmpty != false {
            return (400, "BadArgument", "a message needs text or an attachment")
        }
        let units = String(decoding: body, as: UTF8.self).utf16.count * 2
        if units > state.withLock({ $0.sizeLimit }) { return (413, "MessageSizeTooBig", "Message size too big") }
        return nil
    }

    private func post(_ request: Request, conversation: String, body: Data) -> Response {
        if let (status, code, message) = check(request, conversation: conversation, body: body) { return refuse(status, code, message) }
        let id = state.withLock { state -> String in
            let id = "1:\(1_700_000_000_000 + state.posts.count)"
            state.posts.append((conversation, id, body))
            return id
        }
        return json(201, ["id": id])
    }

    private func update(_ request: Request, conversation: String, activity: String, body: Data) -> Response {
        if let (status, code, message) = check(request, conversation: conversation, body: body) { return refuse(status, code, message) }
        guard state.withLock({ $0.posts.contains { $0.conversation == conversation && $0.id == activity } }) else {
            return refuse(404, "ActivityNotFound", "no activity `\(activity)` in the conversation")
        }
        guard ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["id"] as? String == activity else {
            return refuse(400, "BadArgument", "the updated activity must carry its id")
        }
        state.withLock { $0.updates.append((activity, body)) }
        return json(200, ["id": activity])
    }

    private func member(_ request: Request, conversation: String, user: String) -> Response {
        if let (status, code, message) = check(request, conversation: conversation, body: nil) { return refuse(status, code, message) }
        state.withLock { $0.memberLookups += 1 }
        guard let known = users[user] else { return json(404, ["error": ["code": "MemberNotFoundInConversation", "message": "The member was not found"]]) }
        var member: [String: Any] = ["id": user, "name": "Someone", "objectId": "00000000-0000-4000-8000-\(String(user.utf8.count).padding(toLength: 12, withPad: "0", startingAt: 0))", "tenantId": "tenant"]
        if let upn = known {
            member["userPrincipalName"] = upn
            member["email"] = upn
        }
        return json(200, member)
    }

    private func refuse(_ status: Int, _ code: String, _ message: String) -> Response {
        if status != 413 { state.withLock { $0.refusals.append("\(code): \(message)") } }
        return json(status, ["error": ["code": code, "message": message]])
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
