import Testing
import ReinSyntax

@Suite("Diagnostic rendering")
struct RendererTests {
    let file = SourceFile(path: "runbooks/x.rein", text: "tool t {\n\targ n: int in 10..1\n}\n")

    @Test func textHasLocationSourceCaretNoteAndHelp() {
        let diagnostic = Diagnostic.error(
            "rein.check.empty-range", "empty range `10..1`", at: SourceSpan(file: 0, start: 24, end: 29),
            notes: [DiagnosticNote("the tool", at: SourceSpan(file: 0, start: 5, end: 6)), DiagnosticNote("no location")],
            help: "write `1..10`")
        let text = TextDiagnosticRenderer(files: [file]).render(diagnostic)
        #expect(text == """
            runbooks/x.rein:2:16: error: empty range `10..1` [rein.check.empty-range]
              2 | \targ n: int in 10..1
                | \t              ^^^^^
            runbooks/x.rein:1:6: note: the tool
              1 | tool t {
                |      ^
              note: no location
              help: write `1..10`

            """)
    }

    @Test func longLinesAreCutAroundTheSpan() {
        let line = String(repeating: "a", count: 5000) + "@" + String(repeating: "b", count: 5000)
        let long = SourceFile(path: "long.rein", text: line + "\n")
        let diagnostic = Diagnostic.error("rein.lex.unexpected-character", "unexpected character `@`", at: SourceSpan(file: 0, start: 5000, end: 5001))
        let lines = TextDiagnosticRenderer(files: [long]).render(diagnostic).split(separator: "\n")
        #expect(lines[0] == "long.rein:1:5001: error: unexpected character `@` [rein.lex.unexpected-character]")
        #expect(lines[1] == "  1 | …" + String(repeating: "a", count: 60) + "@" + String(repeating: "b", count: 99) + "…")
        #expect(lines[2] == "    | " + String(repeating: " ", count: 61) + "^")
    }

    @Test func controlCharactersAreNotPrintedRaw() {
        let source = SourceFile(path: "x.rein", bytes: Array("tool t {\u{1B}[31m\n".utf8))
        let diagnostic = Diagnostic.error("rein.lex.unexpected-character", "x", at: SourceSpan(file: 0, start: 8, end: 9))
        #expect(!TextDiagnosticRenderer(files: [source]).render(diagnostic).contains("\u{1B}"))
    }

    @Test func lineBreakingAndReorderingCharactersAreNotPrintedRaw() {
        let source = SourceFile(path: "a\nb.rein", text: "x \"\u{2028}\u{9B}[7m\u{202E}\" @\n")
        let diagnostic = Diagnostic.error("rein.lex.unexpected-character", "x", at: SourceSpan(file: 0, start: 14, end: 15))
        let text = TextDiagnosticRenderer(files: [source]).render(diagnostic)
        #expect(text.hasPrefix("a\\u{A}b.rein:1:10: error: x"))
        for bad in ["\u{2028}", "\u{9B}", "\u{202E}"] { #expect(!text.contains(bad)) }
        #expect(text.contains("  1 | x \"\u{FFFD}\u{FFFD}[7m\u{FFFD}\" @\n    |          ^\n"))
    }

    @Test func jsonHasKeysInOrderAndEscapes() {
        let oddFile = SourceFile(path: "odd\nname.rein", text: "tool t {\n\targ n: int in 10..1\n}\n")
        let diagnostic = Diagnostic.error(
            "rein.check.x", #"bad `"q"` \ here"#, at: SourceSpan(file: 0, start: 23, end: 28),
            notes: [DiagnosticNote("here", at: SourceSpan(file: 0, start: 0, end: 4))])
        let json = JSONDiagnosticRenderer(files: [oddFile]).render([diagnostic])
        #expect(json == #"{"diagnostics":[{"path":"odd\nname.rein","line":2,"column":15,"endLine":2,"endColumn":20,"severity":"error","code":"rein.check.x","message":"bad `\"q\"` \\ here","notes":[{"path":"odd\nname.rein","line":1,"column":1,"endLine":1,"endColumn":5,"message":"here"}]}],"errors":1,"warnings":0}"# + "\n")
    }

    @Test func messagesStayOneShortLine() {
        let long = String(repeating: "x", count: 10_000)
        let diagnostic = Diagnostic.error("rein.check.x", "unknown tool `\(long)`\n\u{1B}[31m", at: SourceSpan(file: 0, start: 0, end: 1))
        #expect(diagnostic.message == "unknown tool `" + String(repeating: "x", count: 79) + "…`\\u{A}\\u{1B}[31m")
    }

    @Test func errorsPerFileAreCapped() {
        let text = (0..<300).map { "tool t\($0) { efect read }" }.joined(separator: "\n")
        let result = parse(text)
        #expect(result.diagnostics.count == Parser.maximumErrors + 1)
        #expect(result.diagnostics.last?.code == "rein.parse.too-many-errors")
        let junk = parse(String(repeating: "@a", count: 100_000))
        #expect(junk.diagnostics.count == Parser.maximumErrors + 1)
    }
}
