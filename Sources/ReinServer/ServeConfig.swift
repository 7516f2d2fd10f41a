import ReinAdapters

/// The server's configuration: `rein-serve.yaml` (read strictly), then the flags over it.
public struct ServeConfig: Sendable {
    public var listenHost = "127.0.0.1"
    public var listenPort = 8080
    public var data = ".rein"
    /// `database`: the PostgreSQL database replicas share, instead of the SQLite file in `data`.
    public var database: String?
    /// The audit file, appended as the store's chain grows.
    public var audit: String?
    public var logFormat = LogFormat.text

    /// How log lines are written.
    public enum LogFormat: String, Sendable {
        case text, json
    }
    public var tokens = TokenTable([])
    /// `executors.webhook`: where effects are posted, and the environment variable that holds
    /// the signing secret.
    public var webhook: (url: String, secretEnv: String)?
    /// `executors.activation_timeout` in seconds (default 2 minutes).
    public var activationTimeout: Int64 = 120
    /// `mcp`: the MCP gateway's upstreams and tool mappings.
    public var mcp: MCPConfig?
    /// `entra`: the identities Rein signs in as for its outgoing calls.
    public var entra: EntraConfig?
    /// `alerts`: Azure Monitor alerts in (`POST /v1/alerts`).
    public var alerts: AlertsConfig?
    /// `agents`: where the incidents alerts open are handed off.
    public var agents: AgentsConfig?
    /// `pim`: role activations through Azure PIM.
    public var pim: PIMConfig?
    /// `audit.blob`: the audit log also appended to Azure Storage append blobs.
    public var auditBlob: AuditBlobConfig?
    /// `teams`: approval cards on Microsoft Teams.
    public var teams: TeamsConfig?
    /// `paging`: where `page` effects go.
    public var paging: PagingConfig?
    /// The file this configuration was read from.
    public var path: String?

    public init() {}

    /// The executors this configuration describes, the webhook's secret read from `environment`;
    /// nil when none is configured. Throws ``ConfigError`` when the secret is not set.
    public func executors(environment: [String: String]) throws(ConfigError) -> EffectExecutors? {
        guard let webhook else { return nil }
        guard let secret = environment[webhook.secretEnv], !secret.isEmpty else {
            throw ConfigError(messages: [
                "the webhook's secret is not set: `\(webhook.secretEnv)` (executors.webhook.secret_env) is empty or unset"
            ])
        }
        return EffectExecutors(
            webhook: WebhookExecutor(url: webhook.url, secret: Array(secret.utf8)), activationTimeout: activationTimeout)
    }

    /// The configuration in `file`; the messages of what is wrong with it, each with its line.
    public static func read(_ file: SourceFile) -> Result<ServeConfig, ConfigError> {
        switch ServeConfigReader.read(file) {
        case .failure(let error):
            return .failure(ConfigError(messages: error.diagnostics.map { diagnostic in
                let place = file.position(of: diagnostic.span.start)
                return "\(file.path):\(place.line):\(place.column): \(diagnostic.message)"
            }))
        case .success(let values):
            var config = ServeConfig()
            var problems: [String] = []
            if let listen = values.listen {
                if let (host, port) = parseListen(listen) {
                    (config.listenHost, config.listenPort) = (host, port)
                } else {
                    problems.append("\(file.path): `listen` must be HOST:PORT, not `\(listen)`")
                }
            }
            if let data = values.data { config.data = data }
            if let database = values.database {
                let (url, line) = (database.text, database.line)
                if values.data != nil {
                    problems.append("\(file.path):\(line): `data` and `database` exclude each other: one store, the SQLite folder or the PostgreSQL URL")
                } else if case .failure(let error) = PostgresLocation.parse(url, environment: [:]) {
                    problems.append("\(file.path):\(line): `database`: \(error)")
                } else {
                    config.database = url
                }
            }
            config.audit = values.audit
            config.auditBlob = values.auditBlob
            config.teams = values.teams
            config.paging = values.paging
            if let format = values.logFormat {
                if let parsed = LogFormat(rawValue: format) {
                    config.logFormat = parsed
                } else {
                    problems.append("\(file.path): `log_format` must be `text` or `json`, not `\(format)`")
                }
            }
            var entries: [TokenTable.Entry] = []
            for token in values.tokens {
                guard let role = Role(rawValue: token.role) else {
                    problems.append(
                        "\(file.path):\(token.line): token `\(token.name)`: unknown role `\(token.role)` (agent, executor, approver, reader, admin or alert)")
                    continue
                }
                guard let entry = TokenTable.Entry(principal: Principal(name: token.name, role: role), sha256Hex: token.sha256) else {
                    problems.append(
                        "\(file.path):\(token.line): token `\(token.name)`: `sha256` must be the 64 hex digits of the token's SHA-256, never the token")
                    continue
                }
                entries.append(entry)
            }
            config.tokens = TokenTable(entries)
            if let webhook = values.webhook { config.webhook = (webhook.url, webhook.secretEnv) }
            if let timeout = values.activationTimeout { config.activationTimeout = timeout }
            config.mcp = values.mcp
            config.entra = values.entra
            config.alerts = values.alerts
            config.agents = values.agents
            config.pim = values.pim
            if let pim = values.pim, values.entra == nil {
                problems.append("\(file.path):\(pim.line): `pim` activates roles as Rein's Entra ID identities: configure `entra.identities` too")
            }
            problems += azureProblems(values, path: file.path)
            if let agents = values.agents, values.alerts == nil {
                problems.append("\(file.path):\(agents.line): `agents.webhook` hands off the incidents that alerts open: configure `alerts` too")
            }
            if let alerts = values.alerts, !entries.contains(where: { $0.principal == Principal(name: alerts.owner, role: .agent) }) {
                problems.append(
                    "\(file.path):\(alerts.line):\(alerts.column): `alerts.owner` must name a token of role agent (the runtime that works the incidents alerts open), not `\(alerts.owner)`")
            }
            config.path = file.path
            return problems.isEmpty ? .success(config) : .failure(ConfigError(messages: problems))
        }
    }

    /// What the Azure sections need of each other: the Entra ID identities they name, the Teams
    /// channel pages go to.
    private static func azureProblems(_ values: ServeConfigValues, path: String) -> [String] {
        var problems: [String] = []
        let identities = values.entra?.identities.map(\.name) ?? []
        func needIdentity(_ name: String, line: Int, section: String) {
            guard values.entra != nil else {
                problems.append("\(path):\(line): `\(section)` signs in as an Entra ID identity: configure `entra.identities` too")
                return
            }
            if !identities.contains(name) {
                problems.append("\(path):\(line): `\(section).identity` names `\(name)`, which `entra.identities` does not declare")
            }
        }
        if let teams = values.teams { needIdentity(teams.identity, line: teams.line, section: "teams") }
        if let blob = values.auditBlob { needIdentity(blob.identity, line: blob.line, section: "audit.blob") }
        if let paging = values.paging, let channel = paging.teamsChannel {
            if let teams = values.teams {
                if teams.channels[channel] == nil {
                    problems.append("\(path):\(paging.line): `paging.teams_channel` names `\(channel)`, which `teams.channels` does not declare")
                }
            } else {
                problems.append("\(path):\(paging.line): `paging.teams_channel` pages through Teams: configure `teams` too")
            }
        }
        return problems
    }

    /// `HOST:PORT` (the port 0–65535); nil otherwise.
    public static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (host, port)
    }
}

/// Why a configuration was refused: one message a problem.
public struct ConfigError: Error, Sendable {
    public var messages: [String]
}
