import Foundation
import ReinSemantics
import ReinSyntax
import Testing

/// Every checker code is triggered by some test case and described in the docs.
@Suite("Diagnostic codes")
struct CodeCoverageTests {
    static var allCases: [CheckCase] {
        DeclarationRuleTests.cases + ReferenceAndIdentityTests.cases + KQLTemplateTests.cases + ArgRuleTests.cases
            + ExpressionRuleTests.cases + LimitRuleTests.cases
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
