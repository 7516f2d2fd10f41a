import Foundation
import Testing
import ReinAdapters

@Suite("Examples and docs")
struct ExamplesTests {
    @Test func examplesCheckClean() throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let outcome = bundle.check()
        let rendered = TextDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics)
        #expect(outcome.diagnostics.isEmpty, "\(rendered)")
        #expect(bundle.files.count >= 4)
    }

    /// The examples saved with a byte-order mark, CRLF line ends and tab indentation check clean.
    @Test func examplesCheckCleanWithBOMCRLFAndTabs() throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let variants = bundle.files.map { file -> (path: String, text: String) in
            let text = String(decoding: file.file.bytes, as: UTF8.self)
            var lines: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let spaces = line.prefix { $0 == " " }.count
                lines.append(String(repeating: "\t", count: spaces / 2) + String(repeating: " ", count: spaces % 2) + line.dropFirst(spaces))
            }
            return (file.file.path, "\u{FEFF}" + lines.joined(separator: "\r\n"))
        }
        let (outcome, files) = checkSources(variants)
        #expect(outcome.diagnostics.isEmpty, "\(TextDiagnosticRenderer(files: files).render(outcome.diagnostics))")
    }

    @Test func examplesCoverTheSeedScenario() throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let names = Set(bundle.files.flatMap(\.declarations).map(\.name.name))
        for required in ["observer", "remediator", "get_top_pods_by_memory", "scale_deployment", "aks_node_memory_pressure"] {
            #expect(names.contains(required), "missing `\(required)`")
        }
        let runbooks = bundle.files.flatMap(\.declarations).filter { $0.kind == .runbook }
        #expect(runbooks.count >= 4)
    }

    /// Every ```rein block of the language reference is a complete bundle that checks clean.
    static var referenceBlocks: [ReferenceBlock] {
        let url = repositoryRoot.appendingPathComponent("Grammar/README.md")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var blocks: [ReferenceBlock] = []
        var current: [String]?
        var startLine = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```rein" {
                current = []
                startLine = number + 2
            } else if current != nil, trimmed == "```" {
                blocks.append(ReferenceBlock(line: startLine, source: (current ?? []).joined(separator: "\n") + "\n"))
                current = nil
            } else if current != nil {
                current?.append(String(line))
            }
        }
        return blocks
    }

    @Test func referenceHasExamples() {
        #expect(Self.referenceBlocks.count >= 10)
    }

    @Test(arguments: referenceBlocks)
    func referenceExampleChecksClean(block: ReferenceBlock) {
        let (outcome, files) = checkSources([(path: "Grammar/README.md@\(block.line)", text: block.source)])
        let rendered = TextDiagnosticRenderer(files: files).render(outcome.diagnostics)
        #expect(outcome.diagnostics.isEmpty, "block at Grammar/README.md:\(block.line)\n\(rendered)")
    }
}

/// A ```rein code block of the language reference and the line its code starts on.
struct ReferenceBlock: Sendable, CustomTestStringConvertible {
    let line: Int
    let source: String

    var testDescription: String { "Grammar/README.md:\(line)" }
}
