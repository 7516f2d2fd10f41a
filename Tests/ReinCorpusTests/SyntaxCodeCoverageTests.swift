import Foundation
import Testing

/// Every `rein.io.*`, `rein.lex.*` and `rein.parse.*` code the front end can emit is documented
/// in docs/DIAGNOSTICS.md and exercised by the golden corpus.
@Suite("Syntax diagnostic codes")
struct SyntaxCodeCoverageTests {
    static func emittedCodes() throws -> Set<String> {
        var codes = Set<String>()
        for folder in ["Sources/ReinSyntax", "Sources/ReinAdapters"] {
            let base = repositoryRoot.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                let pattern = /"(rein\.(?:io|lex|parse)\.[a-z0-9-]+)"/
                for match in text.matches(of: pattern) { codes.insert(String(match.output.1)) }
            }
        }
        return codes
    }

    @Test func everyCodeIsDocumentedAndInTheCorpus() throws {
        let codes = try Self.emittedCodes()
        #expect(codes.count >= 30)
        let docs = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/DIAGNOSTICS.md"), encoding: .utf8)
        let corpus = repositoryRoot.appendingPathComponent("Tests/Corpus/invalid")
        let expected = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { $0.hasSuffix(".expected") }
            .map { try String(contentsOf: corpus.appendingPathComponent($0), encoding: .utf8) }
            .joined()
        for code in codes.sorted() {
            #expect(docs.contains("`\(code)`"), "\(code) is not documented in docs/DIAGNOSTICS.md")
            if code != "rein.io.file-too-large" {  // a 50 MiB input: covered by CLITests
                #expect(expected.contains("[\(code)]"), "\(code) has no golden corpus case")
            }
        }
    }
}
