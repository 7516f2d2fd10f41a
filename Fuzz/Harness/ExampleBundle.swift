import ReinAdapters

/// The repository's example bundle (`policies/` and `runbooks/`), checked and compiled once: the
/// bundle that fuzzed proposals and recorded incidents are decided and replayed against.
public struct ExampleBundle: Sendable {
    /// The checked model (what the replay invariants read: identities, runbooks' approvals).
    public let model: SemanticModel
    public let policy: CompiledPolicy
    /// The bundle digest an approval binds to, as `rein replay` computes it.
    public let digest: String

    /// Why the example bundle could not be used.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Loads `policies/` and `runbooks/` under `root` (a checkout of the repository).
    public init(root: String) throws(LoadError) {
        let bundle: LoadedBundle
        do {
            bundle = try BundleLoader.load(["policies", "runbooks"], relativeTo: root)
        } catch {
            throw LoadError(description: "cannot read the example bundle under `\(root)`: \(error)")
        }
        let outcome = bundle.check(lint: nil)
        guard let model = outcome.model, outcome.errorCount == 0 else {
            throw LoadError(description: "the example bundle under `\(root)` has errors")
        }
        self.model = model
        policy = CompiledPolicy(model: model, files: bundle.sources)
        digest = Hashing.bundleDigest(bundle.sources)
    }
}
