import ReinSyntax

/// Runs the lint rules over a bundle that passed the checker without errors (on a bundle with
/// errors the model is incomplete, and a lint finding there would only echo an error).
///
/// ```swift
/// let result = Checker.check(files)
/// if !result.hasErrors { diagnostics += Linter.lint(files, model: result.model) }
/// ```
public enum Linter {
    /// Every finding of every rule whose level is not `off`, as diagnostics with code
    /// `rein.lint.ID`, minus those silenced by `# rein:ignore` comments; plus a warning for
    /// every malformed suppression (`rein.lint.invalid-suppression`) and every one that
    /// silenced nothing (`rein.lint.unused-suppression`). In output order.
    public static func lint(
        _ files: [SourceFileSyntax], model: SemanticModel, levels: LintLevels = LintLevels()
    ) -> [Diagnostic] {
        let context = LintContext(files: files, model: model)
        var reader = SuppressionReader(files: files)
        var diagnostics = reader.diagnostics
        let lineOf = LineLookup(files: files)
        for rule in LintRules.all {
            guard let severity = levels.level(of: rule) else { continue }
            for finding in rule.findings(in: context) {
                let line = lineOf(finding.span)
                if let match = reader.suppressions.firstIndex(where: {
                    $0.ruleID == rule.id && $0.span.file == finding.span.file && $0.targetLine == line
                }) {
                    reader.suppressions[match].used = true
                    continue
                }
                diagnostics.append(
                    Diagnostic(severity, code: rule.code, message: finding.message, at: finding.span, notes: finding.notes,
                               help: finding.help))
            }
        }
        for suppression in reader.suppressions where !suppression.used {
            guard let rule = LintRules.rule(named: suppression.ruleID), levels.level(of: rule) != nil else { continue }
            diagnostics.append(
                Diagnostic(.warning, code: LintRules.codePrefix + "unused-suppression",
                           message: "`rein:ignore \(suppression.ruleID)` silences nothing", at: suppression.span,
                           help: "no `\(suppression.ruleID)` finding starts on line \(suppression.targetLine); remove the comment"))
        }
        return diagnostics.sortedForOutput()
    }
}

/// The 1-based line a span starts on, in its bundle file.
private struct LineLookup {
    let files: [Int: SourceFile]

    init(files: [SourceFileSyntax]) {
        var byIndex: [Int: SourceFile] = [:]
        for file in files { byIndex[file.fileIndex] = file.file }
        self.files = byIndex
    }

    func callAsFunction(_ span: SourceSpan) -> Int {
        files[span.file]?.line(of: span.start) ?? 0
    }
}
