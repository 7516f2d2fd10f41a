import ReinAdapters

/// The fields of a Bot Framework activity Rein reads, read defensively (the body is trusted
/// only as far as its token binds it).
struct BotActivity: Sendable {
    var type: String
    var name: String?
    var id: String?
    var serviceURL: String
    var channel: String
    /// The user's Teams id (`from.id`) and Entra object id (`from.aadObjectId`).
    var from: String
    var fromObjectID: String?
    /// Where the members API is asked: the team in a team channel, else the conversation.
    var membersScope: String
    /// The activity the click is on (the card's).
    var replyTo: String?
    var click: Click?

    /// A card button's click: `value.action.verb` and its data.
    struct Click: Sendable {
        var verb: String
        var incident: String
        var digest: String
    }

    init?(_ body: [UInt8]) {
        guard case .success(.object(let root)) = JSONReader.parse(body, maxBytes: 1 << 20) else { return nil }
        func text(_ object: JSONObject?, _ key: String) -> String? {
            if case .string(let value)? = object?[key], !value.isEmpty, value.utf8.count <= 4096 { return value }
            return nil
        }
        func object(_ parent: JSONObject?, _ key: String) -> JSONObject? {
            if case .object(let value)? = parent?[key] { return value }
            return nil
        }
        guard let type = text(root, "type"), let serviceURL = text(root, "serviceUrl"), let channel = text(root, "channelId") else { return nil }
        let from = object(root, "from")
        let conversation = object(root, "conversation")
        self.type = type
        name = text(root, "name")
        id = text(root, "id")
        self.serviceURL = serviceURL
        self.channel = channel
        self.from = text(from, "id") ?? ""
        fromObjectID = text(from, "aadObjectId")
        membersScope = text(object(object(root, "channelData"), "team"), "id") ?? text(conversation, "id") ?? ""
        replyTo = text(root, "replyToId")
        let action = object(object(root, "value"), "action")
        let data = object(action, "data")
        if let verb = text(action, "verb"), verb == "approve" || verb == "reject", let incident = text(data, "incident"),
            let digest = text(data, "digest")
        {
            click = Click(verb: verb, incident: incident, digest: digest)
        }
    }
}

/// The user principal names of the people who click, from Teams' members API, kept an hour.
actor MemberDirectory {
    let connector: BotConnector
    let clock: any HostClock
    private var known: [String: (name: String, until: Int64)] = [:]
    static let keep: Int64 = 3600

    init(connector: BotConnector, clock: any HostClock) {
        self.connector = connector
        self.clock = clock
    }

    /// The clicker's UPN, or why there is none.
    func principalName(of activity: BotActivity) async -> Result<String, MemberLookupError> {
        guard !activity.from.isEmpty, !activity.membersScope.isEmpty else { return .failure(MemberLookupError("the activity names no user")) }
        let key = activity.serviceURL.lowercased() + "\n" + activity.from
        let now = clock.now().seconds
        if let hit = known[key], hit.until > now { return .success(hit.name) }
        do {
            let member = try await connector.member(activity.from, serviceURL: activity.serviceURL, conversation: activity.membersScope)
            guard let name = member.userPrincipalName else { return .failure(MemberLookupError("Teams gives no userPrincipalName for this user")) }
            if known.count > 10_000 { known = [:] }
            known[key] = (name, now + Self.keep)
            return .success(name)
        } catch {
            return .failure(MemberLookupError("\(error)"))
        }
    }
}

struct MemberLookupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
