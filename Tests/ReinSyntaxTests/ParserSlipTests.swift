import ReinSyntax
import Testing

/// One common slip inside a block.
struct Slip: Sendable, CustomTestStringConvertible {
    let block: String
    let line: String
    let code: String
    let help: String?

    var testDescription: String { line }

    /// The slip in a block of its kind: `tool t { … }`, or an approval block of a runbook.
    var source: String {
        block == "approval" ? "runbook r {\n  approval {\n    \(line)\n  }\n}\n" : "\(block) x {\n  \(line)\n}\n"
    }
}

/// Common slips get one error each — the parser's usual code and message — with a help line
/// that shows the statement as it should be written.
@Suite("Parser slips")
struct ParserSlipTests {
    static let slips: [Slip] = [
        Slip(block: "tool", line: "effect: read", code: "rein.parse.expected-name", help: "write `effect read` (no colon)"),
        Slip(block: "tool", line: "description: \"Scale\"", code: "rein.parse.expected-string", help: "write `description \"Scale\"` (no colon)"),
        Slip(block: "approval", line: "approvers: 1", code: "rein.parse.expected-integer", help: "write `approvers 1` (no colon)"),
        Slip(block: "approval", line: "channel: \"sre-oncall\"", code: "rein.parse.expected-string", help: "write `channel \"sre-oncall\"` (no colon)"),
        Slip(block: "approval", line: "timeout: 15m", code: "rein.parse.expected-duration", help: "write `timeout 15m` (no colon)"),
        Slip(block: "approval", line: "on_timeout: page P1", code: "rein.parse.invalid-on-timeout", help: "write `on_timeout page P1` (no colon)"),
        Slip(block: "runbook", line: "max_iterations = 8", code: "rein.parse.expected-integer", help: "write `max_iterations 8` (no `=`)"),
        Slip(block: "runbook", line: "approval: {\n    channel \"c\"\n  }", code: "rein.parse.expected-brace", help: "write `approval {` (no colon)"),
        Slip(
            block: "runbook", line: "trigger: alert.severity <= 2 # why", code: "rein.parse.expected-expression",
            help: "write `trigger alert.severity <= 2` (no colon)"),
        Slip(
            block: "policy", line: "require approvals: 2 when tool.effect == write", code: "rein.parse.expected-integer",
            help: "write `require approvals 2 when tool.effect == write` (no colon)"),
        Slip(
            block: "tool", line: "elevate remediator role \"Contributor\" for: 15m", code: "rein.parse.expected-duration",
            help: "write `elevate remediator role \"Contributor\" for 15m` (no colon)"),
        Slip(
            block: "runbook", line: "investigate [get_pods, get_logs]", code: "rein.parse.expected-name",
            help: "list the names without brackets: `investigate get_pods, get_logs`"),
        Slip(block: "runbook", line: "remediate [scale]", code: "rein.parse.expected-name", help: "list the names without brackets: `remediate scale`"),
        Slip(
            block: "runbook", line: "investigate: [a, b]", code: "rein.parse.expected-name",
            help: "write `investigate a, b` (no colon; list the names without brackets)"),
        Slip(
            block: "runbook", line: "investigate [a,\n    b]", code: "rein.parse.expected-name",
            help: "list the names without brackets: `investigate a, b`"),
        Slip(
            block: "approval", line: "allow [\"*@contoso.com\"]", code: "rein.parse.expected-string",
            help: "list the globs without brackets: `allow \"*@contoso.com\"`"),
        Slip(
            block: "policy", line: "forbid namespace [\"kube-system\"]", code: "rein.parse.expected-string",
            help: "list the namespaces without brackets: `forbid namespace \"kube-system\"`"),
        Slip(block: "runbook", line: "investigate [a", code: "rein.parse.expected-name", help: "list the names without brackets, separated by `,`"),
        Slip(block: "tool", line: "arg replicas int in 1..10", code: "rein.parse.expected-token", help: "put a `:` after the name: `replicas: int in 1..10`"),
        Slip(
            block: "policy", line: "context environment \"prod\" | \"dev\"", code: "rein.parse.expected-token",
            help: "put a `:` after the name: `environment: \"prod\" | \"dev\"`"),
        Slip(block: "tool", line: "arg replicas: int 1..1000", code: "rein.parse.expected-newline", help: "write `int in 1..1000`"),
        Slip(block: "tool", line: "arg offset: int -5..5 = 0", code: "rein.parse.expected-newline", help: "write `int in -5..5 = 0`"),
        Slip(block: "tool", line: "arg wait: duration 1m..1h", code: "rein.parse.expected-newline", help: "write `duration in 1m..1h`"),
        Slip(block: "tool", line: "arg prefix: string 1..64", code: "rein.parse.expected-newline", help: "write `string len 1..64`"),
        Slip(block: "tool", line: "arg limit: int in 1..50 default 10", code: "rein.parse.expected-newline", help: "write the default after `=`: `= 10`"),
        Slip(
            block: "policy", line: "deny scale, restart when args.replicas > 3", code: "rein.parse.expected-keyword",
            help: "put several tools in brackets: `[scale, restart]`"),
        Slip(
            block: "policy", line: "require approvals 2 for scale, restart when now.hour < 8", code: "rein.parse.expected-keyword",
            help: "put several tools in brackets: `[scale, restart]`"),
        Slip(
            block: "policy", line: "deny scale if args.replicas > 3", code: "rein.parse.expected-keyword",
            help: "a rule's condition starts with `when`: write `when` in place of `if`"),
        Slip(block: "policy", line: "max_iterations \"8\"", code: "rein.parse.expected-integer", help: "write the number without quotes: `8`"),
        Slip(block: "policy", line: "approval_timeout \"15m\"", code: "rein.parse.expected-duration", help: "write the duration without quotes: `15m`"),
        // No fix is guessed where the slip is not one of these.
        Slip(block: "policy", line: "deny * when args.replicas: 3", code: "rein.parse.expected-newline", help: "put each statement on a line of its own"),
        Slip(block: "identity", line: "eligible \"Reader\": at resource", code: "rein.parse.expected-keyword", help: nil),
        Slip(block: "tool", line: "arg replicas = 3", code: "rein.parse.expected-token", help: nil),
        Slip(block: "policy", line: "max_iterations \"eight\"", code: "rein.parse.expected-integer", help: nil),
    ]

    @Test(arguments: slips)
    func aSlipGetsOneErrorWithItsFix(_ slip: Slip) throws {
        let result = parse(slip.source)
        #expect(result.diagnostics.map(\.code) == [slip.code])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.help == slip.help)
    }

    /// The rest of the file is parsed as usual after a slip: the next statement and the next
    /// declaration are kept, and nothing more is reported.
    @Test func parsingGoesOnAfterASlip() {
        let result = parse("tool t {\n  effect: read\n  description \"d\"\n}\n\npolicy p {\n  max_iterations = 8\n  approval_timeout 15m\n}\n")
        #expect(summary(result) == ["rein.parse.expected-name@2:9", "rein.parse.expected-integer@7:18"])
        #expect(result.declarations.map { $0.statements.count } == [1, 1])
    }
}
