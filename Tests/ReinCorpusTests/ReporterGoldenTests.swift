import Foundation
import ReinAdapters
import Testing

/// `rein check`'s reporters, each against its canned expected output
/// (`Tests/Corpus/reporters/expected.*`), on a bundle with errors and a warning, one of whose
/// paths has a space, and (SARIF) on a clean bundle with lint findings. `REIN_UPDATE_GOLDEN=1
/// swift test` rewrites them.
@Suite("Reporters")
struct ReporterGoldenTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/Corpus/reporters")

    static func check(_ bundle: String = "bundle") throws -> (diagnostics: [Diagnostic], files: [SourceFile]) {
        let bundle = try loadBundle(["Tests/Corpus/reporters/\(bundle)"], in: repositoryRoot)
        return (bundle.check().diagnostics, bundle.sources)
    }

    /// SARIF as `rein check --format sarif` writes it from the repository root.
    static func sarif(_ diagnostics: [Diagnostic], files: [SourceFile]) -> String {
        SARIFDiagnosticRenderer(
            files: files, toolVersion: "0.1.0", locations: files.map { .underRoot($0.path) }, describe: RuleDocumentation.describe).render(diagnostics)
    }

    @Test(arguments: ["sarif.json", "github.txt", "json"])
    func reporterMatches(_ name: String) throws {
        let (diagnostics, files) = try Self.check()
        #expect(diagnostics.contains { $0.severity == .warning } && diagnostics.contains { $0.severity == .error })
        let output = switch name {
        case "sarif.json": Self.sarif(diagnostics, files: files)
        case "github.txt": GitHubDiagnosticRenderer(files: files).render(diagnostics)
        default: JSONDiagnosticRenderer(files: files).render(diagnostics)
        }
        let difference = compareGolden(output, file: Self.folder.appendingPathComponent("expected.\(name)"))
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// Lint rules in SARIF: their summary, rationale, suppression and examples as help.
    @Test func lintFindingsInSARIFMatch() throws {
        let (diagnostics, files) = try Self.check("lint-bundle")
        #expect(diagnostics.count >= 3 && diagnostics.allSatisfy { $0.code.hasPrefix(LintRules.codePrefix) })
        let difference = compareGolden(Self.sarif(diagnostics, files: files), file: Self.folder.appendingPathComponent("expected.lint.sarif.json"))
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// The SARIF output has what code scanning reads and requires beyond the schema, for
    /// checker codes and lint rules alike.
    @Test(arguments: ["bundle", "lint-bundle"])
    func sarifHasWhatCodeScanningRequires(bundle: String) throws {
        let (diagnostics, files) = try Self.check(bundle)
        let text = Self.sarif(diagnostics, files: files)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == diagnostics.count)
        for rule in rules {
            for key in ["shortDescription", "fullDescription"] {
                let text = (rule[key] as? [String: Any])?["text"] as? String
                #expect(text.map { !$0.isEmpty && $0.utf8.count <= 1024 } == true, "\(key) of \(rule["id"] ?? "")")
            }
            let help = try #require(rule["help"] as? [String: String])
            #expect(help["text"].map { $0.count > 40 } == true && help["markdown"].map { $0.count > 40 } == true)
            #expect((rule["helpUri"] as? String)?.hasPrefix(SARIFDiagnosticRenderer.defaultDocumentationBase + "docs/") == true)
            let properties = try #require(rule["properties"] as? [String: String])
            #expect(["very-high", "high"].contains(properties["precision"] ?? ""))
            #expect(["error", "warning", "recommendation"].contains(properties["problem.severity"] ?? ""))
        }
        var fingerprints: Set<String> = []
        for result in results {
            let ruleIndex = try #require(result["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == result["ruleId"] as? String)
            let fingerprint = try #require((result["partialFingerprints"] as? [String: String])?["reinFindingHash/v1"])
            #expect(fingerprints.insert(fingerprint).inserted)
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((location["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(uri.hasPrefix("Tests/Corpus/reporters/\(bundle)/") && !uri.contains(" "))
            #expect(((location["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
        }
    }

    /// Every documentation link of a rule names a heading of the docs (anchors as GitHub makes
    /// them: lowercase, punctuation dropped, spaces as `-`).
    @Test func helpLinksNameHeadingsOfTheDocs() throws {
        func anchors(_ file: String) throws -> Set<String> {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            return Set(text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line in
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
                return String(title.unicodeScalars.compactMap { scalar -> Character? in
                    if scalar == " " { return "-" }
                    return scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
                        ? Character(scalar) : nil
                })
            })
        }
        let documents = ["docs/DIAGNOSTICS.md": try anchors("docs/DIAGNOSTICS.md"), "docs/LINT.md": try anchors("docs/LINT.md")]
        let codes = DiagnosticCatalog.entries.map(\.code) + LintRules.all.map(\.code)
        for code in codes {
            let documentation = try #require(RuleDocumentation.describe(code)?.documentation)
            let parts = documentation.split(separator: "#", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && documents[parts[0]]?.contains(parts[1]) == true, "\(code): \(documentation)")
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
