import ReinSemantics
import ReinSyntax
import Testing

/// One example of one rule.
struct LintExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: String
    let source: String
    let triggers: Bool
    let index: Int

    var testDescription: String { "\(ruleID) \(triggers ? "triggering" : "passing") #\(index + 1)" }

    static let all: [LintExampleCase] = LintRules.all.flatMap { rule in
        rule.examples.triggering.enumerated().map { LintExampleCase(ruleID: rule.id, source: $1, triggers: true, index: $0) }
            + rule.examples.passing.enumerated().map { LintExampleCase(ruleID: rule.id, source: $1, triggers: false, index: $0) }
    }
}

@Suite("Lint rule examples")
struct LintRuleExampleTests {
    /// Every rule's own examples: the triggering ones get its finding, the passing ones do not,
    /// and every one is a bundle the checker accepts.
    @Test(arguments: LintExampleCase.all)
    func example(_ example: LintExampleCase) throws {
        let run = LintRun(example.source)
        #expect(run.errors.isEmpty, "an example must pass the checker")
        let code = try #require(LintRules.rule(named: example.ruleID)).code
        #expect(run.codes.contains(code) == example.triggers, "findings: \(run.findings)")
    }

    @Test func everyRuleHasBothKindsOfExample() {
        for rule in LintRules.all {
            #expect(!rule.examples.triggering.isEmpty, "\(rule.id)")
            #expect(!rule.examples.passing.isEmpty, "\(rule.id)")
        }
    }

    @Test func idsAreStableKebabCaseAndUnique() {
        let ids = LintRules.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "-" }, "\(id)")
            #expect(LintRules.rule(named: "rein.lint." + id)?.id == id)
        }
    }

    @Test func findingsFollowTheDiagnosticStyle() {
        for example in LintExampleCase.all where example.triggers {
            for diagnostic in LintRun(example.source).diagnostics {
                let first = diagnostic.message.unicodeScalars.first
                #expect(first.map { !("A"..."Z").contains($0) } ?? false, "\(diagnostic.message)")
                #expect(!diagnostic.message.hasSuffix("."), "\(diagnostic.message)")
                #expect(!diagnostic.message.contains("\n"))
                #expect(diagnostic.help != nil, "\(diagnostic.code) has a help line")
            }
        }
    }
}
