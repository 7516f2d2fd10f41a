import ReinSemantics
import ReinSyntax
import Testing

/// Duplicates and missing statements.
@Suite("Declaration rules")
struct DeclarationRuleTests {
    static let cases: [CheckCase] = [
        CheckCase(
            name: "duplicate name across files and kinds",
            source: "tool scale_deployment {\n  effect read\n}\n",
            expected: ["rein.check.duplicate-declaration@1:6"]),
        CheckCase(
            name: "duplicate name within a file",
            source: "tool t1 {\n  effect read\n}\nquery t1 {\n  kql \"Perf\"\n}\n",
            expected: ["rein.check.duplicate-declaration@4:7"]),
        CheckCase(
            name: "duplicate effect",
            source: "tool t1 {\n  effect read\n  effect read\n}\n",
            expected: ["rein.check.duplicate-statement@3:3"]),
        CheckCase(
            name: "a query may say `effect read`",
            source: "query q1 {\n  effect read\n  arg pod: name\n  kql \"Perf | where InstanceName has {pod}\"\n}\n",
            expected: []),
        CheckCase(
            name: "a query with two `effect read` lines",
            source: "query q1 {\n  effect read\n  effect read\n  kql \"Perf\"\n}\n",
            expected: ["rein.check.duplicate-statement@3:3"]),
        CheckCase(
            name: "duplicate title and kql",
            source: "runbook r2 {\n  title \"a\"\n  title \"b\"\n}\nquery q1 {\n  kql \"Perf\"\n  kql \"Perf\"\n}\n",
            expected: ["rein.check.duplicate-statement@3:3", "rein.check.duplicate-statement@7:3"]),
        CheckCase(
            name: "duplicate statement in an approval block",
            source: """
                runbook r2 {
                  remediate scale_deployment
                  approval {
                    channel "c"
                    approvers 1
                    approvers 2
                    allow "*@contoso.com"
                    timeout 5m
                    on_timeout no_action
                  }
                }
                """,
            expected: ["rein.check.duplicate-statement@6:5"]),
        CheckCase(
            name: "duplicate approval block",
            source: """
                runbook r2 {
                  approval {
                    channel "c"
                    approvers 1
                    allow "*@contoso.com"
                    timeout 5m
                    on_timeout no_action
                  }
                  approval {
                    channel "d"
                  }
                }
                """,
            expected: ["rein.check.duplicate-statement@9:3"]),
        CheckCase(
            name: "duplicate arg",
            source: "tool t1 {\n  effect read\n  arg a: int\n  arg a: int\n}\n",
            expected: ["rein.check.duplicate-arg@4:7"]),
        CheckCase(
            name: "duplicate context key across policies",
            source: "policy p2 {\n  context environment: string\n}\n",
            expected: ["rein.check.duplicate-context-key@2:11"]),
        CheckCase(
            name: "duplicate enum member",
            source: "policy p2 {\n  context mode: \"a\" | \"b\" | \"a\"\n}\n",
            expected: ["rein.check.duplicate-enum-member@2:29"]),
        CheckCase(
            name: "duplicate entry in investigate",
            source: "runbook r2 {\n  investigate get_top_pods_by_memory, get_top_pods_by_memory\n}\n",
            expected: ["rein.check.duplicate-list-entry@2:39"]),
        CheckCase(
            name: "duplicate entry in a rule target",
            source: "policy p2 {\n  deny [scale_deployment, scale_deployment] when args.replicas > 3\n}\n",
            expected: ["rein.check.duplicate-list-entry@2:27"]),
        CheckCase(
            name: "duplicate eligible role",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Contributor" at resource
                  eligible "Contributor" at resource_group
                }
                """,
            expected: ["rein.check.duplicate-role@4:12"]),
        CheckCase(
            name: "tool without effect",
            source: "tool t1 {\n  description \"x\"\n}\n",
            expected: ["rein.check.missing-statement@1:6"]),
        CheckCase(
            name: "query without kql",
            source: "query q1 {\n  description \"x\"\n}\n",
            expected: ["rein.check.missing-statement@1:7"]),
        CheckCase(
            name: "remediate without approval",
            source: "runbook r2 {\n  remediate scale_deployment\n}\n",
            expected: ["rein.check.missing-approval@2:3"]),
        CheckCase(
            name: "approval block missing fields",
            source: """
                runbook r2 {
                  remediate scale_deployment
                  approval {
                    channel "c"
                    approvers 1
                  }
                }
                """,
            expected: ["rein.check.missing-approval-field@3:3"]),
        CheckCase(
            name: "eligible roles without principal",
            source: "identity r2 {\n  eligible \"Contributor\" at resource\n}\n",
            expected: ["rein.check.missing-principal@1:10"]),
        CheckCase(
            name: "write tool without elevate",
            source: "tool t1 {\n  effect write\n}\n",
            expected: ["rein.check.missing-elevation@1:6"]),
        CheckCase(
            name: "read tool with elevate",
            source: "tool t1 {\n  effect read\n  elevate remediator role \"Contributor\" for 5m\n}\n",
            expected: ["rein.check.unexpected-elevation@3:3"]),
        CheckCase(
            name: "int, duration and string args of a write tool without bounds",
            source: "tool t1 {\n  effect write\n  arg n: int\n  arg d: duration\n  arg s: string\n  elevate remediator role \"Contributor\" for 5m\n}\n",
            expected: ["rein.check.unbounded-write-arg@3:7", "rein.check.unbounded-write-arg@4:7", "rein.check.unbounded-write-arg@5:7"]),
        CheckCase(
            name: "write tool args bounded by constraints or by their type",
            source: """
                tool t1 {
                  effect write
                  arg a: string len 1..5
                  arg b: string matching "^[a-z]+$"
                  arg c: name
                  arg d: namespace
                  arg e: "x" | "y"
                  arg f: bool
                  elevate remediator role "Contributor" for 5m
                }
                """,
            expected: []),
    ]

    @Test("a query is a read tool, with or without `effect read`")
    func queryEffect() throws {
        let bundle = TestBundle([
            ("a.rein", prelude),
            ("test.rein", "query q1 {\n  effect read\n  kql \"Perf\"\n}\nquery q2 {\n  effect read\n  effect read\n  kql \"Perf\"\n}\n"),
        ])
        #expect(bundle.parseDiagnostics == [])
        #expect(bundle.result.model.tool(named: "q1")?.effect == .read)
        #expect(bundle.result.model.tool(named: "q2")?.effect == .read)
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.message == "duplicate `effect` in query `q2`")
        #expect(bundle.result.diagnostics.count == 1)
    }

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("a duplicate points at the later declaration with a note at the first")
    func duplicateNote() throws {
        let bundle = CheckCase(name: "", source: "runbook baseline {\n}\n", expected: []).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.code == "rein.check.duplicate-declaration")
        #expect(diagnostic.message == "`baseline` is already declared (as a policy)")
        #expect(bundle.location(diagnostic.span, withPath: true) == "test.rein:1:9")
        let note = try #require(diagnostic.notes.first)
        #expect(note.message == "first declared here")
        #expect(note.span.map { bundle.location($0, withPath: true) } == "a.rein:44:8")
        #expect(bundle.result.model.runbook(named: "baseline") == nil)
    }

    @Test("a declaration with parse errors gets no missing-statement errors")
    func parseErrorsSuppressMissing() {
        let bundle = TestBundle([
            ("a.rein", prelude),
            ("test.rein", "tool t1 {\n  effect maybe\n}\nquery q1 {\n  arg a int\n}\nidentity r2 {\n  eligible \"Contributor\" at cluster\n}\n"),
        ])
        #expect(!bundle.parseDiagnostics.isEmpty)
        #expect(bundle.allDiagnostics == [])
    }
}
