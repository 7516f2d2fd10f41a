extension LoadedBundle {
    /// Checks the bundle and, when it has no errors, compiles it for deciding proposals.
    public func compile() -> Compilation {
        let outcome = check()
        guard outcome.errorCount == 0, let model = outcome.model else {
            return Compilation(diagnostics: outcome.diagnostics, policy: nil)
        }
        return Compilation(diagnostics: outcome.diagnostics, policy: CompiledPolicy(model: model, files: sources))
    }
}
