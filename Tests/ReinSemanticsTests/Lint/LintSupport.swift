import ReinSemantics
import ReinSyntax

/// A lint run over an example file with the shared prelude as a second file.
struct LintRun {
    let bundle: TestBundle
    let diagnostics: [Diagnostic]

    init(_ source: String, levels: LintLevels = LintLevels()) {
        bundle = TestBundle([("example.rein", source), ("prelude.rein", LintExamples.prelude)])
        diagnostics = bundle.result.hasErrors ? [] : Linter.lint(bundle.files, model: bundle.result.model, levels: levels)
    }

    /// Parse and checker errors (an example must have none).
    var errors: [String] {
        bundle.parseDiagnostics + bundle.result.diagnostics.filter { $0.severity == .error }.map(\.code)
    }

    /// Lint diagnostics as `code@line:col`.
    var findings: [String] {
        diagnostics.map { "\($0.code)@\(bundle.location($0.span))" }
    }

    /// The codes reported, in output order.
    var codes: [String] { diagnostics.map(\.code) }
}
