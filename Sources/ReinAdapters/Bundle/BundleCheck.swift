
extension LoadedBundle {
    /// Every diagnostic of the bundle, in output order: reading and parsing, then the
    /// checker's (the checker is skipped when a whole file could not be read, so that one
    /// unreadable file does not make every reference into it an error). When the bundle has
    /// no errors at all, the lint rules run too, at `lint`'s levels (nil: no lint).
    public func check(lint: LintLevels? = LintLevels()) -> CheckOutcome {
        var diagnostics = syntaxDiagnostics
        var model: SemanticModel?
        if !hasFileLevelErrors {
            let result = Checker.check(files)
            diagnostics += result.diagnostics
            model = result.model
            if let lint, !diagnostics.contains(where: { $0.severity == .error }) {
                diagnostics += Linter.lint(files, model: result.model, levels: lint)
            }
        }
        return CheckOutcome(diagnostics: diagnostics.sortedForOutput(), model: model)
    }
}

/// The diagnostics of a whole check and, when the checker ran, its semantic model.
public struct CheckOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    public var model: SemanticModel?

    public var errorCount: Int { diagnostics.count(of: .error) }
    public var warningCount: Int { diagnostics.count(of: .warning) }
}
