import ReinSyntax

/// Runs the lint rules over a bundle that passed the checker without errors (on a bundle with
/// errors the model is incomplete, and a lint finding there would only echo an error).
///
/// ```swift
/// let result = Checker.check(files)
/// if !result.hasErrors { diagnostics += Linter.lint(files, model: result.model) }
/// ```
public enum Linter {
    /// Lint diagnostics reported per file at most (as the checker caps its own); past it, one
    /// `rein.lint.too-many-findings` warning stands at the first one left out.
    public static let maximumPerFile = 100

    /// Every finding of every rule whose level is not `off`, as diagnostics with code
    /// `rein.lint.ID`, minus those silenced by `# rein:ignore` comments; plus a warning for
    /// every malformed suppression (`rein.lint.invalid-suppression`) and every one that
    /// silenced nothing (`rein.lint.unused-suppression`). In output order, at most
    /// ``maximumPerFile`` per file.
    public static func lint(
        _ files: [SourceFileSyntax], model: SemanticModel, levels: LintLevels = LintLevels()
    ) -> [Diagnostic] {
        let context = LintContext(files: files, model: model)
        var reader = SuppressionReader(files: files)
        var diagnostics = reader.diagnostics
        let lineOf = LineLookup(files: files)
        var suppressionIndex: [SuppressionKey: Int] = [:]
        for (index, suppression) in reader.suppressions.enumerated() {
            let key = SuppressionKey(file: suppression.span.file, line: suppression.targetLine, ruleID: suppression.ruleID)
            if suppressionIndex[key] == nil { suppressionIndex[key] = index }
        }
        for rule in LintRules.all {
            guard let severity = levels.level(of: rule) else { continue }
            for finding in rule.findings(in: context) {
                let key = SuppressionKey(file: finding.span.file, line: lineOf(finding.span), ruleID: rule.id)
                if let match = suppressionIndex[key] {
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
        return capped(diagnostics.sortedForOutput())
    }

    /// At most ``maximumPerFile`` diagnostics of each file, then one marker where the rest begin.
    private static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var counts: [Int: Int] = [:]
        var result: [Diagnostic] = []
        for diagnostic in diagnostics {
            let count = counts[diagnostic.span.file, default: 0]
            counts[diagnostic.span.file] = count + 1
            if count < maximumPerFile {
                result.append(diagnostic)
            } else if count == maximumPerFile {
                result.append(
                    Diagnostic(.warning, code: LintRules.codePrefix + "too-many-findings",
                               message: "too many lint findings in this file; the rest are not shown", at: diagnostic.span,
                               help: "fix these first, or turn a rule off with `--rule ID=off`"))
            }
        }
        return result
    }
}

/// Where a suppression applies: one rule on one line of one file.
private struct SuppressionKey: Hashable {
    var file: Int
    var line: Int
    var ruleID: String
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
