import Foundation
import ReinSemantics
import ReinSyntax
import Testing

/// Where findings point and what they say, and the rules' finer edges.
@Suite("Lint findings")
struct LintFindingTests {
    static let scale = """
        tool scale {
          effect write
          description "Set the replica count"
          arg replicas: int in 1..10
          arg mode: "fast" | "safe" = "safe"
          arg wait: duration in 1m..10m = 5m
          arg floor: int in 1..3 = 1
          elevate remediator role "Contributor" for 15m
        }

        """

    /// Interval reasoning over the deny conditions of the `scale` tool above.
    @Test(arguments: [
        ("args.replicas > 10", "never"),
        ("args.replicas > 9", "either"),
        ("args.replicas < 1", "never"),
        ("args.replicas >= 1", "always"),
        ("args.replicas <= 10", "always"),
        ("10 < args.replicas", "never"),
        ("1 <= args.replicas", "always"),
        ("args.replicas == 11", "never"),
        ("args.replicas != 11", "always"),
        ("args.replicas in 11..20", "never"),
        ("args.replicas in 0..20", "always"),
        ("args.replicas not in 0..20", "never"),
        ("args.replicas in [0, 11]", "never"),
        ("args.replicas in [5, 11]", "either"),
        ("args.replicas > 6 and args.replicas < 3", "never"),
        ("args.replicas > 6 and args.replicas <= 6", "never"),
        ("args.replicas > 6 or args.replicas <= 6", "always"),
        ("not (args.replicas > 10)", "always"),
        ("args.replicas > 10 or args.mode == \"fast\"", "either"),
        ("args.replicas == 5 and args.replicas != 5", "never"),
        ("args.mode == \"fast\" and args.mode == \"safe\"", "never"),
        ("args.mode in [\"fast\", \"safe\"]", "always"),
        ("args.mode != \"fast\" and args.mode != \"safe\"", "never"),
        ("args.wait > 10m", "never"),
        ("args.wait >= 1m", "always"),
        ("args.wait < 30s or args.wait > 1h", "never"),
        ("now.hour > 23", "never"),
        ("now.weekday in 1..7", "always"),
        ("alert.severity > 4", "never"),
        ("session.iteration < 0", "never"),
        ("tool.effect == write", "always"),
        ("tool.effect == read", "never"),
        ("tool.name == \"scale\"", "always"),
        ("alert.rule like \"x*\"", "either"),
        ("context.freeze", "either"),
        ("context.freeze and not context.freeze", "never"),
        ("context.env == \"prod\" and context.env == \"dev\"", "never"),
        ("args.replicas > 3 and (args.replicas < 2 or args.mode == \"fast\")", "either"),
        // A path on the other side takes nothing away unless it has one value.
        ("args.mode != context.speed and args.mode == \"fast\"", "either"),
        ("args.replicas != args.floor and args.replicas == 1", "either"),
        ("args.mode not in [context.speed] and args.mode == \"fast\"", "either"),
        ("args.mode in [context.speed]", "either"),
        ("args.mode in [\"fast\", context.speed]", "either"),
        ("args.floor in [1, 2, 3]", "always"),
        // Strings compare exactly, as at run time: "é" (one scalar) is not "e\u{301}" (two).
        ("args.mode == \"fast\" and \"\\u{e9}\" != \"e\\u{301}\"", "either"),
        ("\"\\u{e9}\" == \"e\\u{301}\"", "never"),
    ])
    func denyReasoning(condition: String, expected: String) {
        let policy = """
            policy limits {
              context freeze: bool = false
              context env: "prod" | "dev"
              context speed: "fast" | "safe"
              deny scale when \(condition) because "no"
            }
            """
        let run = LintRun(Self.scale + policy)
        #expect(run.errors.isEmpty)
        let never = run.codes.contains("rein.lint.deny-never-matches")
        let always = run.codes.contains("rein.lint.deny-always-matches")
        #expect((never ? "never" : always ? "always" : "either") == expected, "\(run.findings)")
    }

    /// Nested `and`/`or` would cost 2^depth steps if every level analysed its operands twice
    /// without bound; a step budget keeps 60 levels (near the parser's cap) instant and sound.
    @Test func deeplyNestedConditionsStayWithinTheStepBudget() {
        var condition = "alert.rule like \"a\""
        for level in 0..<60 {
            condition = level % 2 == 0 ? "now.hour >= 0 and (\(condition))" : "now.hour < 0 or (\(condition))"
        }
        let run = LintRun(Self.scale + "policy p {\n  deny scale when \(condition) because \"x\"\n}\n")
        #expect(run.errors.isEmpty)
        #expect(!run.codes.contains("rein.lint.deny-never-matches"))
        #expect(!run.codes.contains("rein.lint.deny-always-matches"))
    }

    @Test func aStarRuleIsJudgedOverEveryToolItAppliesTo() {
        let source = Self.scale + """
            tool resize {
              effect write
              description "Resize a pool"
              arg replicas: int in 1..50
              elevate remediator role "Contributor" for 15m
            }
            policy limits {
              deny * when args.replicas > 20 because "too many"
            }
            """
        // `scale` caps at 10, but `resize` allows 50: the rule can match.
        #expect(!LintRun(source).codes.contains("rein.lint.deny-never-matches"))
        let capped = source.replacingOccurrences(of: "int in 1..50", with: "int in 1..20")
        #expect(LintRun(capped).codes.contains("rein.lint.deny-never-matches"))
    }

