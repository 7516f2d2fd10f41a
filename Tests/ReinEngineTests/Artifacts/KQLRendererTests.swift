import ReinSemantics
import ReinSyntax
import Testing
@testable import ReinEngine

@Suite("KQL rendering (docs/FORMATS.md §5)")
struct KQLRendererTests {
    static let strings: [(String, String)] = [
        ("payments", "'payments'"),
        ("it's", #"'it\'s'"#),
        (#"C:\temp"#, #"'C:\\temp'"#),
        ("a\nb\rc\td", #"'a\nb\rc\td'"#),
        ("\u{0}\u{1B}\u{7F}\u{85}", #"'\u0000\u001b\u007f\u0085'"#),
        ("' | union (SecurityEvent) //", #"'\' | union (SecurityEvent) //'"#),
        ("\"double\" é 😀", "'\"double\" é 😀'"),
        ("", "''"),
    ]

    @Test(arguments: strings)
    func stringLiterals(_ value: String, _ expected: String) {
        #expect(KQLRenderer.stringLiteral(value) == expected)
    }

    static let timespans: [(Int64, String)] = [
        (0, "0s"), (1, "1s"), (59, "59s"), (60, "1m"), (90, "90s"), (5_400, "90m"), (3_600, "1h"),
        (86_400, "1d"), (172_800, "2d"), (90_000, "25h"), (86_401, "86401s"),
    ]

    @Test(arguments: timespans)
    func timespansUseTheLargestExactUnit(_ seconds: Int64, _ expected: String) {
        #expect(KQLRenderer.timespan(DurationValue(seconds: seconds)) == expected)
    }

    @Test func placeholdersBecomeLiterals() throws {
        let template = KQLTemplate(
            segments: [
                .text("KubePodInventory | where Namespace == "), .placeholder("namespace"),
                .text(" and TimeGenerated > ago("), .placeholder("lookback"), .text(") | take "),
                .placeholder("limit"), .text(" | where Restarted == "), .placeholder("restarted"),
            ],
            span: SourceSpan(file: 0, start: 0, end: 0))
        let values: [String: RuntimeValue] = [
            "namespace": .string("x' | union *"), "lookback": .duration(DurationValue(seconds: 5_400)),
            "limit": .int(-3), "restarted": .bool(true),
        ]
        let rendered = try KQLRenderer.render(template) { values[$0] }.get()
        #expect(
            rendered
                == #"KubePodInventory | where Namespace == 'x\' | union *' and TimeGenerated > ago(90m) | take -3 | where Restarted == true"#
        )
    }

    @Test func aMissingValueFailsClosed() {
        let template = KQLTemplate(segments: [.placeholder("pod")], span: SourceSpan(file: 0, start: 0, end: 0))
        guard case .failure(let failure) = KQLRenderer.render(template, value: { _ in nil }) else {
            Issue.record("rendered without a value")
            return
        }
        #expect(failure.message == "no value for the placeholder `{pod}`")
        #expect(KQLRenderer.literal(.list([])) == nil)
    }
}
