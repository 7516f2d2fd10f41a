import ReinAdapters
import ReinServer
import Testing

/// The Azure sections of `rein-serve.yaml` that name each other: `teams`, `paging` and
/// `audit.blob`, read strictly and checked against `entra.identities` and `teams.channels`.
@Suite("rein-serve.yaml: Teams, paging and the audit blob")
struct AzureConfigTests {
    static let entra = "entra:\n  identities:\n    bot: {managed_identity: true}\n    auditor: {managed_identity: true}\n"
    static let teams = "teams:\n  app_id: 5c3f2e1a-0000-4000-8000-0000000000b0\n  identity: bot\n  channels:\n    sre-oncall: {serviceUrl: \"https://smba.trafficmanager.net/emea/\", conversationId: \"19:abc@thread.tacv2\"}\n"

    @Test func theSectionsAreRead() throws {
        let text = Self.entra + Self.teams
            + "paging:\n  teams_channel: sre-oncall\n  webhook: {url: \"https://pager.example/hook\", secret_env: PAGER_SECRET}\n"
            + "audit:\n  file: audit.jsonl\n  blob: {account_url: \"https://reinaudit.blob.core.windows.net/\", container: rein-audit, blob: rein/audit.jsonl, identity: auditor}\n"
        let config = try ServeConfigTests.read(text).get()
        #expect(config.teams?.appID == "5c3f2e1a-0000-4000-8000-0000000000b0")
        #expect(config.teams?.openIDMetadata == TeamsConfig.defaultOpenIDMetadata)
        #expect(config.teams?.channels["sre-oncall"]?.serviceURL == "https://smba.trafficmanager.net/emea")
        #expect(config.paging?.teamsChannel == "sre-oncall" && config.paging?.webhook?.secretEnv == "PAGER_SECRET")
        #expect(config.audit == "audit.jsonl")
        #expect(config.auditBlob?.accountURL == "https://reinaudit.blob.core.windows.net")
        #expect(config.auditBlob?.blobName(1) == "rein/audit-000001.jsonl" && config.auditBlob?.blobName(12) == "rein/audit-000012.jsonl")
        // The short form of `audit` stays a file.
        #expect(try ServeConfigTests.read("audit: audit.jsonl\n").get().audit == "audit.jsonl")
    }

    /// The complete configuration of docs/azure.md reads without a problem.
    @Test func theAzureGuidesConfigurationIsValid() throws {
        let page = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/azure.md"), encoding: .utf8)
        let section = try #require(page.range(of: "## 8. The whole `rein-serve.yaml`"))
        let rest = page[section.upperBound...]
        let start = try #require(rest.range(of: "```yaml\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        let config = try ServeConfigTests.read(String(rest[start.upperBound..<end.lowerBound])).get()
        #expect(config.teams?.channels["sre-oncall"] != nil && config.paging?.teamsChannel == "sre-oncall" && config.pim != nil)
        #expect(config.auditBlob?.identity == "auditor" && config.audit == "/var/lib/rein/audit.jsonl")
    }

    @Test(arguments: [
        (teams, "rein-serve.yaml:2: `teams` signs in as an Entra ID identity: configure `entra.identities` too"),
        (entra + teams.replacingOccurrences(of: "identity: bot", with: "identity: robot"),
         "rein-serve.yaml:6: `teams.identity` names `robot`, which `entra.identities` does not declare"),
        (entra + teams + "paging:\n  teams_channel: sre-pager\n", "rein-serve.yaml:11: `paging.teams_channel` names `sre-pager`, which `teams.channels` does not declare"),
        ("paging:\n  teams_channel: sre-oncall\n", "rein-serve.yaml:2: `paging.teams_channel` pages through Teams: configure `teams` too"),
        ("paging: {}\n", "rein-serve.yaml:1:9: `paging` needs `teams_channel`, `webhook` or both: where pages go"),
        ("paging:\n  webhook: {url: \"https://x\", secret_env: \"a secret\"}\n", "rein-serve.yaml:2:43: `secret_env` must name an environment variable, not `a secret`"),
        ("alerts: {owner: a}\nagents:\n  webhook: {url: \"https://x\", secret_env: \"a b\"}\n", "rein-serve.yaml:3:43: `secret_env` must name an environment variable, not `a b`"),
        (entra + "audit:\n  blob: {account_url: \"https://a.blob.core.windows.net\", container: Rein_Audit, blob: a.jsonl, identity: auditor}\n",
         "rein-serve.yaml:6:69: `container` must be an Azure container name (3 to 63 of a-z, 0-9 and single hyphens), not `Rein_Audit`"),
        ("audit:\n  blob: {account_url: \"https://a.blob.core.windows.net\", container: audit, blob: a.jsonl}\n", "rein-serve.yaml:2:9: missing key `identity`"),
        ("teams:\n  app_id: x\n  identity: bot\n", "rein-serve.yaml:2:3: missing key `channels`: the conversations the runbooks' `channel` names stand for"),
        ("teams:\n  app_id: x\n  identity: bot\n  channels:\n    a: {serviceUrl: \"https://x\"}\n", "rein-serve.yaml:5:8: missing key `conversationId`"),
    ])
    func mistakesAreNamedWithTheirPlace(_ text: String, _ expected: String) {
        #expect(ServeConfigTests.messages(text).contains(expected), "\(ServeConfigTests.messages(text))")
    }
}
