import ReinSyntax

/// A `# rein:ignore RULE-ID reason` comment: it silences the findings of one rule on one
/// line — its own line when it trails code, otherwise the next line that holds code (other
/// comment lines and blank lines in between are skipped, so several can be stacked).
struct Suppression {
    var ruleID: String
    /// The comment, for diagnostics about the suppression itself.
    var span: SourceSpan
    /// The 1-based line whose findings it silences.
    var targetLine: Int
    var used = false
}

/// Reads the suppression comments of a bundle; malformed ones become diagnostics and
/// silence nothing (a suppression must say which rule and why).
struct SuppressionReader {
    static let directive = "rein:"
    static let ignore = "rein:ignore"

    var suppressions: [Suppression] = []
    var diagnostics: [Diagnostic] = []
    /// The last stand-alone suppression's target: a later stand-alone one above that line has
    /// only comment and blank lines below it up to there, so it shares the target (a stack of
    /// suppressions is scanned once, not once per comment).
    private var lastTarget: (file: Int, line: Int)?

    init(files: [SourceFileSyntax]) {
        for file in files {
            for comment in file.comments { read(comment, in: file.file) }
        }
    }

    private mutating func read(_ comment: Comment, in file: SourceFile) {
        let text = Substring(comment.text).drop { $0 == " " || $0 == "\t" }
        guard text.hasPrefix(Self.directive) else { return }
        let words = text.split(maxSplits: 2, omittingEmptySubsequences: true) { $0 == " " || $0 == "\t" }
        guard words.first == Substring(Self.ignore) else {
            let word = words.first.map(String.init) ?? Self.directive
            invalid(comment, "unknown directive `\(abbreviated(word))`", help: "the one directive is `# rein:ignore RULE-ID reason`")
            return
        }
        guard words.count >= 2 else {
            invalid(comment, "`rein:ignore` names no rule", help: "write `# rein:ignore RULE-ID reason`; `rein check --list-rules` lists the ids")
            return
        }
        let name = String(words[1])
        if name.hasPrefix("rein."), !name.hasPrefix(LintRules.codePrefix) {
            invalid(comment, "`\(abbreviated(name))` is not a lint rule", help: "only lint findings (`rein.lint.*`) can be silenced; fix what the checker reports")
            return
        }
        guard let rule = LintRules.rule(named: name) else {
            let hint = Suggestions.didYouMean(name, in: LintRules.all.map(\.id))
            invalid(comment, "unknown lint rule `\(abbreviated(name))`", help: hint ?? "`rein check --list-rules` lists the ids")
            return
        }
        guard words.count == 3, words[2].contains(where: { $0 != " " && $0 != "\t" }) else {
            invalid(comment, "`rein:ignore \(rule.id)` gives no reason", help: "say why on the same line: `# rein:ignore \(rule.id) REASON`")
            return
        }
        let line = file.line(of: comment.span.start)
        var target = line
        if Self.standsAlone(comment, in: file) {
            if let last = lastTarget, last.file == comment.span.file, line < last.line {
                target = last.line
            } else {
                target = Self.nextCodeLine(after: line, in: file)
                lastTarget = (comment.span.file, target)
            }
        }
        suppressions.append(Suppression(ruleID: rule.id, span: comment.span, targetLine: target))
    }

    private mutating func invalid(_ comment: Comment, _ message: String, help: String) {
        diagnostics.append(
            Diagnostic(.warning, code: LintRules.codePrefix + "invalid-suppression", message: message, at: comment.span, help: help))
    }

    /// True when only whitespace precedes the comment on its line.
    static func standsAlone(_ comment: Comment, in file: SourceFile) -> Bool {
        let line = file.line(of: comment.span.start)
        guard line >= 1, line <= file.lineStarts.count else { return false }
        let start = file.lineStarts[line - 1]
        guard start <= comment.span.start, comment.span.start <= file.bytes.count else { return false }
        return file.bytes[start..<comment.span.start].allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// The first line after `line` that is neither blank nor only a comment (or the line after
    /// the last one: such a suppression silences nothing and is reported unused).
    static func nextCodeLine(after line: Int, in file: SourceFile) -> Int {
        var candidate = line + 1
        while candidate <= file.lineStarts.count {
            let start = file.lineStarts[candidate - 1]
            let end = candidate < file.lineStarts.count ? file.lineStarts[candidate] : file.bytes.count
            let first = file.bytes[start..<end].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
            if let first, first != UInt8(ascii: "#") { return candidate }
            candidate += 1
        }
        return candidate
    }
}
