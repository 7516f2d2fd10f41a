import ReinEngine
import ReinSyntax

/// `rein-serve.yaml` as read: the keys this version of the server knows, each checked for its
/// type; an unknown key is an error at its line.
public struct ServeConfigValues: Sendable, Hashable {
    public struct Token: Sendable, Hashable {
        public var name: String
        public var role: String
        public var sha256: String
        /// Where the entry starts (for messages about its values).
        public var line: Int
    }

    public var listen: String?
    public var data: String?
    /// `database`: a `postgres://` URL (replicas share it), instead of `data`.
    public var database: Located?

    /// A string value and the line it is on.
    public struct Located: Sendable, Hashable {
        public var text: String
        public var line: Int
    }
    public var audit: String?
    public var logFormat: String?
    public var tokens: [Token] = []
    /// `executors.webhook`: where effects are posted, and the environment variable holding the
    /// signing secret (never the secret itself).
    public var webhook: Webhook?
    /// `executors.activation_timeout`, in seconds.
    public var activationTimeout: Int64?
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

    public struct Webhook: Sendable, Hashable {
        public var url: String
        public var secretEnv: String
        public var line: Int
    }
}

public enum ServeConfigReader {
    /// Reads the configuration file strictly (YAML 1.2 core schema, no duplicate keys).
    public static func read(_ file: SourceFile) -> Result<ServeConfigValues, BodyError> {
        let document: Result<DocValue, DocumentError> = IncidentDocument.yaml(file)
        switch document {
        case .failure(let error):
            return .failure(BodyError([.error(error.code, error.message, at: SourceSpan(file: 0, start: error.offset, end: error.offset))]))
        case .success(let root):
            var reading = Reading()
            var values = ServeConfigValues()
            if let top = reading.members(root, "the configuration", allowed: ["listen", "data", "database", "audit", "log_format", "tokens", "executors", "mcp", "entra", "alerts", "agents", "pim", "teams", "paging"]) {
                values.listen = top["listen"].flatMap { reading.string($0.value, "`listen`") }
                values.data = top["data"].flatMap { reading.string($0.value, "`data`") }
                if let member = top["database"], let url = reading.string(member.value, "`database`") {
                    values.database = ServeConfigValues.Located(text: url, line: file.position(of: member.value.offset).line)
                }
                if let audit = top["audit"]?.value { (values.audit, values.auditBlob) = reading.audit(audit, in: file) }
                values.logFormat = top["log_format"].flatMap { reading.string($0.value, "`log_format`") }
                if let tokens = top["tokens"]?.value { values.tokens = reading.tokens(tokens, in: file) }
                if let executors = top["executors"]?.value { reading.executors(executors, in: file, into: &values) }
                if let mcp = top["mcp"]?.value { values.mcp = reading.mcp(mcp, in: file) }
                if let entra = top["entra"]?.value { values.entra = reading.entra(entra, in: file) }
                if let alerts = top["alerts"]?.value { values.alerts = reading.alerts(alerts, in: file) }
                if let agents = top["agents"]?.value { values.agents = reading.agents(agents, in: file) }
                if let pim = top["pim"]?.value { values.pim = reading.pim(pim, in: file) }
                if let teams = top["teams"]?.value { values.teams = reading.teams(teams, in: file) }
                if let paging = top["paging"]?.value { values.paging = reading.paging(paging, in: file) }
            }
            return reading.problems.isEmpty ? .success(values) : .failure(BodyError(reading.problems.map { $0.withCode(from: "rein.incident.", to: "rein.config.") }))
        }
    }
}

extension Reading {
    fileprivate mutating func tokens(_ value: DocValue, in file: SourceFile) -> [ServeConfigValues.Token] {
        guard case .sequence(let items) = value.kind else {
            fail("type", "`tokens` must be a list", at: value)
            return []
        }
        return items.compactMap { item in
            guard let fields = members(item, "a token", allowed: ["name", "role", "sha256"]),
                let name = required(fields, "name", item), let role = required(fields, "role", item),
                let sha256 = required(fields, "sha256", item)
            else { return nil }
            return ServeConfigValues.Token(name: name, role: role, sha256: sha256, line: file.position(of: item.offset).line)
        }
    }
}

