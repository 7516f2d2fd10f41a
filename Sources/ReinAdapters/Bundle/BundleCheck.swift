
extension LoadedBundle {
    /// Every diagnostic of the bundle, in output order: reading and parsing, then the
    /// checker's (the checker is skipped when a whole file could not be read, so that one
    /// unreadable file does not make every reference into it an error).
    public func check() -> CheckOutcome {
        var diagnostics = syntaxDiagnostics
        var model: SemanticModel?
        if !hasFileLevelErrors {
            let result = Checker.check(files)
            diagnostics += result.diagnostics
            model = result.model
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
