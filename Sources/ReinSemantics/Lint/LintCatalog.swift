import ReinSyntax

/// The rule catalogue, docs/LINT.md, generated from the rules themselves (a test keeps the
/// file in step: `REIN_UPDATE_GOLDEN=1 swift test` rewrites it).
public enum LintCatalog {
    public static func markdown() -> String {
        var out = """
            # Lint rules

            <!-- Generated from Sources/ReinSemantics/Lint/Rules by LintCatalog; do not edit. -->

            `rein check` runs these rules after the bundle passes the checker without errors (on a \
            bundle with errors the lint would only echo them). Each finding is a diagnostic with \
            the code `rein.lint.ID`, reported at the rule's level: `error` fails the check, \
            `warning` fails it under `--strict`, `note` never does. `rein check --rule ID=LEVEL` \
            sets a level (`error`, `warning`, `note` or `off`); `rein check --list-rules` lists \
            the rules.

            To accept one finding, say why in a comment on its line, or alone on the line above it \
            (other comment lines and blank lines in between are skipped, so suppressions stack):

            ```text
            # rein:ignore unused-tool kept for the disk-pressure runbook in review (#142)
            tool resize_disk {
            ```

            The reason is required. A suppression without one, or naming no known rule, is a \
            `rein.lint.invalid-suppression` warning and silences nothing; one that silences \
            nothing is a `rein.lint.unused-suppression` warning. A finding belongs to the line \
            its location starts on. As the checker does, at most 100 lint diagnostics are shown \
            per file, then one `rein.lint.too-many-findings` warning.

            The test suite checks every example below: each bundle under "Triggers it" gets at \
            least one finding of its rule, none under "Does not" gets any. The examples use two \
            identities declared once for all:

            ```rein
            \(LintExamples.prelude.trimmingTrailingNewlines)
            ```

            A `string` arg of a write tool with neither `len` nor `matching` is not a lint: the \
            checker rejects it (`rein.check.unbounded-write-arg`, an error), since no unbounded \
            write argument may pass the checker (Grammar/README.md, "Unsafe states do not pass the checker").

            | id | level | finds |
            |---|---|---|

            """
        for rule in LintRules.all {
            out += "| [`\(rule.id)`](#\(rule.id)) | \(rule.defaultLevel.rawValue) | \(rule.summary) |\n"
        }
        for rule in LintRules.all {
            out += "\n## \(rule.id)\n\nLevel: `\(rule.defaultLevel.rawValue)`. Code: `\(rule.code)`.\n\n"
            out += SARIFRuleDescription.sentence(rule.summary) + "\n\n" + rule.rationale + "\n"
            out += examples("Triggers it", rule.examples.triggering)
            out += examples("Does not", rule.examples.passing)
        }
        return out
    }

    private static func examples(_ title: String, _ sources: [String]) -> String {
        var out = "\n\(title):\n"
        for source in sources { out += "\n```rein\n\(source.trimmingTrailingNewlines)\n```\n" }
        return out
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: Substring {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return text
    }
}
