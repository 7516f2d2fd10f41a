import ReinAdapters

/// Reads and parses the bundle at `paths` (default: policies/ and runbooks/ under the current
/// folder); a missing path or an empty bundle is a `CLIError` (exit 2).
func loadBundle(_ paths: [String]) throws -> LoadedBundle {
    let requested = paths.isEmpty ? BundleLoader.defaultPaths() : paths
    guard !requested.isEmpty else {
        throw CLIError("no bundle: give a path or --bundle PATH, or run where policies/ or runbooks/ exists")
    }
    do {
        return try BundleLoader.load(requested)
    } catch let error as BundleLoader.LoadError {
        throw CLIError(error.description)
    }
}

/// Loads and compiles the bundle for a command other than `check` (docs/CLI.md): diagnostics go to
/// stderr; a bundle with errors stops the command with exit 2.
func loadPolicy(_ paths: [String]) throws -> CompiledPolicy {
    try loadCompiledBundle(paths).policy
}

/// ``loadPolicy(_:)`` with the bundle's files (in bundle order, for the bundle digest).
func loadCompiledBundle(_ paths: [String]) throws -> (policy: CompiledPolicy, sources: [SourceFile]) {
    let bundle = try loadBundle(paths)
    let compilation = bundle.compile()
    if !compilation.diagnostics.isEmpty {
        writeError(TextDiagnosticRenderer(files: bundle.sources).render(compilation.diagnostics), terminator: "")
    }
    guard let policy = compilation.policy else {
        let errors = compilation.diagnostics.count(of: .error)
        throw CLIError("the bundle has \(errors == 1 ? "1 error" : "\(errors) errors"); run `rein check` for details")
    }
    return (policy, bundle.sources)
}
