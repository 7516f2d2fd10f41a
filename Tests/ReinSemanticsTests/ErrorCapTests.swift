import ReinSemantics
import ReinSyntax
import Testing

/// At most 100 checker errors per file; then one `rein.check.too-many-errors` at the first
/// dropped error, which is the file's last diagnostic.
@Suite("Error cap")
struct ErrorCapTests {
    /// A policy whose lines 2…count+1 each hold one unknown name (at column 15).
    static func manyUnknownNames(_ count: Int, extraLines: [String] = [], policy: String = "p2") -> String {
        let rules = (0..<count).map { "  deny * when nope\($0) == 1" }
        return "policy \(policy) {\n" + (rules + extraLines).joined(separator: "\n") + "\n}\n"
    }

    static let cases: [CheckCase] = [
        CheckCase(
            name: "the 101st error of a file ends its report",
            source: manyUnknownNames(101),
            expected: (2...101).map { "rein.check.unknown-root@\($0):15" } + ["rein.check.too-many-errors@102:15"]),
        CheckCase(
            name: "100 errors are all reported", source: manyUnknownNames(100),
            expected: (2...101).map { "rein.check.unknown-root@\($0):15" }),
    ]

    @Test(arguments: cases)
    func cap(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("the marker's message and help")
    func marker() throws {
        let bundle = TestBundle([("test.rein", Self.manyUnknownNames(150))])
        #expect(bundle.result.diagnostics.count == 101)
        let last = try #require(bundle.result.diagnostics.last)
        #expect(last.code == "rein.check.too-many-errors")
        #expect(last.severity == .error)
        #expect(last.message == "too many errors in this file; the rest were not reported")
        #expect(last.help == "fix the errors above and run the check again")
        #expect(bundle.location(last.span) == "102:15")
        #expect(bundle.text(last.span) == "nope100")
    }

    @Test("errors are counted per file")
    func perFile() {
        let bundle = TestBundle([
            ("a.rein", Self.manyUnknownNames(120, policy: "a")), ("b.rein", Self.manyUnknownNames(3, policy: "b")),
            ("c.rein", Self.manyUnknownNames(101, policy: "c")),
        ])
        #expect(bundle.diagnostics(in: "a.rein").count == 101)
        #expect(bundle.diagnostics(in: "a.rein").last == "rein.check.too-many-errors@102:15")
        #expect(bundle.diagnostics(in: "b.rein").count == 3)
        #expect(bundle.diagnostics(in: "c.rein").count == 101)
        #expect(bundle.diagnostics(in: "c.rein").last == "rein.check.too-many-errors@102:15")
    }

    @Test("the errors kept are the first ones in the file, whatever pass finds them")
    func firstInTheFile() {
        // Tools are checked before runbooks, but the runbook comes first in the file.
        let rules = (0..<60).map { "  deny * when nope\($0) == 1" }
        let args = (0..<60).map { "  arg a\(100 + $0): int in 5..1" }
        let source = "runbook r2 {\n" + rules.joined(separator: "\n") + "\n}\ntool t {\n  effect read\n"
            + args.joined(separator: "\n") + "\n}\n"
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", source)])
        #expect(bundle.parseDiagnostics == [])
        let expected = (2...61).map { "rein.check.unknown-root@\($0):15" } + (65...104).map { "rein.check.empty-range@\($0):20" }
            + ["rein.check.too-many-errors@105:20"]
        #expect(bundle.diagnostics(in: "test.rein") == expected)
    }

    @Test("warnings count toward the cap like errors")
    func warnings() {
        let warning = "  deny * when args.replicaz > 3"
        let source = "policy p1 {\n\(warning)\n}\n" + Self.manyUnknownNames(101, extraLines: [warning])
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", source)])
        let found = bundle.diagnostics(in: "test.rein")
        #expect(found.first == "rein.check.arg-matches-no-tool@2:15")
        // One warning and 99 errors are kept; the marker stands at the 100th error.
        #expect(found.count == 101)
        #expect(found.last == "rein.check.too-many-errors@104:15")
    }

    @Test("a file with very many errors is cut short")
    func manyErrors() {
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", Self.manyUnknownNames(20_000))])
        #expect(bundle.diagnostics(in: "test.rein").count == 101)
    }
}
