import ReinSyntax

/// The semantic checker: name resolution, declaration rules, static typing of conditions,
/// KQL template checks and policy tightening over a whole bundle (Grammar/README.md §2–12).
///
/// ```swift
/// let files = sources.enumerated().map { Parser.parse($1, fileIndex: $0) }
/// let result = Checker.check(files)
/// ```
public struct Checker {
    /// Checks a parsed bundle. `files` are in bundle order and each file's `fileIndex` is
    /// the index used by its spans. Parse diagnostics are not repeated in the result.
    public static func check(_ files: [SourceFileSyntax]) -> CheckResult {
        var context = CheckerContext(files: files)
        context.run()
        return CheckResult(diagnostics: context.diagnostics.finish().sortedForOutput(), model: context.model)
    }
}