extension Reading {
    fileprivate mutating func executors(_ value: DocValue, in file: SourceFile, into values: inout ServeConfigValues) {
        guard let fields = members(value, "`executors`", allowed: ["webhook", "activation_timeout"]) else { return }
        if let webhook = fields["webhook"]?.value { values.webhook = signedWebhook(webhook, "`executors.webhook`", in: file) }
        if let timeout = fields["activation_timeout"]?.value, let text = string(timeout, "`activation_timeout`") {
            switch NumberSyntax.duration(text.utf8.span) {
            case .success(let seconds) where seconds > 0: values.activationTimeout = seconds
            default: fail("value", "`activation_timeout` must be a duration such as `2m` or `90s`, not `\(text)`", at: timeout)
            }
        }
    }
}

extension Reading {
    /// A signed webhook's `{url, secret_env}` (`executors.webhook`, `agents.webhook`,
    /// `paging.webhook`): an outgoing URL and the name of the variable that holds the signing
    /// secret; nil after a problem.
    mutating func signedWebhook(_ value: DocValue, _ what: String, in file: SourceFile) -> ServeConfigValues.Webhook? {
        guard let hook = members(value, what, allowed: ["url", "secret_env"]), let url = required(hook, "url", value),
            let secretEnv = required(hook, "secret_env", value)
        else { return nil }
        let urlIsValid = checkURL(url, at: hook["url"]?.value ?? value)
        guard checkVariable(secretEnv, at: hook["secret_env"]?.value ?? value), urlIsValid else { return nil }
        return ServeConfigValues.Webhook(url: url, secretEnv: secretEnv, line: file.position(of: value.offset).line)
    }

    /// Whether `name` is an environment variable's name; reports why not at `value`.
    mutating func checkVariable(_ name: String, at value: DocValue) -> Bool {
        let valid = !name.isEmpty
            && name.utf8.allSatisfy { $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
        if !valid {
            fail("value", "`secret_env` must name an environment variable, not `\(name)`", at: value, help: "write the variable's name, never the secret")
        }
        return valid
    }
}

/// What makes a URL unfit for Rein's outgoing calls.
public enum OutgoingURLProblem: Sendable, Hashable {
    /// Not an http:// or https:// URL, or one with spaces in it.
    case notHTTP
    /// Credentials in it (`user:pass@`): secrets come from the environment, never from a file
    /// or a command line.
    case credentials

    /// Why `url` cannot be used, or nil when it can.
    public init?(_ url: String) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(where: { $0 == " " || $0.isNewline }) else {
            self = .notHTTP
            return
        }
        let authority = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else {
            self = .credentials
            return
        }
        return nil
    }
}

extension Reading {
    /// Whether `url` is an http:// or https:// URL without spaces and without credentials in it
    /// (secrets come from the environment, never from the file); reports why not at `value`.
    mutating func checkURL(_ url: String, at value: DocValue, key: String = "url") -> Bool {
        switch OutgoingURLProblem(url) {
        case nil:
            return true
        case .notHTTP:
            fail("value", "`\(key)` must be an http:// or https:// URL, not `\(url)`", at: value)
        case .credentials:
            fail(
                "value", "`\(key)` must not carry credentials", at: value,
                help: "give them as a header whose value is read from the environment ({env: VARIABLE})")
        }
        return false
    }
}

extension Diagnostic {
    fileprivate func withCode(from prefix: String, to replacement: String) -> Diagnostic {
        var copy = self
        if copy.code.hasPrefix(prefix) { copy.code = replacement + copy.code.dropFirst(prefix.count) }
        return copy
    }
}
