@testable import ReinSemantics
import ReinSyntax
import Testing

/// Query templates: placeholders, their positions, and unused args.
@Suite("KQL templates")
struct KQLTemplateTests {
    static let cases: [CheckCase] = [
        CheckCase(
            name: "placeholder that is not an arg",
            source: "query q1 {\n  arg ns: namespace\n  kql \"Perf | where Namespace == {ns} and Pod == {pod}\"\n}\n",
            expected: ["rein.check.kql-unknown-placeholder@3:50"]),
        CheckCase(
            name: "arg never used",
            source: "query q1 {\n  arg ns: namespace\n  arg pod: name\n  kql \"Perf | where Namespace == {ns}\"\n}\n",
            expected: ["rein.check.kql-unused-arg@3:7"]),
        CheckCase(
            name: "placeholder inside a single-quoted KQL string (raw Rein string)",
            source: "query q1 {\n  arg ns: namespace\n  kql #\"Perf | where Name == '{ns}'\"#\n}\n",
            expected: ["rein.check.kql-placeholder-in-string@3:31"]),
        CheckCase(
            name: "placeholder inside a double-quoted KQL string (escaped Rein string)",
            source: "query q1 {\n  arg ns: namespace\n  kql \"Perf | where Name == \\\"{ns}\\\"\"\n}\n",
            expected: ["rein.check.kql-placeholder-in-string@3:31"]),
        CheckCase(
            name: "placeholder after a \\u escape maps to the right column",
            source: "query q1 {\n  arg ns: namespace\n  kql \"Perf \\u{7C} where Name == '{ns}'\"\n}\n",
            expected: ["rein.check.kql-placeholder-in-string@3:35"]),
        CheckCase(
            name: "placeholder inside a comment of a multi-line template",
            source: """
                query q1 {
                  arg ns: namespace
                  kql \"\"\"
                    Perf // filter {ns}
                    | where Namespace == {ns}
                    \"\"\"
                }
                """,
            expected: ["rein.check.kql-placeholder-in-comment@4:20"]),
        CheckCase(
            name: "placeholders in verbatim, obfuscated and multi-line KQL strings",
            source: """
                query q1 {
                  arg a: string
                  arg b: string
                  arg c: string
                  arg d: string
                  kql \"\"\"
                    T
                    | where x == @'{a}' and y == h'{b}'
                    | where z == H@"{c}" and w == ```
                      {d}
                    ```
                    \"\"\"
                }
                """,
            expected: [
                "rein.check.kql-placeholder-in-string@8:20", "rein.check.kql-placeholder-in-string@8:36",
                "rein.check.kql-placeholder-in-string@9:21", "rein.check.kql-placeholder-in-string@10:7",
            ]),
        CheckCase(
            name: "unterminated KQL string",
            source: "query q1 {\n  arg ns: namespace\n  kql \"Perf | where Name == 'x and N == {ns}\"\n}\n",
            expected: ["rein.check.kql-unterminated-string@3:29"]),
        CheckCase(
            name: "tab-indented multi-line template maps exactly",
            source: "query q1 {\n\targ ns: namespace\n\tkql \"\"\"\n\t\tPerf\n\t\t| where N == {nx}\n\t\t\"\"\"\n}\n",
            expected: ["rein.check.kql-unused-arg@2:6", "rein.check.kql-unknown-placeholder@5:16"]),
        CheckCase(
            name: "CRLF multi-line template maps exactly",
            source: "query q1 {\r\n  arg ns: namespace\r\n  kql \"\"\"\r\n    Perf\r\n    | where N == {nx} or M == {ns}\r\n    \"\"\"\r\n}\r\n",
            expected: ["rein.check.kql-unknown-placeholder@5:18"]),
        CheckCase(
            name: "braces that are not placeholders are KQL text",
            source: "query q1 {\n  arg ns: namespace\n  kql #\"T | extend d = dynamic({\"a\": 1}), e = { ns }, f = {ns}\"#\n}\n",
            expected: []),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("the model cuts the template at its placeholders")
    func segments() throws {
        let bundle = TestBundle([("a.rein", prelude)])
        let template = try #require(bundle.result.model.tool(named: "pod_memory_trend")?.kql)
        let placeholders = template.segments.compactMap { segment -> String? in
            if case .placeholder(let name) = segment { return name }
            return nil
        }
        #expect(placeholders == ["lookback", "pod", "namespace"])
        let rebuilt = template.segments.map { segment -> String in
            switch segment {
            case .text(let text): text
            case .placeholder(let name): "{\(name)}"
            }
        }.joined()
        #expect(rebuilt.hasPrefix("Perf\n| where TimeGenerated > ago({lookback})\n"))
    }

    struct ScanCase: Sendable, CustomTestStringConvertible {
        var template: String
        /// `name:position` for each placeholder, in order.
        var placeholders: [String]
        var unterminated: Int = 0
        var testDescription: String { template }
    }

    static let scanCases: [ScanCase] = [
        ScanCase(template: "T | where a == {x}", placeholders: ["x:code"]),
        ScanCase(template: "T | where a == '{x}'", placeholders: ["x:string"]),
        ScanCase(template: #"T | where a == 'it\'s {x}'"#, placeholders: ["x:string"]),
        ScanCase(template: #"T | where a == 'a\\' and b == {x}"#, placeholders: ["x:code"]),
        ScanCase(template: "T | where a == @'a''{x}'", placeholders: ["x:string"]),
        ScanCase(template: "T | where a == @'a\\' and b == {x}", placeholders: ["x:code"]),
        ScanCase(template: "T | where a == h\"{x}\" and b == {y}", placeholders: ["x:string", "y:code"]),
        ScanCase(template: "T // {x}\n| where b == {y}", placeholders: ["x:comment", "y:code"]),
        ScanCase(template: "T | where url == 'http://x' and b == {y}", placeholders: ["y:code"]),
        ScanCase(template: "T | where a == ```{x}\n{y}``` and b == {z}", placeholders: ["x:string", "y:string", "z:code"]),
        ScanCase(template: "T | where a == ~~~{x}~~~", placeholders: ["x:string"]),
        ScanCase(template: "T | where a == {x} and b == {_y1}", placeholders: ["x:code", "_y1:code"]),
        ScanCase(template: "T | where a == {1x} or {x y} or {} or {{x}}", placeholders: ["x:code"]),
        ScanCase(template: "T | where a == 'open {x}\n| where b == {y}", placeholders: ["x:unterminatedString", "y:code"], unterminated: 1),
        ScanCase(template: "T | where a == ```{x}", placeholders: ["x:unterminatedString"], unterminated: 1),
        ScanCase(template: "{", placeholders: []),
        ScanCase(template: "", placeholders: []),
    ]

    @Test(arguments: scanCases)
    func scanner(_ scanCase: ScanCase) {
        let result = KQLScanner.scan(Array(scanCase.template.utf8))
        #expect(result.placeholders.map { "\($0.name):\($0.position)" } == scanCase.placeholders)
        #expect(result.unterminatedStrings.count == scanCase.unterminated)
    }
}
