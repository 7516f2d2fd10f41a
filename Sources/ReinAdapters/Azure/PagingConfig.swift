import ReinEngine
import ReinSyntax

/// The `paging` section of `rein-serve.yaml`: a `page` effect (an approval that timed out, an
/// iteration limit) goes as a message to a Teams channel, as a signed webhook to a paging
/// service, or both, instead of to `executors.webhook`.
public struct PagingConfig: Sendable, Hashable {
    /// A name under `teams.channels`.
    public var teamsChannel: String?
    public var webhook: ServeConfigValues.Webhook?
    public var line: Int

    public init(teamsChannel: String?, webhook: ServeConfigValues.Webhook?, line: Int) {
        self.teamsChannel = teamsChannel
        self.webhook = webhook
        self.line = line
    }
}

extension Reading {
    /// The `paging` section, read strictly; nil after a problem.
    mutating func paging(_ value: DocValue, in file: SourceFile) -> PagingConfig? {
        guard let fields = members(value, "`paging`", allowed: ["teams_channel", "webhook"]) else { return nil }
        let before = problems.count
        let channel = fields["teams_channel"].flatMap { string($0.value, "`teams_channel`") }
        var webhook: ServeConfigValues.Webhook?
        if let hook = fields["webhook"]?.value, let inner = members(hook, "`paging.webhook`", allowed: ["url", "secret_env"]),
            let url = required(inner, "url", hook), let secretEnv = required(inner, "secret_env", hook),
            checkURL(url, at: inner["url"]?.value ?? hook), checkVariable(secretEnv, at: inner["secret_env"]?.value ?? hook)
        {
            webhook = ServeConfigValues.Webhook(url: url, secretEnv: secretEnv, line: file.position(of: hook.offset).line)
        }
        if problems.count == before, channel == nil, webhook == nil {
            fail("missing-key", "`paging` needs `teams_channel`, `webhook` or both: where pages go", at: value)
        }
        guard problems.count == before else { return nil }
        return PagingConfig(teamsChannel: channel, webhook: webhook, line: file.position(of: value.offset).line)
    }
}
