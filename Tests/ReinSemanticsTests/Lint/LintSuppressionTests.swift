import Foundation
import ReinSemantics
import ReinSyntax
import Testing

@Suite("Lint suppressions")
struct LintSuppressionTests {
    static let tool = """
        tool get_pods {
          effect read
          arg namespace: namespace
        }
        """

    @Test func aTrailingCommentSilencesItsOwnLine() {
        let source = Self.tool.replacingFirst("tool get_pods {", with: "tool get_pods { # rein:ignore missing-description the name says it all")
        #expect(LintRun(source).codes.isEmpty)
    }

    @Test func aCommentAloneSilencesTheNextCodeLineAndStacks() {
        let source = """
            tool scale {
              effect write
              description "Set the replica count"
              arg replicas: int in 1..10
              elevate remediator role "Contributor" for 15m
            }
            policy p {
              deny scale when args.replicas > 20 because "no" # rein:ignore deny-never-matches a guard for later
              # rein:ignore shadowed-rule the copy documents the runbook's intent
              # (an ordinary comment in between)

              # rein:ignore deny-never-matches not reported: the earlier copy speaks for this one
              deny scale when args.replicas > 20 because "no"
            }
            """
        #expect(LintRun(source).findings == ["rein.lint.unused-suppression@12:3"])
        let unsuppressed = source.replacingFirst("# rein:ignore shadowed-rule", with: "#")
        #expect(LintRun(unsuppressed).findings == ["rein.lint.unused-suppression@12:3", "rein.lint.shadowed-rule@13:3"])
    }

    @Test func itSilencesOnlyTheRuleItNames() {
        let source = "# rein:ignore unused-tool not yet\n" + Self.tool
        let run = LintRun(source)
        // `unused-tool` does not apply without runbooks: the suppression is unused too.
        #expect(run.findings == ["rein.lint.unused-suppression@1:1", "rein.lint.missing-description@2:6"])
    }

    @Test func aSuppressionOnAnotherLineSilencesNothing() {
        let source = Self.tool.replacingFirst("effect read", with: "effect read # rein:ignore missing-description wrong line")
        #expect(LintRun(source).findings == ["rein.lint.missing-description@1:6", "rein.lint.unused-suppression@2:15"])
    }

    @Test(arguments: [
        ("# rein:ignore missing-description", "`rein:ignore missing-description` gives no reason"),
        ("# rein:ignore missing-description   ", "`rein:ignore missing-description` gives no reason"),
        ("# rein:ignore", "`rein:ignore` names no rule"),
        ("# rein:ignore missing-descripton typo", "unknown lint rule `missing-descripton`"),
        ("# rein:disable missing-description why", "unknown directive `rein:disable`"),
        ("# rein:ignore rein.check.arg-matches-no-tool why", "`rein.check.arg-matches-no-tool` is not a lint rule"),
    ])
    func malformedSuppressionsAreReportedAndSilenceNothing(comment: String, message: String) throws {
        let run = LintRun(comment + "\n" + Self.tool)
        let invalid = try #require(run.diagnostics.first { $0.code == "rein.lint.invalid-suppression" })
        #expect(invalid.message == message)
        #expect(invalid.severity == .warning)
        #expect(run.codes.contains("rein.lint.missing-description"))
    }

    @Test func aFileShowsAtMostAHundredFindingsThenOneMarker() {
        let tools = (0..<150).map { "tool t\($0) {\n  effect read\n}\n" }.joined()
        let run = LintRun(tools)
        #expect(run.codes.count == 101)
        #expect(run.codes.prefix(100).allSatisfy { $0 == "rein.lint.missing-description" })
        #expect(run.findings.last == "rein.lint.too-many-findings@301:6")
    }

    @Test func aLongStackOfSuppressionsCoversTheLineBelowIt() {
        let stack = String(repeating: "# rein:ignore missing-description why\n", count: 2_000)
        let run = LintRun(stack + "tool t {\n  effect read\n}\n")
        // The first one silences the finding; the other 1,999 silence nothing.
        #expect(run.codes.filter { $0 == "rein.lint.missing-description" }.isEmpty)
        #expect(run.codes.count == 101)
        #expect(run.codes.last == "rein.lint.too-many-findings")
    }

    @Test func anUnknownRuleGetsASuggestion() {
        let run = LintRun("# rein:ignore missing-descripton typo\n" + Self.tool)
        #expect(run.diagnostics.first?.help == "did you mean `missing-description`?")
    }

    @Test func theFullCodeIsAcceptedToo() {
        #expect(LintRun("# rein:ignore rein.lint.missing-description the name says it all\n" + Self.tool).codes.isEmpty)
    }

    @Test func ordinaryCommentsAreNoDirectives() {
        #expect(LintRun("# reinforce the cluster: rein:ignore is documented elsewhere\n" + Self.tool).codes
            == ["rein.lint.missing-description"])
    }

    @Test func levelsCanBeChangedOrTurnedOff() throws {
        let error = try LintLevels.parse(["missing-description=error"]).get()
        #expect(LintRun(Self.tool, levels: error).diagnostics.map(\.severity) == [.error])
        let off = try LintLevels.parse(["rein.lint.missing-description=off"]).get()
        #expect(LintRun(Self.tool, levels: off).codes.isEmpty)
        // A suppression of a rule that is off is not reported unused.
        #expect(LintRun("# rein:ignore missing-description why\n" + Self.tool, levels: off).codes.isEmpty)
    }

    @Test(arguments: ["missing-description", "nope=off", "missing-description=loud", "=off"])
    func badLevelSettingsAreRefused(setting: String) {
        guard case .failure(let error) = LintLevels.parse([setting]) else {
            Issue.record("`\(setting)` was accepted")
            return
        }
        #expect(!error.message.isEmpty)
    }
}
