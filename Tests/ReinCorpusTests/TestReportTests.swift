import Foundation
import ReinAdapters
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `rein test --format junit|json` on a folder with a passing, a failing, a skipped and a broken
/// incident; the JUnit report is parsed as XML.
extension CLITests {
    func reportFolder() throws -> URL {
        let folder = try temporaryFolder()
        let examples = repositoryRoot.appendingPathComponent("runbooks/incidents")
        let source = try String(contentsOf: examples.appendingPathComponent("hpa-investigation-only.yaml"), encoding: .utf8)
        try source.write(to: folder.appendingPathComponent("a-pass.yaml"), atomically: true, encoding: .utf8)
        try source.replacingOccurrences(of: "reason: investigation_only", with: "reason: completed")
            .replacingOccurrences(of: "decisions: [allow]", with: "decisions: [deny]")
            .write(to: folder.appendingPathComponent("b-fail & <x>.yaml"), atomically: true, encoding: .utf8)
        try source.components(separatedBy: "expect:")[0].write(to: folder.appendingPathComponent("c-skip.yaml"), atomically: true, encoding: .utf8)
        try "incident: [".write(to: folder.appendingPathComponent("d-broken.yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Collects testcase names and what each holds.
    final class JUnitCollector: NSObject, XMLParserDelegate {
        var cases: [String: String] = [:]
        var current: String?
        var failureText = ""

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if element == "testcase" {
                current = attributes["name"]
                if let current { cases[current] = "passed" }
            } else if let current, ["failure", "skipped", "error"].contains(element) {
                cases[current] = element
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let current, cases[current] == "failure" { failureText += string }
        }
    }

    @Test func junitReportParsesAsXML() throws {
        let folder = try reportFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["test", "--format", "junit", folder.path])
        #expect(run.status == 1)
        let parser = XMLParser(data: Data(run.stdout.utf8))
        let collector = JUnitCollector()
        parser.delegate = collector
        #expect(parser.parse(), "not well-formed XML: \(run.stdout)")
        let byName = Dictionary(uniqueKeysWithValues: collector.cases.map { (($0.key as NSString).lastPathComponent, $0.value) })
        #expect(byName == ["a-pass.yaml": "passed", "b-fail & <x>.yaml": "failure", "c-skip.yaml": "skipped", "d-broken.yaml": "error"])
        #expect(collector.failureText.contains("reason: expected completed, got investigation_only"))
        #expect(collector.failureText.contains("decisions: expected [deny], got [allow]"))
    }

    /// The JUnit report of a passing, a failing, a skipped and a broken incident, as Jenkins'
    /// JUnit schema accepts it (no `file` attribute on `testcase`), against its canned output.
    @Test func junitReportMatches() throws {
        let run = try rein(["test", "--format", "junit", "Tests/Corpus/reporters/incidents"])
        #expect(run.status == 1)
        #expect(!run.stdout.contains(" file="))
        let expected = repositoryRoot.appendingPathComponent("Tests/Corpus/reporters/expected.junit.xml")
        let difference = compareGolden(run.stdout, file: expected)
        #expect(difference == nil, "\(difference ?? "")")
    }

    @Test func jsonReportCountsEachStatus() throws {
        let folder = try reportFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["test", "--format", "json", folder.path])
        #expect(run.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["passed"] as? Int == 1 && json["failed"] as? Int == 2 && json["skipped"] as? Int == 1)
    }
}

/// `rein test --coverage` and `--min-coverage`.
extension CLITests {
    @Test func coverageListsWhatTheIncidentsDidNotExercise() throws {
        let run = try rein(["test", "--coverage"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("  runbooks: 4 of 4 (100%)"))
        #expect(run.stdout.contains("    not exercised: rollback_deployment"))
        #expect(run.stdout.contains("    not exercised: runbooks/aks_crashloop_backoff.rein:26:3 deny rollback_deployment"))
        #expect(run.stdout.hasSuffix("12 passed, 0 failed\n"))
        let strict = try rein(["test", "--min-coverage", "90"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("is below --min-coverage 90%"))
        #expect(try rein(["test", "--min-coverage", "50"]).status == 0)
    }
}
