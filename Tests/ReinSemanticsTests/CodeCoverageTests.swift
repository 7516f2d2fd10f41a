import Foundation
import ReinSemantics
import ReinSyntax
import Testing

/// Every checker code is triggered by some test case and described in the docs.
@Suite("Diagnostic codes")
struct CodeCoverageTests {
    static var allCases: [CheckCase] {
        DeclarationRuleTests.cases + ReferenceAndIdentityTests.cases + KQLTemplateTests.cases + ArgRuleTests.cases
            + ExpressionRuleTests.cases + LimitRuleTests.cases + ErrorCapTests.cases + ExactValueTests.cases
            + CascadeTests.cases
    }

    @Test("every code has a triggering test case")
    func everyCodeIsTested() {
        var tested = Set<String>()
        for testCase in Self.allCases {
            for expectation in testCase.expected {
                tested.insert(String(expectation.prefix { $0 != "@" }))
            }
        }
        let untested = CheckCode.allCases.map(\.rawValue).filter { !tested.contains($0) }
        #expect(untested == [])
    }

    @Test("every code is documented in docs/DIAGNOSTICS.md")
    func everyCodeIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/DIAGNOSTICS.md"), encoding: .utf8)
        let undocumented = CheckCode.allCases.map(\.rawValue).filter { !text.contains("`\($0)`") }
        #expect(undocumented == [])
    }

    @Test("code suggested in a help is valid Rein (a one-line block holds one statement)")
    func suggestedCodeIsValid() {
        let keywords = ["identity ", "tool ", "query ", "runbook ", "policy "]
        var checked = 0
        for testCase in Self.allCases {
            for diagnostic in testCase.run().result.diagnostics {
                guard let help = diagnostic.help else { continue }
                let pieces = help.split(separator: "`", omittingEmptySubsequences: false)
                // Odd pieces are the code spans; `NAME {` opens a block (`{arg}` is a KQL placeholder).
                for (index, piece) in pieces.enumerated() where index % 2 == 1 && piece.contains(" {") {
                    let code = String(piece)
                    if code.hasSuffix("{ … }") { continue }  // a schematic block, not code
                    guard keywords.contains(where: { code.hasPrefix($0) }) else {
                        Issue.record("help suggests a block that is not a declaration: \(help)")
                        continue
                    }
                    let parsed = Parser.parse(SourceFile(path: "help.rein", text: code + "\n"), fileIndex: 0)
                    #expect(parsed.diagnostics.isEmpty, "\(code)")
                    checked += 1
                }
            }
        }
        #expect(checked > 0)
    }

    @Test("the missing-approval and unknown-identity helps describe the statements in words")
    func blockHelps() throws {
        let missingApproval = CheckCase(name: "", source: "runbook r2 {\n  remediate scale_deployment\n}\n", expected: []).run()
        #expect(missingApproval.result.diagnostics.map(\.help) == [
            "add an `approval` block with `channel`, `approvers`, `allow`, `timeout` and `on_timeout`, each on a line of its own: every remediation needs a person's approval",
        ])
        let unknownIdentity = CheckCase(
            name: "", source: "tool t1 {\n  effect write\n  elevate nobody role \"Contributor\" for 5m\n}\n", expected: []
        ).run()
        #expect(unknownIdentity.result.diagnostics.map(\.help) == [
            "declare it with `identity nobody { … }` holding a `principal \"GUID\"` line and an `eligible \"ROLE\" at SCOPE` line",
        ])
    }

    @Test("messages follow the style: lowercase start, no trailing period")
    func messageStyle() {
        for testCase in Self.allCases {
            for diagnostic in testCase.run().result.diagnostics {
                let first = diagnostic.message.unicodeScalars.first
                #expect(first.map { !("A"..."Z").contains($0) } ?? false, "\(diagnostic.message)")
                #expect(!diagnostic.message.hasSuffix("."), "\(diagnostic.message)")
                #expect(diagnostic.code.hasPrefix("rein.check."))
            }
        }
    }
}
