import ReinEngine
import ReinSyntax

/// The `alerts` section of `rein-serve.yaml`: Azure Monitor action groups post alerts to
/// `POST /v1/alerts`, and each new one opens an incident owned by `owner` (an agent token's
/// name: the agent runtime that works it). An action group authenticates with a token of role
/// `alert` (as a bearer token or `?token=`), or, with `secure_webhook`, with the Entra ID token
/// it gets for the receiver's app.
public struct AlertsConfig: Sendable, Hashable {
    public var owner: String
    public var secureWebhook: SecureWebhook?
    /// Where `owner` is written.
    public var line: Int
    public var column: Int

    public init(owner: String, secureWebhook: SecureWebhook?, line: Int, column: Int) {
        self.owner = owner
        self.secureWebhook = secureWebhook
        self.line = line
        self.column = column
    }

    /// The app registration of the receiver: tokens of either version are accepted.
    public struct SecureWebhook: Sendable, Hashable {
        public var tenant: String
        /// The audience of v1 tokens (the app's identifier URI).
        public var identifierURI: String
        /// The audience of v2 tokens (the app's client id).
        public var clientID: String
        /// The OpenID metadata with the tenant's signing keys (default: the tenant's own).
        public var openIDMetadata: String?

        public init(tenant: String, identifierURI: String, clientID: String, openIDMetadata: String?) {
            self.tenant = tenant
            self.identifierURI = identifierURI
            self.clientID = clientID
            self.openIDMetadata = openIDMetadata
        }
    }

    /// The Azure Monitor Action Groups application, which obtains secure-webhook tokens.
    public static let actionGroupsApp = "461e8683-5575-4561-ac7f-899cc907d62a"
    /// The app role a secure-webhook token must carry.
    public static let webhookRole = "ActionGroupsSecureWebhook"
}

extension Reading {
    /// The `alerts` section, read strictly; nil after a problem.
    mutating func alerts(_ value: DocValue, in file: SourceFile) -> AlertsConfig? {
        guard let fields = members(value, "`alerts`", allowed: ["owner", "secure_webhook"]), let owner = required(fields, "owner", value) else {
            return nil
        }
        let before = problems.count
        var secure: AlertsConfig.SecureWebhook?
        if let webhook = fields["secure_webhook"]?.value,
            let inner = members(webhook, "`alerts.secure_webhook`", allowed: ["tenant", "identifier_uri", "client_id", "openid_metadata"]),
            let tenant = required(inner, "tenant", webhook), let uri = required(inner, "identifier_uri", webhook),
            let clientID = required(inner, "client_id", webhook)
        {
            var metadata: String?
            if let given = inner["openid_metadata"]?.value, let url = string(given, "`openid_metadata`"), checkURL(url, at: given, key: "openid_metadata") { metadata = url }
            secure = AlertsConfig.SecureWebhook(tenant: tenant, identifierURI: uri, clientID: clientID, openIDMetadata: metadata)
        }
        let place = file.position(of: (fields["owner"]?.value ?? value).offset)
        return problems.count == before ? AlertsConfig(owner: owner, secureWebhook: secure, line: place.line, column: place.column) : nil
    }
}
