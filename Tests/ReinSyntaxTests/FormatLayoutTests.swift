import ReinSyntax
import Testing

/// The canonical layout, rule by rule (docs/LAYOUT.md).
@Suite("Format layout")
struct FormatLayoutTests {
    /// The formatted text, or a description of why there is none.
    func format(_ text: String) -> String {
        switch SourceFormatter.format(text) {
        case .formatted(let bytes): String(decoding: bytes, as: UTF8.self)
        case .syntaxErrors(let diagnostics): "<errors: \(diagnostics.map(\.code))>"
        case .unverified(let reason): "<unverified: \(reason)>"
        }
    }

    /// Input and expected output, rule by rule.
    static let cases: [LayoutCase] = [
        LayoutCase(
            "context lines line up like args",
            "policy p {\n  context environment: \"prod\" | \"dev\"\n  context freeze: bool = false\n}\n",
            "policy p {\n  context environment: \"prod\" | \"dev\"\n  context freeze:      bool = false\n}\n"),
        LayoutCase(
            "trailing comments of consecutive lines line up",
            "tool t {\n  effect read # e\n  description \"longer\" # d\n\n  arg a: int # a\n}\n",
            "tool t {\n  effect read           # e\n  description \"longer\"  # d\n\n  arg a: int  # a\n}\n"),
        LayoutCase(
            "blank lines collapse; declarations are separated by one",
            "\n\n# top\n\n\n\nidentity o {\n\n  role \"Reader\"\n\n\n  role \"Monitoring Reader\"\n\n}\ntool t {\n  effect read\n}\n",
            "# top\n\nidentity o {\n  role \"Reader\"\n\n  role \"Monitoring Reader\"\n}\n\ntool t {\n  effect read\n}\n"),
        LayoutCase(
            "a comment line takes the indentation of what follows it",
            "tool t {\n# a\neffect read\n      # b\n}\n# c\n",
            "tool t {\n  # a\n  effect read\n  # b\n}\n\n# c\n"),
        LayoutCase(
            "continuation lines keep their breaks, one level deeper",
            "runbook r {\n  trigger alert.severity <= 2 and\nalert.rule like \"a*\"\n      or alert.rule == \"b\"\n  investigate a,\n b\n}\n",
            "runbook r {\n  trigger alert.severity <= 2 and\n    alert.rule like \"a*\"\n    or alert.rule == \"b\"\n  investigate a,\n    b\n}\n"),
        LayoutCase(
            "each open bracket adds a level",
            "runbook r {\n  deny * when not (\nargs.a == 1 or [\n1,\n2] == args.b\n)\nbecause \"m\"\n}\n",
            "runbook r {\n  deny * when not (\n      args.a == 1 or [\n        1,\n        2] == args.b\n    )\n    because \"m\"\n}\n"),
        LayoutCase(
            "the arg types of a run line up",
            "tool t {\n  arg namespace: namespace\n  arg n: int\n\n  arg x: int\n  arg yy: int\n}\n",
            "tool t {\n  arg namespace: namespace\n  arg n:         int\n\n  arg x:  int\n  arg yy: int\n}\n"),
        LayoutCase("a file of comments keeps them", "  # one\n\n\n\t# two\n", "# one\n\n# two\n"),
        LayoutCase(
            "trailing white space after a comment goes, white space inside it stays",
            "tool t { # b \t\r\n  effect read #  c\td  \n}\n#\t\n# e \n",
            "tool t {       # b\n  effect read  #  c\td\n}\n\n#\n# e\n"),
        LayoutCase(
            "the output ends with exactly one line end",
            "identity o {\n  role \"Reader\"\n}\n\n\n",
            "identity o {\n  role \"Reader\"\n}\n"),
        LayoutCase(
            "a line end is added at the end",
            "identity o {\n  role \"Reader\"\n}",
            "identity o {\n  role \"Reader\"\n}\n"),
        LayoutCase("a one-line block opens up", "identity o { role \"Reader\" }\n", "identity o {\n  role \"Reader\"\n}\n"),
        LayoutCase(
            "blocks are indented by two spaces",
            "tool t {\n\t\teffect read\n        arg n: name }\n",
            "tool t {\n  effect read\n  arg n: name\n}\n"),
        LayoutCase("an empty block is written on one line", "policy p {\n\n}\n", "policy p { }\n"),
        LayoutCase("an empty block gets its space", "policy p {}\n", "policy p { }\n"),
        LayoutCase("a comment keeps an empty block open", "policy p { # why\n}\n", "policy p {  # why\n}\n"),
        LayoutCase(
            "comment lines and other statements end a run of args",
            "tool t {\n  arg a: int\n  # c\n  arg bbb: int\n  effect read\n  arg cc: int\n}\n",
            "tool t {\n  arg a: int\n  # c\n  arg bbb: int\n  effect read\n  arg cc: int\n}\n"),
    ]

    @Test(arguments: cases)
    func layout(_ layoutCase: LayoutCase) {
        #expect(format(layoutCase.input) == layoutCase.expected)
    }

    @Test func emptyAndBlankFilesBecomeEmpty() {
        #expect(format("") == "")
        #expect(format("\n\n  \t\n") == "")
        #expect(SourceFormatter.format([0xEF, 0xBB, 0xBF, 0x0A]) == .formatted([0xEF, 0xBB, 0xBF]))
    }

