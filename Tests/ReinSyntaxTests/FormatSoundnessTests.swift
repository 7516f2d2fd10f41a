import Foundation
import ReinSyntax
import Testing

/// The formatter's soundness over every `.rein` file of the repository: examples, benchmark
/// workload and every corpus. For each file that parses without errors, formatting keeps the
/// tree (locations aside, doc comments included) and every comment, and formatting again
/// changes nothing; a file with errors is refused, never rewritten.
@Suite("Format soundness")
struct FormatSoundnessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Repository-relative paths of every `.rein` file, skipping hidden and build folders.
    static var inputs: [String] {
        let entries = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return entries.filter { path in
            path.hasSuffix(".rein") && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted()
    }

    @Test func everyKindOfFileIsCovered() {
        let inputs = Self.inputs
        for folder in ["policies/", "runbooks/", "Benchmarks/Anchors/", "Tests/Corpus/valid/", "Tests/Corpus/invalid/", "Tests/Corpus/fmt/"] {
            #expect(inputs.contains { $0.hasPrefix(folder) }, "no .rein file under \(folder)")
        }
        #expect(inputs.count >= 150)
    }

    @Test(arguments: inputs)
    func formattingKeepsTheFile(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent(path)))
        let input = Parser.parse(SourceFile(path: path, bytes: bytes), fileIndex: 0)
        let result = SourceFormatter.format(bytes)
        guard input.diagnostics.isEmpty else {
            #expect(result == .syntaxErrors(input.diagnostics.sortedForOutput()), "a file with errors must be refused")
            return
        }
        let formatted = try #require(result.bytes, "\(path) was not formatted: \(result)")
        let output = Parser.parse(SourceFile(path: path, bytes: formatted), fileIndex: 0)
        #expect(output.diagnostics.isEmpty, "\(summary(output))")
        #expect(ASTDump.dump(output) == ASTDump.dump(input), "the tree of \(path) changed")
        #expect(output.comments.map(\.text).sorted() == input.comments.map(\.text).sorted(), "a comment of \(path) changed")
        #expect(SourceFormatter.format(formatted) == .formatted(formatted), "formatting \(path) twice changes it")
        #expect(formatted.last == 0x0A || formatted.isEmpty)
        #expect(!formatted.contains(0x0D) || input.comments.contains { $0.text.contains("\r") })
    }
}
