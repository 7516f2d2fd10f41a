import Foundation
import Testing
import ReinAdapters

/// The golden corpus of invalid inputs (errors, and a few warnings): `Tests/Corpus/invalid/NAME.rein` (or a folder
/// `NAME/` for a multi-file bundle) with its rendered diagnostics in `NAME.expected`.
/// `REIN_UPDATE_GOLDEN=1 swift test` rewrites the expected files.
@Suite("Golden corpus")
struct GoldenCorpusTests {
    static let corpus = repositoryRoot.appendingPathComponent("Tests/Corpus")

    static var invalidCases: [String] {
        let folder = corpus.appendingPathComponent("invalid")
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { !$0.hasSuffix(".expected") && !$0.hasPrefix(".") }.sorted()
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.invalidCases.count >= 60)
    }

    @Test(arguments: invalidCases)
    func invalidInput(name: String) throws {
        let bundle = try loadBundle(["invalid/\(name)"], in: Self.corpus)
        let outcome = bundle.check()
        #expect(!outcome.diagnostics.isEmpty, "an invalid input must produce a diagnostic")
        let rendered = TextDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics)
        let stem = name.hasSuffix(".rein") ? String(name.dropLast(5)) : name
        let expected = Self.corpus.appendingPathComponent("invalid/\(stem).expected")
        if let difference = compareGolden(rendered, file: expected) {
            Issue.record("\(name): \(difference)")
        }
    }

    @Test(arguments: invalidCases)
    func invalidInputIsDeterministic(name: String) throws {
        let first = try loadBundle(["invalid/\(name)"], in: Self.corpus).check().diagnostics
        let second = try loadBundle(["invalid/\(name)"], in: Self.corpus).check().diagnostics
        #expect(first == second)
    }
}