    @Test func tokensAreSpacedCanonically() {
        let input = """
            tool t {
              arg a :int in -10 .. -1=-5
              arg b: "x"|"y"
            }
            runbook r {
              deny [ t,u ] when not( args.a>=-2 ) and args.b in [ "x" , "y" ] and now.hour in [ ]
              require approvals 2 for t when(session . denials<3)
            }

            """
        #expect(format(input) == """
            tool t {
              arg a: int in -10..-1 = -5
              arg b: "x" | "y"
            }

            runbook r {
              deny [t, u] when not (args.a >= -2) and args.b in ["x", "y"] and now.hour in []
              require approvals 2 for t when (session.denials < 3)
            }

            """)
    }

    @Test func literalsAreKeptExactlyAsWritten() {
        let input = ##"""
            tool t {
              description "a \"b\" \u{2018}c\u{2019}\t\\"
              arg p: string matching #"^\w+$"# = "x"
              arg n: int in 1..10_000 = 1_0
              arg d: duration in 90s..1d2h = 1h30m
            }

            """##
        #expect(format(input) == input)
    }

    @Test func aDocCommentStaysAttached() throws {
        let input = "identity o {\n  role \"Reader\"\n}\n# Doc of t.\n#   second line\ntool t {\n  effect read\n}\n"
        let output = format(input)
        #expect(output == "identity o {\n  role \"Reader\"\n}\n\n# Doc of t.\n#   second line\ntool t {\n  effect read\n}\n")
        let declaration = try #require(Parser.parse(SourceFile(path: "x", text: output), fileIndex: 0).declarations.last)
        #expect(declaration.doc == "Doc of t.\n  second line")
    }

    @Test func multilineStringsMoveWithoutChangingTheirValue() throws {
        let input = "query q {\n  arg n: name\n        kql \"\"\"\n          T\n            | where x == {n}\n\n          \"\"\"\n}\n"
        let output = format(input)
        #expect(output == "query q {\n  arg n: name\n  kql \"\"\"\n    T\n      | where x == {n}\n\n    \"\"\"\n}\n")
        #expect(kql(of: output) == "T\n  | where x == {n}\n")
        #expect(kql(of: output) == kql(of: input))
    }

    @Test func tabIndentedMultilineStringsBecomeSpaces() {
        let input = "query q {\n\targ n: name\n\tkql \"\"\"\n\t\tT {n}\n\t\t\t| x\n\t\t\"\"\"\n}\n"
        #expect(format(input) == "query q {\n  arg n: name\n  kql \"\"\"\n    T {n}\n    \t| x\n    \"\"\"\n}\n")
        #expect(kql(of: format(input)) == kql(of: input))
    }

    @Test func whiteSpaceOnlyLinesOfAMultilineStringKeepTheirValue() {
        let input = "query q {\n  arg n: name\n  kql \"\"\"\n    {n}\n  \n        \n    \"\"\"\n}\n"
        let output = format(input)
        #expect(output == "query q {\n  arg n: name\n  kql \"\"\"\n    {n}\n\n        \n    \"\"\"\n}\n")
        #expect(kql(of: output) == "{n}\n\n    ")
    }

    /// Trailing blanks inside a `"""` string are part of its value (the KQL the engine runs):
    /// they stay, while those after the delimiters go.
    @Test func trailingBlanksInsideAMultilineStringStay() {
        let input = "query q {\n  arg n: name\n      kql \"\"\"  \n        T {n}  \n        | take 1\t\n        \"\"\"  \n}\n"
        let output = format(input)
        #expect(output == "query q {\n  arg n: name\n  kql \"\"\"\n    T {n}  \n    | take 1\t\n    \"\"\"\n}\n")
        #expect(kql(of: output) == "T {n}  \n| take 1\t")
        #expect(kql(of: output) == kql(of: input))
    }

    @Test func codeAfterAClosingDelimiterStaysOnItsLine() {
        let input = "runbook r {\n  trigger alert.rule == \"\"\"\n    x\n    \"\"\" and alert.severity <= 2 # c\n}\n"
        #expect(format(input) == "runbook r {\n  trigger alert.rule == \"\"\"\n    x\n    \"\"\" and alert.severity <= 2  # c\n}\n")
    }

    @Test func aByteOrderMarkIsKeptAndCRLFBecomesLF() {
        let input: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("identity o {\r\n\trole \"Reader\"\r\n}\r\n".utf8)
        #expect(SourceFormatter.format(input) == .formatted([0xEF, 0xBB, 0xBF] + Array("identity o {\n  role \"Reader\"\n}\n".utf8)))
    }

    @Test func filesWithErrorsAreRefusedWithTheParsersDiagnostics() {
        for text in ["tool t {\n  efect read\n}\n", "tool t { effect read", "identity o { role \"x }\n", "tool t {\n  arg n: int in 1 .. 5m\n}\n"] {
            let parsed = Parser.parse(SourceFile(path: "x", text: text), fileIndex: 0)
            #expect(!parsed.diagnostics.isEmpty)
            #expect(SourceFormatter.format(text) == .syntaxErrors(parsed.diagnostics.sortedForOutput()))
        }
        #expect(SourceFormatter.format([0x74, 0xFF, 0x0A]).bytes == nil)
    }

    @Test func theResultGivesItsTextOnlyWhenFormatted() {
        #expect(SourceFormatter.format("policy p { }\n").text == "policy p { }\n")
        #expect(SourceFormatter.format("policy p {\n").text == nil)
        #expect(FormatResult.unverified("x").bytes == nil)
    }

    /// The value of the first `kql` string of a file.
    func kql(of text: String) -> String? {
        for declaration in Parser.parse(SourceFile(path: "x", text: text), fileIndex: 0).declarations {
            for statement in declaration.statements {
                if case .kql(let literal) = statement.kind { return literal.value }
            }
        }
        return nil
    }
}

/// One rule of the layout: an input and its formatted text.
struct LayoutCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let expected: String

    init(_ name: String, _ input: String, _ expected: String) {
        self.name = name
        self.input = input
        self.expected = expected
    }

    var testDescription: String { name }
}
