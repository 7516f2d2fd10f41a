import ReinAdapters

/// The `parse` target: arbitrary bytes as one `.rein` file, through everything `rein check` and
/// `rein fmt` do with it — lex, parse, check, lint, render the diagnostics in every format,
/// compile when clean, and format.
///
/// Invariants: tokens and diagnostics stay inside the file, in order; every diagnostic has a
/// code and a one-line message; the JSON and SARIF reports are JSON; a bundle without errors
/// compiles and decides; `fmt` formats exactly the files that parse, its output parses to the
/// same tokens and comments, and formatting that output again changes nothing.
public enum ParseFuzz {
    public static func run(_ bytes: [UInt8]) -> Findings {
        var findings = Findings()
        let file = SourceFile(path: "fuzz.rein", bytes: bytes)
        let lexed = Lexer.tokenize(file, fileIndex: 0)
        checkTokens(lexed.tokens, in: file, &findings)

        let syntax = Parser.parse(file, fileIndex: 0)
        let bundle = LoadedBundle(files: [syntax], loadDiagnostics: [])
        let outcome = bundle.check()
        checkDiagnostics(outcome.diagnostics, in: file, &findings)
        checkReports(outcome.diagnostics, files: bundle.sources, &findings)
        let hasErrors = outcome.diagnostics.contains { $0.severity == .error && !$0.code.hasPrefix("rein.lint.") }
        if !hasErrors {
            if let model = outcome.model {
                findings.merge(decideEveryTool(CompiledPolicy(model: model, files: bundle.sources), model: model), prefix: "")
            } else {
                findings.fail("a bundle without errors has no semantic model")
            }
        }
        checkFormat(bytes, syntax: syntax, tokens: lexed.tokens, &findings)
        return findings
    }

    private static func checkTokens(_ tokens: [Token], in file: SourceFile, _ findings: inout Findings) {
        findings.expect(tokens.last?.kind == .endOfFile, "the last token is not the end of file")
        var previousStart = 0
        for token in tokens {
            guard token.start >= previousStart, token.start <= token.end, token.end <= file.bytes.count else {
                return findings.fail("token \(token.kind) at \(token.start)..<\(token.end) is out of order or outside the file")
            }
            previousStart = token.start
        }
    }

    private static func checkDiagnostics(_ diagnostics: [Diagnostic], in file: SourceFile, _ findings: inout Findings) {
        for diagnostic in diagnostics {
            let span = diagnostic.span
            findings.expect(
                span.file == 0 && span.start >= 0 && span.start <= span.end && span.end <= file.bytes.count,
                "\(diagnostic.code) points outside the file: \(span.start)..<\(span.end) of \(file.bytes.count)")
            findings.expect(diagnostic.code.hasPrefix("rein."), "a diagnostic code `\(diagnostic.code)` is not a rein code")
            findings.expect(
                !diagnostic.message.isEmpty && !diagnostic.message.contains("\n"),
                "\(diagnostic.code) has an empty or multi-line message")
        }
    }

    /// Every report format renders; the JSON and SARIF ones are JSON.
    private static func checkReports(_ diagnostics: [Diagnostic], files: [SourceFile], _ findings: inout Findings) {
        _ = TextDiagnosticRenderer(files: files).render(diagnostics)
        _ = GitHubDiagnosticRenderer(files: files).render(diagnostics)
        let json = JSONDiagnosticRenderer(files: files).render(diagnostics)
        let sarif = SARIFDiagnosticRenderer(
            files: files, toolVersion: "fuzz", locations: files.map { .underRoot($0.path) }, describe: RuleDocumentation.describe
        ).render(diagnostics)
        for (name, report) in [("json", json), ("sarif", sarif)] {
            if case .failure(let error) = JSONReader.parse(Array(report.utf8), maxBytes: Int.max) {
                findings.fail("the \(name) report is not JSON: \(error)")
            }
        }
    }

    /// A clean bundle decides: one proposal per tool (the first few), with and without its
    /// first runbook, each through the fast and the full path.
    private static func decideEveryTool(_ policy: CompiledPolicy, model: SemanticModel) -> Findings {
        var findings = Findings()
        for tool in model.tools.prefix(4) {
            let line = #"{"tool":"# + JSONWriter.string(.string(tool.name)) + #","args":{}}"#
            findings.merge(ProposalFuzz.compare(Array(line.utf8), policy: policy, runbook: model.runbooks.first?.name), prefix: "")
        }
        return findings
    }

    private static func checkFormat(_ bytes: [UInt8], syntax: SourceFileSyntax, tokens: [Token], _ findings: inout Findings) {
        switch SourceFormatter.format(bytes) {
        case .syntaxErrors:
            findings.expect(!syntax.diagnostics.isEmpty, "fmt refused a file that parses")
        case .unverified(let why):
            findings.fail("fmt could not verify its own output: \(why)")
        case .formatted(let output):
            findings.expect(syntax.diagnostics.isEmpty, "fmt formatted a file with syntax errors")
            let file = SourceFile(path: "fuzz.rein", bytes: output)
            let reparsed = Parser.parse(file, fileIndex: 0)
            guard reparsed.diagnostics.isEmpty else { return findings.fail("fmt output does not parse") }
            let after = Lexer.tokenize(file, fileIndex: 0).tokens
            findings.expect(
                significant(tokens).elementsEqual(significant(after)) { $0.kind == $1.kind && $0.value == $1.value },
                "fmt output has other tokens than its input")
            findings.expect(syntax.comments.map(\.text) == reparsed.comments.map(\.text), "fmt output has other comments than its input")
            findings.expect(SourceFormatter.format(output) == .formatted(output), "formatting fmt's output changes it again")
        }
    }

    private static func significant(_ tokens: [Token]) -> [Token] {
        tokens.filter { $0.kind != .newline && $0.kind != .endOfFile }
    }
}
