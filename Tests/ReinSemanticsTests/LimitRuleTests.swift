import ReinSemantics
import ReinSyntax
import Testing

/// Counts, durations and tightening against policies and identities.
@Suite("Numbers and policy tightening")
struct LimitRuleTests {
    static func runbook(timeout: String = "5m", approvers: String = "1", channel: String = "\"c\"", extra: String = "") -> String {
        """
        runbook r2 {
          remediate scale_deployment
          approval {
            channel \(channel)
            approvers \(approvers)
            allow "*@contoso.com"
            timeout \(timeout)
            on_timeout no_action
          }\(extra)
        }
        """
    }

    static let cases: [CheckCase] = [
        CheckCase(name: "approvers 0", source: runbook(approvers: "0"), expected: ["rein.check.count-below-one@5:15"]),
        CheckCase(name: "approvers -1", source: runbook(approvers: "-1"), expected: ["rein.check.count-below-one@5:15"]),
        CheckCase(
            name: "require approvals 0", source: "policy p2 {\n  require approvals 0 when tool.effect == write\n}\n",
            expected: ["rein.check.count-below-one@2:21"]),
        CheckCase(name: "policy max_iterations 0", source: "policy p2 {\n  max_iterations 0\n}\n", expected: ["rein.check.count-below-one@2:18"]),
        CheckCase(name: "runbook max_iterations 0", source: "runbook r2 {\n  max_iterations 0\n}\n", expected: ["rein.check.count-below-one@2:18"]),
        CheckCase(name: "approval timeout 0s", source: runbook(timeout: "0s"), expected: ["rein.check.zero-duration@7:13"]),
        CheckCase(name: "max_elevation 0s", source: "policy p2 {\n  max_elevation 0s\n}\n", expected: ["rein.check.zero-duration@2:17"]),
        CheckCase(name: "approval_timeout 0s", source: "policy p2 {\n  approval_timeout 0s\n}\n", expected: ["rein.check.zero-duration@2:20"]),
        CheckCase(
            name: "max_activation 0s",
            source: "identity r2 {\n  principal \"a3bb8764-cb92-4276-9d2a-ca1e895e55ea\"\n  eligible \"Contributor\" at resource\n  max_activation 0s\n}\n",
            expected: ["rein.check.zero-duration@4:18"]),
        CheckCase(
            name: "elevate for 0s", source: "tool t1 {\n  effect write\n  elevate remediator role \"Contributor\" for 0s\n}\n",
            expected: ["rein.check.zero-duration@3:45"]),
        CheckCase(name: "empty channel", source: runbook(channel: "\"\""), expected: ["rein.check.empty-string@4:13"]),
        CheckCase(
            name: "runbook max_iterations above the policy's", source: "runbook r2 {\n  max_iterations 20\n}\n",
            expected: ["rein.check.loosens-policy@2:18"]),
        CheckCase(name: "runbook max_iterations equal to the policy's", source: "runbook r2 {\n  max_iterations 12\n}\n", expected: []),
        CheckCase(name: "approval timeout above the policy's", source: runbook(timeout: "16m"), expected: ["rein.check.loosens-policy@7:13"]),
        CheckCase(
            name: "elevate for above the policy's max_elevation",
            source: "tool t1 {\n  effect write\n  elevate remediator role \"Contributor\" for 1h\n}\n",
            expected: ["rein.check.loosens-policy@3:45"]),
        CheckCase(
            name: "elevate for above the identity's max_activation",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Contributor" at resource
                  max_activation 10m
                }
                tool t1 {
                  effect write
                  elevate r2 role "Contributor" for 20m
                }
                """,
            expected: ["rein.check.exceeds-max-activation@8:37"]),
        CheckCase(
            name: "the tightest of several policies",
            source: "policy p2 {\n  max_iterations 9\n}\nrunbook r2 {\n  max_iterations 10\n}\n",
            expected: ["rein.check.loosens-policy@5:18"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("a tightening error notes where the policy sets the limit")
    func note() throws {
        let bundle = CheckCase(name: "", source: "policy p2 {\n  max_iterations 9\n}\nrunbook r2 {\n  max_iterations 10\n}\n", expected: []).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.message == "`max_iterations 10` is above the policy's `max_iterations 9`")
        #expect(diagnostic.notes.map(\.message) == ["policy `p2` sets `max_iterations` here"])
        #expect(diagnostic.notes.first?.span.map { bundle.location($0, withPath: true) } == "test.rein:2:18")
        #expect(diagnostic.help == "a runbook may only tighten policy; use at most `9`")
    }
}
