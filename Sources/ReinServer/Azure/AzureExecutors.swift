import AsyncHTTPClient
import Logging
import ReinAdapters

/// The native executors the Azure sections of `rein-serve.yaml` configure: PIM for elevations
/// (`pim`), Teams for approval cards (`teams`), paging for pages (`paging`), made from the
/// configuration and the bundle, installed over `executors.webhook` for their effect types.
public struct AzureExecutors: Sendable {
    public var pim: PIMExecutor?
    public var teams: TeamsCards?
    public var teamsConfig: TeamsConfig?
    public var paging: PageExecutor?

    public init(pim: PIMExecutor? = nil, teams: TeamsCards? = nil, teamsConfig: TeamsConfig? = nil, paging: PageExecutor? = nil) {
        self.pim = pim
        self.teams = teams
        self.teamsConfig = teamsConfig
        self.paging = paging
    }

    /// The executors `settings` configures for `policy`, signing in through `tokens`; the
    /// problems, each a message with its place, when the configuration does not fit the bundle
    /// or a secret is missing from `environment`.
    public static func make(
        _ settings: ServeConfig, policy: CompiledPolicy, tokens: EntraTokens?, environment: [String: String], clock: any HostClock, logger: Logger
    ) -> Result<AzureExecutors, ConfigError> {
        let path = settings.path ?? "rein-serve.yaml"
        var made = AzureExecutors()
        var problems: [String] = []
        if let pim = settings.pim, let tokens {
            let (identities, missing) = PIMExecutor.identities(in: policy, signingInAs: tokens)
            problems += missing.map { "\(path):\(pim.line): \($0)" }
            made.pim = PIMExecutor(
                endpoint: pim.endpoint, tokens: tokens, identities: identities, clock: clock, activationTimeout: settings.activationTimeout)
        }
        if let teams = settings.teams, let tokens {
            problems += TeamsCards.missingChannels(in: policy, config: teams).map { "\(path):\(teams.line): \($0)" }
            made.teams = TeamsCards(config: teams, tokens: tokens, clock: clock, logger: logger)
            made.teamsConfig = teams
        }
        if let paging = settings.paging {
            var hook: (url: String, secret: [UInt8])?
            if let webhook = paging.webhook {
                if let secret = environment[webhook.secretEnv], !secret.isEmpty {
                    hook = (webhook.url, Array(secret.utf8))
                } else {
                    problems.append("\(path):\(webhook.line): the paging webhook's secret is not set: `\(webhook.secretEnv)` is empty or unset")
                }
            }
            let channel = paging.teamsChannel.flatMap { settings.teams?.channels[$0] }
            made.paging = PageExecutor(teams: made.teams.flatMap { cards in channel.map { (cards, $0) } }, webhook: hook)
        }
        return problems.isEmpty ? .success(made) : .failure(ConfigError(messages: problems))
    }

    /// Makes them the executors of their effect types.
    public func install(into executors: inout EffectExecutors) {
        if let pim {
            executors.native["activate_role"] = pim
            executors.native["deactivate_role"] = pim
        }
        if let teams { executors.native["send_approval_card"] = teams }
        if let paging { executors.native["page"] = paging }
    }

    /// Attaches them to `host`; before it starts.
    public func attach(_ host: SessionHost) async throws {
        pim?.attach(host)
        paging?.attach(host)
        try await teams?.attach(host)
    }

    /// Catches up what changed while the server was down; once the host has started.
    public func resume() async {
        await teams?.resume()
    }

    /// What answers `POST /api/messages`, when Teams is configured.
    public func inbox(keys: HTTPClient, host: SessionHost, clock: any HostClock, logger: Logger) -> TeamsInbox? {
        guard let teams, let teamsConfig else { return nil }
        return TeamsInbox(config: teamsConfig, keys: keys, host: host, cards: teams, clock: clock, logger: logger)
    }
}
