import ReinAdapters
import ReinServer
import Testing

/// `rein-serve.yaml` is read strictly: every mistake named with its line.
@Suite("rein-serve.yaml")
struct ServeConfigTests {
    static func read(_ text: String) -> Result<ServeConfig, ConfigError> {
        ServeConfig.read(SourceFile(path: "rein-serve.yaml", bytes: Array(text.utf8)))
    }

    static func messages(_ text: String) -> [String] {
        if case .failure(let error) = read(text) { return error.messages }
        return []
    }

    @Test func theExampleConfigurationIsValid() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/rein-serve.yaml"), encoding: .utf8)
        let config = try Self.read(text).get()
        #expect(config.listenHost == "127.0.0.1" && config.listenPort == 8080 && config.data == ".rein")
        #expect(config.tokens.principal(forToken: "example-agent-token") == Principal(name: "agent-runtime", role: .agent))
        #expect(config.tokens.principal(forAuthorization: "Bearer example-alice-token") == Principal(name: "alice@contoso.com", role: .approver))
        #expect(config.tokens.principal(forToken: "4a0b7efcc66677c05d97ed1c128f7dcdf1b172c4c377feb96f353849f3d79fd5") == nil)
        #expect(config.webhook?.url == "http://127.0.0.1:9000/rein-effects" && config.webhook?.secretEnv == "REIN_WEBHOOK_SECRET")
        #expect(config.activationTimeout == 120)
    }

    @Test func theWebhooksSecretComesFromTheEnvironment() throws {
        let config = try Self.read("executors:\n  webhook: {url: \"https://ops.example/rein\", secret_env: HOOK_SECRET}\n  activation_timeout: 90s\n").get()
        #expect(config.activationTimeout == 90)
        #expect(throws: ConfigError.self) { try config.executors(environment: [:]) }
        #expect(throws: ConfigError.self) { try config.executors(environment: ["HOOK_SECRET": ""]) }
        let executors = try config.executors(environment: ["HOOK_SECRET": "s3cret"])
        #expect(executors?.activationTimeout == 90 && executors?.webhook != nil)
        #expect(try ServeConfig().executors(environment: ["HOOK_SECRET": "s3cret"]) == nil)
    }

    @Test(arguments: [
        ("executors:\n  webhook: {url: \"ftp://x\", secret_env: S}\n", "rein-serve.yaml:2:18: `url` must be an http:// or https:// URL, not `ftp://x`"),
        ("executors:\n  webhook: {url: \"https://x\", secret_env: \"my secret\"}\n", "rein-serve.yaml:2:43: `secret_env` must name an environment variable, not `my secret`"),
        ("executors:\n  webhook: {url: \"https://x\"}\n", "rein-serve.yaml:2:12: missing key `secret_env`"),
        ("executors:\n  activation_timeout: soon\n", "rein-serve.yaml:2:23: `activation_timeout` must be a duration such as `2m` or `90s`, not `soon`"),
        ("executors:\n  activation_timeout: 0s\n", "rein-serve.yaml:2:23: `activation_timeout` must be a duration such as `2m` or `90s`, not `0s`"),
        ("executors:\n  teams: {}\n", "rein-serve.yaml:2:3: unknown key `teams` in `executors`"),
    ])
    func executorMistakesAreNamedWithTheirPlace(_ text: String, _ message: String) {
        #expect(Self.messages(text) == [message])
    }

    @Test func mistakesAreNamedWithTheirLine() {
        #expect(Self.messages("listen: 127.0.0.1:8080\nport: 9\n") == ["rein-serve.yaml:2:1: unknown key `port` in the configuration"])
        #expect(Self.messages("listen: nowhere\n") == ["rein-serve.yaml: `listen` must be HOST:PORT, not `nowhere`"])
        #expect(Self.messages("log_format: xml\n") == ["rein-serve.yaml: `log_format` must be `text` or `json`, not `xml`"])
        #expect(
            Self.messages("tokens:\n  - {name: a, role: root, sha256: \"\(String(repeating: "0", count: 64))\"}\n")
                == ["rein-serve.yaml:2: token `a`: unknown role `root` (agent, executor, approver, reader, admin or alert)"])
        #expect(
            Self.messages("tokens:\n  - {name: a, role: agent, sha256: secret}\n")
                == ["rein-serve.yaml:2: token `a`: `sha256` must be the 64 hex digits of the token's SHA-256, never the token"])
        #expect(Self.messages("tokens:\n  - {name: a, role: agent}\n") == ["rein-serve.yaml:2:5: missing key `sha256`"])
        #expect(Self.messages("data: a\ndata: b\n").count == 1)
        #expect(Self.messages("# only a comment\n") == ["rein-serve.yaml:1:1: the file is empty"])
        #expect(Self.messages("[1]\n") == ["rein-serve.yaml:1:1: the configuration must be a mapping"])
    }

    @Test func aBearerHeaderIsReadCarefully() throws {
        let tokens = tokenTable()
        #expect(tokens.principal(forAuthorization: "Bearer agent-runtime-token")?.role == .agent)
        #expect(tokens.principal(forAuthorization: "bearer agent-runtime-token")?.role == .agent)
        #expect(tokens.principal(forAuthorization: "Basic agent-runtime-token") == nil)
        #expect(tokens.principal(forAuthorization: "Bearer ") == nil)
        #expect(tokens.principal(forAuthorization: nil) == nil)
        #expect(tokens.principal(forAuthorization: "Bearer " + String(repeating: "x", count: 5000)) == nil)
    }
}
