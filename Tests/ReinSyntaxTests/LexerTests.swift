import Testing
import ReinSyntax

@Suite("Lexer")
struct LexerTests {
    private func stringValue(_ source: String) -> (String?, [String]) {
        let result = parse("runbook r {\n  title \(source)\n}\n")
        guard case .title(let literal) = result.declarations.first?.statements.first?.kind else {
            return (nil, summary(result))
        }
        return (literal.value, summary(result))
    }

    @Test(arguments: [
        (#""a\"b\\c\nd\te""#, "a\"b\\c\nd\te"),
        (#""\u{1F600}x""#, "\u{1F600}x"),
        (##"#"^\d+$"#"##, #"^\d+$"#),
        (#""Kube‐system""#, "Kube‐system"),
    ])
    func strings(source: String, expected: String) {
        let (value, diagnostics) = stringValue(source)
        #expect(diagnostics.isEmpty)
        #expect(value == expected)
    }

    @Test func multilineStripsTheClosingIndentation() {
        let result = parse("query q {\n  kql \"\"\"\n    Perf\n      | where x > 1\n\n    | take 5 // \\n\n    \"\"\"\n}\n")
        guard case .kql(let literal) = result.declarations.first?.statements.first?.kind else {
            Issue.record("no kql: \(summary(result))")
            return
        }
        #expect(result.diagnostics.isEmpty)
        #expect(literal.value == "Perf\n  | where x > 1\n\n| take 5 // \\n")
        #expect(literal.form == .multiline)
    }

    @Test func multilineUnderIndentedLineIsOneError() {
        let result = parse("query q {\n  kql \"\"\"\n    Perf\n  | take 5\n  | take 6\n    \"\"\"\n}\n")
        #expect(summary(result) == ["rein.lex.multiline-indentation@4:1"])
    }

    @Test func multilineWithDifferentWhitespaceIsAnError() {
        let result = parse("query q {\n  kql \"\"\"\n\t\tPerf\n    \"\"\"\n}\n")
        #expect(summary(result) == ["rein.lex.multiline-indentation@3:1"])
        #expect(result.diagnostics.first?.message.contains("different whitespace") == true)
    }

    @Test(arguments: [
        ("15m", Int64(900)), ("1h30m", 5400), ("90s", 90), ("1d2h", 93_600), ("0s", 0), ("1_0m", 600),
    ])
    func durations(source: String, seconds: Int64) {
        let result = parse("policy p {\n  max_elevation \(source)\n}\n")
        guard case .maxElevation(let literal) = result.declarations.first?.statements.first?.kind else {
            Issue.record("no duration: \(summary(result))")
            return
        }
        #expect(literal.value == .duration(DurationValue(seconds: seconds)))
    }

    @Test(arguments: [
        (Int64(900), "PT15M"), (5400, "PT1H30M"), (93_600, "PT26H"), (0, "PT0S"), (90, "PT1M30S"),
    ])
    func iso8601(seconds: Int64, expected: String) {
        #expect(DurationValue(seconds: seconds).iso8601 == expected)
    }

    @Test(arguments: ["1__0", "10_", "1h30", "9999999999999999999999d", "106751991167301d"])
    func malformedNumbersAreOneError(source: String) {
        let result = parse("policy p {\n  max_elevation \(source)\n}\n")
        #expect(result.diagnostics.count == 1, "\(summary(result))")
    }

    @Test func nulBytesAreOneErrorPerRun() {
        let result = parse("tool t {\n  effect read \u{0}\u{0}\u{0}\n}\n")
        #expect(summary(result) == ["rein.lex.unexpected-character@2:15"])
    }

    @Test func manyEscapesDecodeCorrectly() {
        let (value, diagnostics) = stringValue("\"" + String(repeating: #"\na"#, count: 50_000) + "\"")
        #expect(diagnostics.isEmpty)
        #expect(value == String(repeating: "\na", count: 50_000))
    }

    @Test func errorsInsideOneStringAreCapped() {
        let result = parse("runbook r {\n  title \"" + String(repeating: #"\q"#, count: 5000) + "\"\n}\n")
        #expect(result.diagnostics.count == Parser.maximumErrors + 1)
        #expect(result.diagnostics.last?.code == "rein.parse.too-many-errors")
        let crs = parse("runbook r {\n  title \"" + String(repeating: "\r", count: 5000) + "\"\n}\n")
        #expect(crs.diagnostics.count == Parser.maximumErrors + 1)
    }

    @Test func commentsAreKept() {
        let result = parse("# a\ntool t { # b\n  effect read # c\n}\n# d\n")
        #expect(result.comments.map(\.text) == [" a", " b", " c", " d"])
    }

    /// Trailing spaces, tabs and carriage returns are not part of a comment; white space
    /// inside it is, and so is a comment of nothing but `#`.
    @Test func commentsEndAtTheirLastVisibleByte() {
        let result = parse("#  a \t \r\ntool t { # b\t c\t\n  effect read #   \n}\n#\r\n")
        #expect(result.comments.map(\.text) == ["  a", " b\t c", "", ""])
        #expect(result.comments.map { $0.span.end - $0.span.start } == [4, 6, 1, 1])
    }
}
