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

/// Loads and compiles the bundle for a command other than `check` (docs/CLI.md): its errors go
/// to stderr in full and stop the command with exit 2; its warnings are `rein check`'s business,
/// so they get one line of stderr at most.
func loadPolicy(_ paths: [String]) throws -> CompiledPolicy {
    try loadCompiledBundle(paths).policy
}

/// ``loadPolicy(_:)`` with the bundle's files (in bundle order, for the bundle digest); `name`
/// is how messages call the bundle (`rein diff` loads two).
func loadCompiledBundle(_ paths: [String], name: String = "the bundle") throws -> (policy: CompiledPolicy, sources: [SourceFile]) {
    let bundle = try loadBundle(paths)
    let compilation = bundle.compile()
    let errors = compilation.diagnostics.filter { $0.severity == .error }
    if !errors.isEmpty {
        writeError(TextDiagnosticRenderer(files: bundle.sources).render(errors), terminator: "")
    }
    if let note = warningsNote(compilation.diagnostics, bundle: name) { writeError(note) }
    guard let policy = compilation.policy else {
        let errors = compilation.diagnostics.count(of: .error)
        throw CLIError("\(name) has \(errors == 1 ? "1 error" : "\(errors) errors"); run `rein check` for details")
    }
    return (policy, bundle.sources)
}

/// The one line a command other than `check` prints about the bundle's warnings, or nil when
/// it has none: `rein: note: the bundle has 24 lint warnings; run rein check`.
func warningsNote(_ diagnostics: [Diagnostic], bundle: String = "the bundle") -> String? {
    let warnings = diagnostics.filter { $0.severity == .warning }
    guard !warnings.isEmpty else { return nil }
    let lint = warnings.allSatisfy { $0.code.hasPrefix("rein.lint.") } ? "lint " : ""
    let count = warnings.count == 1 ? "1 \(lint)warning" : "\(warnings.count) \(lint)warnings"
    return "rein: note: \(bundle) has \(count); run rein check"
}
