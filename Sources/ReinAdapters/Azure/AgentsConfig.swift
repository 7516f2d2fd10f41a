import ReinEngine
import ReinSyntax

/// The `agents` section of `rein-serve.yaml`: each incident an alert opens is handed to the
/// agent runtime by a signed `POST` of `{"incident","runbook","mcp"}` to `webhook.url`, `mcp`
/// being the incident's MCP gateway under `public_url` (where agents reach this server).
public struct AgentsConfig: Sendable, Hashable {
    public var url: String
    /// The environment variable that holds the signing secret.
    public var secretEnv: String
    /// Where agents reach this server, without a trailing slash (default: `http://` + `listen`).
    public var publicURL: String?
    public var line: Int

    public init(url: String, secretEnv: String, publicURL: String?, line: Int) {
        self.url = url
        self.secretEnv = secretEnv
        self.publicURL = publicURL
        self.line = line
    }
}

extension Reading {
    /// The `agents` section, read strictly; nil after a problem.
    mutating func agents(_ value: DocValue, in file: SourceFile) -> AgentsConfig? {
        guard let fields = members(value, "`agents`", allowed: ["webhook", "public_url"]) else { return nil }
        guard let webhook = fields["webhook"]?.value else {
            fail("missing-key", "missing key `webhook`: `{url, secret_env}`, where incidents that alerts open are handed off", at: value)
            return nil
        }
        guard let hook = signedWebhook(webhook, "`agents.webhook`", in: file) else { return nil }
        var publicURL: String?
        if let given = fields["public_url"]?.value, let text = string(given, "`public_url`") {
            guard checkURL(text, at: given, key: "public_url") else { return nil }
            publicURL = String(text.reversed().drop { $0 == "/" }.reversed())
        }
        return AgentsConfig(url: hook.url, secretEnv: hook.secretEnv, publicURL: publicURL, line: hook.line)
    }
}
