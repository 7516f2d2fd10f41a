import Foundation
import ReinAdapters
import Testing

/// `rein check`'s reporters, each against its canned expected output
/// (`Tests/Corpus/reporters/expected.*`), on a bundle with errors and a warning, one of whose
/// paths has a space. `REIN_UPDATE_GOLDEN=1 swift test` rewrites them.
@Suite("Reporters")
struct ReporterGoldenTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/Corpus/reporters")

    static func check() throws -> (diagnostics: [Diagnostic], files: [SourceFile]) {
        let bundle = try loadBundle(["Tests/Corpus/reporters/bundle"], in: repositoryRoot)
        return (bundle.check().diagnostics, bundle.sources)
    }

    @Test(arguments: ["sarif.json", "github.txt", "json"])
    func reporterMatches(_ name: String) throws {
        let (diagnostics, files) = try Self.check()
        #expect(diagnostics.contains { $0.severity == .warning } && diagnostics.contains { $0.severity == .error })
        let output = switch name {
        case "sarif.json": SARIFDiagnosticRenderer(files: files, toolVersion: "0.1.0").render(diagnostics)
        case "github.txt": GitHubDiagnosticRenderer(files: files).render(diagnostics)
        default: JSONDiagnosticRenderer(files: files).render(diagnostics)
        }
        let difference = compareGolden(output, file: Self.folder.appendingPathComponent("expected.\(name)"))
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// The SARIF output is the structure code scanning reads.
    @Test func sarifHasTheShapeCodeScanningReads() throws {
        let (diagnostics, files) = try Self.check()
        let text = SARIFDiagnosticRenderer(files: files, toolVersion: "0.1.0").render(diagnostics)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == diagnostics.count)
        for result in results {
            let ruleIndex = try #require(result["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == result["ruleId"] as? String)
            let help = (rules[ruleIndex]["help"] as? [String: Any])?["text"] as? String
            #expect(help?.isEmpty == false)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.hasPrefix("Tests/Corpus/reporters/bundle/") && !uri.contains(" "))
            #expect(((location["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
        }
    }

    /// The catalogue reporters draw help text from is docs/DIAGNOSTICS.md's (regenerate it with
    /// Scripts/gen-diagnostic-catalog.py), and it knows every code the checker can give.
    @Test func theCatalogueMatchesTheDocs() throws {
        let docs = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/DIAGNOSTICS.md"), encoding: .utf8)
        var documented: [String: String] = [:]
        // A row is `| `CODE` [(warning)] | WHEN | EXAMPLE |`; `\|` is a pipe inside a cell.
        for line in docs.split(separator: "\n") where line.hasPrefix("| `rein.") {
            let cells = line.replacingOccurrences(of: "\\|", with: "\u{0}").split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 3 else { continue }
            let code = String(cells[1].split(separator: "`")[1])
            let when = cells[2].replacingOccurrences(of: "\u{0}", with: "|").replacingOccurrences(of: "`", with: "")
            if documented[code] == nil { documented[code] = when.trimmingCharacters(in: .whitespaces) }
        }
        #expect(documented.count == DiagnosticCatalog.entries.count, "run Scripts/gen-diagnostic-catalog.py")
        for (code, summary) in documented {
            #expect(DiagnosticCatalog.summary(of: code) == summary, "\(code): run Scripts/gen-diagnostic-catalog.py")
        }
        for code in CheckCode.allCases {
            #expect(DiagnosticCatalog.summary(of: code.rawValue) != nil, "\(code.rawValue) is not in docs/DIAGNOSTICS.md")
        }
    }
}
