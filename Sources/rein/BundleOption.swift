import ReinAdapters

/// Loads and compiles the bundle for a command other than `check` (CLI.md): diagnostics go to
/// stderr; a bundle with errors stops the command with exit 2.
func loadPolicy(_ paths: [String]) throws -> CompiledPolicy {
    let requested = paths.isEmpty ? BundleLoader.defaultPaths() : paths
    guard !requested.isEmpty else {
        throw CLIError("no bundle: give --bundle PATH, or run where policies/ or runbooks/ exists")
    }
    let bundle: LoadedBundle
    do {
        bundle = try BundleLoader.load(requested)
    } catch let error as BundleLoader.LoadError {
        throw CLIError(error.description)
    }
    let compilation = bundle.compile()
    if !compilation.diagnostics.isEmpty {
        writeError(TextDiagnosticRenderer(files: bundle.sources).render(compilation.diagnostics), terminator: "")
    }
    guard let policy = compilation.policy else {
        let errors = compilation.diagnostics.count(of: .error)
        throw CLIError("the bundle has \(errors == 1 ? "1 error" : "\(errors) errors"); run `rein check` for details")
    }
    return policy
}
