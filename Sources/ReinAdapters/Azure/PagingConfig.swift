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
        let webhook = fields["webhook"].flatMap { signedWebhook($0.value, "`paging.webhook`", in: file) }
        if problems.count == before, channel == nil, webhook == nil {
            fail("missing-key", "`paging` needs `teams_channel`, `webhook` or both: where pages go", at: value)
        }
        guard problems.count == before else { return nil }
        return PagingConfig(teamsChannel: channel, webhook: webhook, line: file.position(of: value.offset).line)
    }
}
