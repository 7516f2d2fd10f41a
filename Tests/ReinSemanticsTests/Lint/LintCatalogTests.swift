import Foundation
import ReinSemantics
import Testing

@Suite("Lint catalogue")
struct LintCatalogTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/LINT.md")

    /// docs/LINT.md is generated from the rules; `REIN_UPDATE_GOLDEN=1 swift test` rewrites it.
    @Test func docsMatchTheRules() throws {
        let generated = LintCatalog.markdown()
        if ProcessInfo.processInfo.environment["REIN_UPDATE_GOLDEN"] != nil {
            try generated.write(to: Self.path, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOf: Self.path, encoding: .utf8)
        #expect(onDisk == generated, "docs/LINT.md is stale: run `REIN_UPDATE_GOLDEN=1 swift test --filter LintCatalogTests`")
    }

    @Test func everyRuleIsCatalogued() {
        let text = LintCatalog.markdown()
        for rule in LintRules.all {
            #expect(text.contains("\n## \(rule.id)\n"))
            #expect(text.contains("Level: `\(rule.defaultLevel.rawValue)`. Code: `rein.lint.\(rule.id)`"))
        }
    }
}
