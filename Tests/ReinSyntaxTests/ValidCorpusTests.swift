import Foundation
import Testing
import ReinSyntax

/// Valid inputs round-trip through the parser: each `Tests/Corpus/valid/NAME.rein` and every
/// example file parses without diagnostics to the AST recorded in its `.ast` golden file
/// (`REIN_UPDATE_GOLDEN=1` rewrites them).
@Suite("Valid corpus")
struct ValidCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenFolder = root.appendingPathComponent("Tests/Corpus/valid")

    /// Repository-relative paths of the valid inputs: the corpus and the examples.
    static var inputs: [String] {
        var paths: [String] = []
        for folder in ["Tests/Corpus/valid", "policies", "runbooks"] {
            let base = root.appendingPathComponent(folder)
            let entries = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
            paths += entries.filter { $0.hasSuffix(".rein") }.map { "\(folder)/\($0)" }
        }
        return paths.sorted()
    }

    @Test func thereAreValidInputs() {
        #expect(Self.inputs.count >= 12)
    }

    @Test(arguments: inputs)
    func parsesToTheRecordedTree(path: String) throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent(path))
        let result = Parser.parse(SourceFile(path: path, bytes: [UInt8](data)), fileIndex: 0)
        #expect(result.diagnostics.isEmpty, "\(summary(result))")
        let dump = ASTDump.dump(result)
        let golden = Self.goldenFolder.appendingPathComponent(
            path.hasPrefix("Tests/Corpus/valid/")
                ? String(path.dropFirst("Tests/Corpus/valid/".count).dropLast(5)) + ".ast"
                : path.replacingOccurrences(of: "/", with: "__").dropLast(5) + ".ast")
        if ProcessInfo.processInfo.environment["REIN_UPDATE_GOLDEN"] != nil {
            try dump.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(dump == expected, "AST of \(path) differs from \(golden.lastPathComponent)")
    }

    /// Byte-order mark, CRLF line ends and tab indentation change nothing.
    @Test(arguments: inputs)
    func encodingVariantsParseTheSame(path: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\u{FEFF}", with: "")
        let plain = ASTDump.dump(parse(text))
        var tabbedLines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let spaces = line.prefix { $0 == " " }.count
            let indent = String(repeating: "\t", count: spaces / 2) + String(repeating: " ", count: spaces % 2)
            tabbedLines.append(indent + String(line.dropFirst(spaces)))
        }
        let tabbed = tabbedLines.joined(separator: "\n")
        for variant in ["\u{FEFF}" + text, text.replacingOccurrences(of: "\n", with: "\r\n")] {
            let result = parse(variant)
            #expect(result.diagnostics.isEmpty, "\(summary(result))")
            #expect(ASTDump.dump(result) == plain)
        }
        // Tabs change the value of an indented `"""` block, so only validity is compared.
        let tabbedResult = parse("\u{FEFF}" + tabbed.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(tabbedResult.diagnostics.isEmpty, "\(summary(tabbedResult))")
    }
}
