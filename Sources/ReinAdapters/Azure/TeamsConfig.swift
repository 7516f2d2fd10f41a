import ReinEngine
import ReinSyntax

/// The `teams` section of `rein-serve.yaml`: approval cards go to Microsoft Teams through the
/// Bot Connector, as the bot whose Entra ID identity is `identity`, and the cards' buttons come
/// back to `POST /api/messages`, where the Bot Framework's tokens are checked against `app_id`.
public struct TeamsConfig: Sendable, Hashable {
    /// The bot's Microsoft App ID: the audience of the tokens Teams sends.
    public var appID: String
    /// The `entra.identities` entry the bot signs in as to send.
    public var identity: String
    /// Where the Bot Framework's signing keys are published.
    public var openIDMetadata: String
    /// The runbooks' `channel` names, each a Teams conversation.
    public var channels: [String: Channel]
    public var line: Int

    public static let defaultOpenIDMetadata = "https://login.botframework.com/v1/.well-known/openidconfiguration"

    public init(appID: String, identity: String, openIDMetadata: String = defaultOpenIDMetadata, channels: [String: Channel], line: Int) {
        self.appID = appID
        self.identity = identity
        self.openIDMetadata = openIDMetadata
        self.channels = channels
        self.line = line
    }

    /// One conversation cards are posted to.
    public struct Channel: Sendable, Hashable {
        /// The Bot Connector's base URL for the conversation's region, without a trailing slash.
        public var serviceURL: String
        public var conversationID: String

        public init(serviceURL: String, conversationID: String) {
            self.serviceURL = serviceURL
            self.conversationID = conversationID
        }
    }
}

extension Reading {
    /// The `teams` section, read strictly; nil after a problem.
    mutating func teams(_ value: DocValue, in file: SourceFile) -> TeamsConfig? {
        guard let fields = members(value, "`teams`", allowed: ["app_id", "identity", "openid_metadata", "channels"]),
            let appID = required(fields, "app_id", value), let identity = required(fields, "identity", value)
        else { return nil }
        let before = problems.count
        var metadata = TeamsConfig.defaultOpenIDMetadata
        if let given = fields["openid_metadata"]?.value, let url = string(given, "`openid_metadata`"), checkURL(url, at: given, key: "openid_metadata") {
            metadata = url
        }
        var channels: [String: TeamsConfig.Channel] = [:]
        if let list = fields["channels"]?.value {
            if case .mapping(let pairs) = list.kind {
                for (key, entry) in pairs {
                    guard let name = string(key, "a channel's name"),
                        let inner = members(entry, "channel `\(name)`", allowed: ["serviceUrl", "conversationId"]),
                        let serviceURL = required(inner, "serviceUrl", entry), let conversation = required(inner, "conversationId", entry),
                        checkURL(serviceURL, at: inner["serviceUrl"]?.value ?? entry, key: "serviceUrl")
                    else { continue }
                    channels[name] = TeamsConfig.Channel(serviceURL: String(serviceURL.reversed().drop { $0 == "/" }.reversed()), conversationID: conversation)
                }
            } else {
                fail("type", "`teams.channels` must be a mapping from a runbook's `channel` name to `{serviceUrl, conversationId}`", at: list)
            }
        } else {
            fail("missing-key", "missing key `channels`: the conversations the runbooks' `channel` names stand for", at: value)
        }
        guard problems.count == before else { return nil }
        return TeamsConfig(appID: appID, identity: identity, openIDMetadata: metadata, channels: channels, line: file.position(of: value.offset).line)
    }
}
