import Foundation
@testable import ReinSyntax
import Testing

/// What code scanning needs of the SARIF renderer beyond the schema: fingerprints that follow a
/// finding, not its line; locations that resolve in a repository; rules with help and links.
@Suite("SARIF rendering")
struct SARIFRendererTests {
    static let text = """
        tool t {
          arg n: int in 10..1
        }
        tool u {
          arg n: int in 10..1
        }

        """

    /// The empty-range error of each `arg n` line of `text`.
    static func diagnostics(in file: SourceFile) -> [Diagnostic] {
        let bytes = file.bytes
        var found: [Diagnostic] = []
        var index = 0
        let needle = Array("10..1".utf8)
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<index + needle.count]) == needle {
                found.append(.error("rein.check.empty-range", "empty range `10..1`", at: SourceSpan(file: 0, start: index, end: index + 5)))
            }
            index += 1
        }
        return found
    }

    static func results(_ text: String, locations: [SARIFArtifactLocation]? = nil) throws -> [[String: Any]] {
        let file = SourceFile(path: "runbooks/x.rein", text: text)
        let sarif = SARIFDiagnosticRenderer(files: [file], toolVersion: "1", locations: locations ?? [.underRoot(file.path)]).render(diagnostics(in: file))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        return try #require(run["results"] as? [[String: Any]])
    }

    static func fingerprint(_ result: [String: Any]) -> String? {
        (result["partialFingerprints"] as? [String: String])?["reinFindingHash/v1"]
    }

    static func startLine(_ result: [String: Any]) -> Int? {
        let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        return (location?["region"] as? [String: Any])?["startLine"] as? Int
    }

    @Test func identicalFindingsOfOneFileAreCounted() throws {
        let results = try Self.results(Self.text)
        let fingerprints = results.compactMap(Self.fingerprint)
        #expect(fingerprints.count == 2)
        let hashes = Set(fingerprints.map { $0.split(separator: ":")[0] })
        #expect(hashes.count == 1)
        #expect(fingerprints.map { $0.split(separator: ":").last.map(String.init) } == ["1", "2"])
        #expect(fingerprints.allSatisfy { $0.split(separator: ":")[0].count == 16 })
    }

    @Test(arguments: [
        ("# a comment above\n\n" + SARIFRendererTests.text, [4, 7]),
        (SARIFRendererTests.text.replacingOccurrences(of: "tool u {", with: "tool u {\n  effect read"), [2, 6]),
        (SARIFRendererTests.text.replacingOccurrences(of: "  arg", with: "\targ"), [2, 5]),
        // fmt re-aligns types and trailing comments when a neighbouring line changes.
        (SARIFRendererTests.text.replacingOccurrences(of: "int in", with: "int  in"), [2, 5]),
        (SARIFRendererTests.text.replacingOccurrences(of: "10..1\n}\ntool u", with: "10..1   # too wide\n}\ntool u"), [2, 5]),
    ])
    func fingerprintsStayWhenUnrelatedLinesMove(edited: String, lines: [Int]) throws {
        let before = try Self.results(Self.text)
        let after = try Self.results(edited)
        #expect(after.map(Self.startLine) == lines)
        #expect(after.compactMap(Self.fingerprint) == before.compactMap(Self.fingerprint))
    }

    @Test(arguments: [
        SARIFRendererTests.text.replacingOccurrences(of: "arg n:", with: "arg m:"),
        SARIFRendererTests.text.replacingOccurrences(of: "arg n:", with: "arg count:"),
    ])
    func fingerprintsChangeWithTheFindingsOwnText(edited: String) throws {
        let before = try Self.results(Self.text).compactMap(Self.fingerprint)
        let after = try Self.results(edited).compactMap(Self.fingerprint)
        #expect(after.count == 2 && Set(after).isDisjoint(with: before))
    }

    @Test func fingerprintsDependOnTheFile() throws {
        let here = try Self.results(Self.text).compactMap(Self.fingerprint)
        let there = try Self.results(Self.text, locations: [.underRoot("policies/x.rein")]).compactMap(Self.fingerprint)
        #expect(Set(here).isDisjoint(with: there))
    }

    @Test(arguments: [
        (SARIFArtifactLocation.underRoot("runbooks/a b.rein"), "runbooks/a%20b.rein", true),
        (.outsideRoot("/tmp/é x/a.rein"), "file:///tmp/%C3%A9%20x/a.rein", false),
    ])
    func locationsAreRelativeToTheRootOrAbsolute(location: SARIFArtifactLocation, uri: String, hasBase: Bool) throws {
        #expect(location.uri == uri)
        let results = try Self.results(Self.text, locations: [location])
        let artifact = ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        #expect(artifact?["uri"] as? String == uri)
        #expect((artifact?["uriBaseId"] as? String == "%SRCROOT%") == hasBase)
    }

    @Test func notesWithALocationAreRelatedLocations() throws {
        let file = SourceFile(path: "x.rein", text: Self.text)
        let diagnostic = Diagnostic.error(
            "rein.check.empty-range", "empty range `10..1`", at: SourceSpan(file: 0, start: 25, end: 30),
            notes: [DiagnosticNote("the tool", at: SourceSpan(file: 0, start: 5, end: 6)), DiagnosticNote("no location")],
            help: "write `1..10`")
        let sarif = SARIFDiagnosticRenderer(files: [file], toolVersion: "1", locations: [.underRoot(file.path)]).render([diagnostic])
        let json = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
        let result = try #require(((json?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        #expect((result["message"] as? [String: Any])?["text"] as? String == "empty range `10..1`\nnote: no location\nhelp: write `1..10`")
        let related = try #require(result["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect((related.first?["message"] as? [String: Any])?["text"] as? String == "the tool")
    }

    @Test func catalogueRulesHaveATitleTheDocsTextAndALink() throws {
        let file = SourceFile(path: "x.rein", text: Self.text)
        let sarif = SARIFDiagnosticRenderer(files: [file], toolVersion: "1", locations: [.underRoot(file.path)], documentationBase: "https://example.com/rein/")
            .render(Self.diagnostics(in: file))
        let json = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
        let driver = ((json?["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let rule = try #require((driver?["rules"] as? [[String: Any]])?.first)
        #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String == "Checker: empty range")
        let summary = try #require(DiagnosticCatalog.summary(of: "rein.check.empty-range"))
        #expect((rule["fullDescription"] as? [String: Any])?["text"] as? String == SARIFRuleDescription.sentence(summary))
        #expect(rule["helpUri"] as? String == "https://example.com/rein/docs/DIAGNOSTICS.md#semantic-checks-reincheck")
        let help = try #require(rule["help"] as? [String: String])
        #expect(help["text"]?.hasPrefix(SARIFRuleDescription.sentence(summary)) == true)
        #expect(help["markdown"]?.hasSuffix("[Documentation](https://example.com/rein/docs/DIAGNOSTICS.md#semantic-checks-reincheck)") == true)
        #expect(rule["properties"] as? [String: String] == ["precision": "very-high", "problem.severity": "error"])
    }

    @Test(arguments: [
        ("rein.check.kql-unknown-placeholder", "Checker: KQL unknown placeholder"),
        ("rein.lex.invalid-utf8", "Lexing: invalid UTF-8"),
        ("rein.incident.duplicate-key", "Recorded incident: duplicate key"),
        ("rein.lint.unused-tool", "Lint: unused tool"),
        ("other", "other"),
    ])
    func titlesComeFromTheCodesWords(code: String, title: String) {
        #expect(SARIFRuleDescription.title(of: code) == title)
    }

    @Test func aCodeNothingDocumentsStillHasARuleCodeScanningTakes() throws {
        let file = SourceFile(path: "x.rein", text: Self.text)
        let diagnostic = Diagnostic.error("rein.host.custom", "found by a host", at: SourceSpan(file: 0, start: 0, end: 4))
        let sarif = SARIFDiagnosticRenderer(files: [file], toolVersion: "1", locations: [.underRoot(file.path)]).render([diagnostic])
        let json = try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
        let driver = ((json?["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let rule = try #require((driver?["rules"] as? [[String: Any]])?.first)
        #expect((rule["fullDescription"] as? [String: Any])?["text"] as? String == "Reported as rein.host.custom.")
        #expect(rule["helpUri"] as? String == SARIFDiagnosticRenderer.defaultDocumentationBase + "docs/DIAGNOSTICS.md")
        #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")
    }

    @Test func descriptionsAreCutForCodeScanning() {
        let long = SARIFRuleDescription(title: "T", summary: String(repeating: "é", count: 2000), documentation: "d", precision: .high)
        let file = SourceFile(path: "x.rein", text: Self.text)
        let sarif = SARIFDiagnosticRenderer(files: [file], toolVersion: "1", locations: [.underRoot(file.path)], describe: { _ in long }).render(Self.diagnostics(in: file))
        let json = try? JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any]
        let driver = ((json?["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let full = ((driver?["rules"] as? [[String: Any]])?.first?["fullDescription"] as? [String: Any])?["text"] as? String
        #expect(full.map { $0.utf8.count <= 1024 && $0.hasSuffix("é…") } == true)
    }

    @Test(arguments: [
        ("https://example.com/rein/blob/v1/", "https://example.com/rein/blob/v1/"),
        ("https://example.com/rein", "https://example.com/rein/"),
        ("file:///srv/rein/", "file:///srv/rein/"),
        ("docs/", nil), ("", nil), ("https:", nil), ("1http://x/", nil), (":x", nil),
        ("https://example.com/a b/", nil), ("https://example.com/\"/", nil),
    ] as [(String, String?)])
    func documentationBasesAreAbsoluteURIs(uri: String, base: String?) {
        #expect(SARIFDiagnosticRenderer.documentationBase(uri) == base)
    }

    @Test(arguments: [
        ("a deny rule", "A deny rule."),
        ("on_timeout no_action on a runbook", "on_timeout no_action on a runbook."),
        ("in/len without ..", "in/len without .."),
        ("an error (see below).", "An error (see below)."),
        ("", ""),
    ])
    func summariesBecomeSentences(text: String, sentence: String) {
        #expect(SARIFRuleDescription.sentence(text) == sentence)
    }
}

/// The code of a line, as fingerprints see it: comments dropped, layout ignored, strings kept.
@Suite struct SARIFFingerprintCodeTests {
    @Test(arguments: [
        ("  arg n: int in 10..1", "arg n: int in 10..1"),
        ("\targ   n:\tint in 10..1   # too wide", "arg n: int in 10..1"),
        (#"  deny x when args.s == "a  #b" because "c""#, #"deny x when args.s == "a  #b" because "c""#),
        (#"  deny x when args.s == "q\"  #" # note"#, #"deny x when args.s == "q\"  #""#),
        (##"  arg s: string matching #"^\d+  #x$"#   # digits"##, ##"arg s: string matching #"^\d+  #x$"#"##),
        ("# only a comment", ""),
        ("", ""),
    ])
    func code(line: String, expected: String) {
        #expect(SARIFFingerprints.code(of: line) == expected)
    }
}