    @Test func neverMatchesPointsAtTheRuleAndNamesTheBound() throws {
        let run = LintRun(Self.scale + """
            policy limits {
              deny scale when args.replicas > 20 because "no"
            }
            """)
        let finding = try #require(run.diagnostics.first { $0.code == "rein.lint.deny-never-matches" })
        #expect(run.bundle.location(finding.span) == "11:3")
        #expect(finding.severity == .warning)
        #expect(finding.help?.contains("`replicas` is `int in 1..10`") == true)
    }

    @Test func shadowingRespectsWhereRulesAreInForce() {
        let runbooks = ["a", "b"].map { name in
            """
            runbook \(name) {
              title "\(name)"
              trigger alert.rule == "\(name)"
              remediate scale
              approval {
                channel "c"
                approvers 1
                allow "*@contoso.com"
                timeout 15m
                on_timeout page P1
              }
              deny scale when args.replicas > 6 because "no"
            }

            """
        }.joined()
        // The same rule in two runbooks: each is in force only in its own.
        #expect(!LintRun(Self.scale + runbooks).codes.contains("rein.lint.shadowed-rule"))
        // A policy's copy is in force everywhere: both runbook copies repeat it.
        let policy = "policy p {\n  deny scale when args.replicas > 6 because \"no\"\n}\n"
        let run = LintRun(Self.scale + policy + runbooks)
        #expect(run.codes.filter { $0 == "rein.lint.shadowed-rule" }.count == 2)
        // A different message is a different rule.
        let other = policy.replacingOccurrences(of: "\"no\"", with: "\"never\"")
        #expect(!LintRun(Self.scale + other + runbooks).codes.contains("rein.lint.shadowed-rule"))
    }

    @Test(arguments: [
        // An earlier trigger that is part of a later one takes its alerts; order matters.
        (["alert.rule like \"aks-*\"", "alert.severity <= 1 and alert.rule like \"aks-*\""], ["5:11"]),
        (["alert.severity <= 1 and alert.rule like \"aks-*\"", "alert.rule like \"aks-*\""], []),
        // An earlier trigger that always holds and cannot fail takes every alert; one that
        // reads the alert fails on an alert without that field, and then does not match.
        (["now.hour <= 23", "alert.rule == \"x\"", "alert.rule == \"y\""], ["5:11", "8:11"]),
        (["alert.severity <= 4", "alert.rule == \"x\""], []),
        // The same trigger twice; different triggers.
        (["alert.rule == \"x\"", "alert.rule == \"x\""], ["5:11"]),
        (["alert.rule == \"x\"", "alert.rule == \"y\"", "alert.rule == \"x\" or alert.rule == \"y\""], []),
    ])
    func triggersTakenByAnEarlierRunbook(triggers: [String], findings: [String]) {
        let source = triggers.enumerated().map { "runbook r\($0) {\n  trigger \($1)\n}\n" }.joined()
        let run = LintRun(source)
        #expect(run.errors.isEmpty)
        #expect(run.findings == findings.map { "rein.lint.trigger-never-matches@\($0)" })
    }

    @Test func kqlTimeFilterIgnoresStringsAndCommentsAndExemptsTablelessSources() {
        func query(_ kql: String) -> String {
            "query q {\n  description \"d\"\n  kql \"\"\"\n    \(kql)\n    \"\"\"\n}\n"
        }
        #expect(LintRun(query("Perf | take 10")).codes == ["rein.lint.kql-without-time-filter"])
        #expect(LintRun(query("Perf | where TimeGenerated > ago (1h)")).codes.isEmpty)
        #expect(LintRun(query("Perf | where Name == 'ago(1h)'")).codes == ["rein.lint.kql-without-time-filter"])
        #expect(LintRun(query("Perf | where Flag == chicago(1)")).codes == ["rein.lint.kql-without-time-filter"])
        #expect(LintRun(query("print x = 1")).codes.isEmpty)
        #expect(LintRun(query("datatable(a: int) [1]")).codes.isEmpty)
    }

    @Test func allowGlobsThatMatchAnyone() {
        for glob in ["*", "**", "*@*", "*@*.*", "?*"] {
            #expect(LintRun(approvalRunbook(allow: "\"\(glob)\"")).codes.contains("rein.lint.approval-allows-anyone"), "\(glob)")
        }
        for glob in ["*@contoso.com", "oncall@contoso.com", "*.sre@*"] {
            #expect(!LintRun(approvalRunbook(allow: "\"\(glob)\"")).codes.contains("rein.lint.approval-allows-anyone"), "\(glob)")
        }
        let run = LintRun(approvalRunbook(allow: "\"*\""))
        #expect(run.diagnostics.first { $0.code == "rein.lint.approval-allows-anyone" }?.severity == .error)
    }

    @Test func unusedToolAppliesOnlyWhenTheBundleHasRunbooks() {
        #expect(!LintRun(Self.scale).codes.contains("rein.lint.unused-tool"))
        let withRunbook = Self.scale + "runbook r {\n  title \"R\"\n  trigger alert.severity <= 2\n}\n"
        #expect(LintRun(withRunbook).findings.contains("rein.lint.unused-tool@1:6"))
    }
}

/// A runbook with one remediation and the given `allow` globs.
func approvalRunbook(allow: String) -> String {
    """
    tool restart {
      effect write
      description "Restart"
      arg namespace: namespace
      elevate remediator role "Contributor" for 15m
    }
    runbook r {
      title "R"
      trigger alert.severity <= 2
      remediate restart
      approval {
        channel "c"
        approvers 1
        allow \(allow)
        timeout 15m
        on_timeout page P1
      }
    }
    """
}
