import ReinAdapters

/// A bundle version the host runs incidents under: its digest, its compiled policy, and its
/// files as stored (content-addressed, so that recordings stay replayable).
public struct HostBundle: Sendable {
    public let digest: String
    public let policy: CompiledPolicy
    public let files: [StoredBundleFile]

    /// The runbooks with a `remediate` list: their approvals need an executor to elevate and
    /// execute (and to send cards and pages).
    public var remediatingRunbooks: [String] { policy.remediatingRunbooks }

    /// What loading a bundle gives: the bundle, or the diagnostics that refuse it (with the
    /// files, to render them); warnings either way.
    public struct Loaded: Sendable {
        public var bundle: HostBundle?
        public var diagnostics: [Diagnostic]
        public var sources: [SourceFile]
    }

    /// Loads, checks and compiles the bundle at `paths`.
    public static func load(_ paths: [String]) throws -> Loaded {
        compile(try BundleLoader.load(paths))
    }

    /// Compiles a stored version again (an incident pinned to a bundle that is no longer the
    /// current one, after a restart).
    public static func compile(stored files: [StoredBundleFile]) -> Loaded {
        let parsed = files.enumerated().map { index, file in
            Parser.parse(SourceFile(path: file.path, bytes: Array(file.text.utf8)), fileIndex: index)
        }
        return compile(LoadedBundle(files: parsed, loadDiagnostics: []))
    }

    private static func compile(_ loaded: LoadedBundle) -> Loaded {
        let compilation = loaded.compile()
        let sources = loaded.sources
        guard let policy = compilation.policy else {
            return Loaded(bundle: nil, diagnostics: compilation.diagnostics, sources: sources)
        }
        let files = sources.map {
            StoredBundleFile(path: $0.path, sha256: Hashing.sha256Hex($0.bytes), text: String(decoding: $0.bytes, as: UTF8.self))
        }
        let bundle = HostBundle(digest: Hashing.bundleDigest(sources), policy: policy, files: files)
        return Loaded(bundle: bundle, diagnostics: compilation.diagnostics, sources: sources)
    }
}
