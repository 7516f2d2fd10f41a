import ReinSemantics
import ReinSyntax

/// The result of compiling a bundle: every diagnostic (warnings included), and the compiled
/// policy when there was no error.
public struct Compilation: Sendable {
    /// Parse and check diagnostics, in output order.
    public var diagnostics: [Diagnostic]
    /// The policy, nil when some diagnostic is an error (a bundle with errors never decides).
    public var policy: CompiledPolicy?

    public init(diagnostics: [Diagnostic], policy: CompiledPolicy?) {
        self.diagnostics = diagnostics
        self.policy = policy
    }
}

extension CompiledPolicy {
    /// Parses, checks and compiles in-memory sources (a host that keeps its bundle in memory
    /// rather than in files). The files form one bundle in the order given.
    public static func compile(_ sources: [SourceFile]) -> Compilation {
        let files = sources.enumerated().map { Parser.parse($0.element, fileIndex: $0.offset) }
        let result = Checker.check(files)
        let diagnostics = (files.flatMap(\.diagnostics) + result.diagnostics).sortedForOutput()
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return Compilation(diagnostics: diagnostics, policy: nil)
        }
        return Compilation(diagnostics: diagnostics, policy: CompiledPolicy(model: result.model, files: sources))
    }
}
