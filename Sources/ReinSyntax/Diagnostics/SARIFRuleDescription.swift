/// What a SARIF rule says about one diagnostic code, for the code scanning alert's panel: a
/// title, what the code finds, why it matters and how to act, and where it is documented.
///
/// ``catalogued(_:)`` describes the codes of docs/DIAGNOSTICS.md (``DiagnosticCatalog``); lint
/// rules are described where they are known (ReinAdapters' `RuleDocumentation`).
public struct SARIFRuleDescription: Sendable, Hashable {
    /// How often a finding is a real problem: GitHub's `precision` rule property (which also
    /// knows `medium` and `low`; Rein reports neither).
    public enum Precision: String, Sendable, Hashable {
        case veryHigh = "very-high"
        case high
    }

    /// One line, shown next to each result (`shortDescription`).
    public var title: String
    /// What the code finds, one sentence of plain text (`fullDescription`, and the help's first
    /// paragraph; escaped for markdown).
    public var summary: String
    /// Further paragraphs of the help, markdown (inline code in backticks): why it matters and
    /// what to do.
    public var paragraphs: [String]
    /// Paragraphs only `help.markdown` shows, after the others: examples as fenced code blocks.
    public var markdownOnly: [String]
    /// Where the documentation is, relative to the documentation base URI
    /// (`docs/LINT.md#unused-tool`).
    public var documentation: String
    /// The level a finding has unless configured otherwise; nil: the level of the first finding
    /// of the code in the report.
    public var defaultLevel: Severity?
    public var precision: Precision

    public init(
        title: String, summary: String, paragraphs: [String] = [], markdownOnly: [String] = [],
        documentation: String, defaultLevel: Severity? = nil, precision: Precision
    ) {
        self.title = title
        self.summary = summary
        self.paragraphs = paragraphs
        self.markdownOnly = markdownOnly
        self.documentation = documentation
        self.defaultLevel = defaultLevel
        self.precision = precision
    }

    /// The description of a code docs/DIAGNOSTICS.md lists: its title from the code's words
    /// (`rein.check.duplicate-declaration` → "Checker: duplicate declaration"), its summary the
    /// docs' "when" text, its documentation the docs' section for the code's family. Checker
    /// and syntax findings are facts about the text: precision `very-high`. Nil for a code the
    /// docs do not list.
    public static func catalogued(_ code: String) -> SARIFRuleDescription? {
        guard let summary = DiagnosticCatalog.summary(of: code) else { return nil }
        return SARIFRuleDescription(
            title: title(of: code), summary: sentence(summary),
            documentation: "docs/DIAGNOSTICS.md" + (diagnosticsSection(of: code).map { "#" + $0 } ?? ""), precision: .veryHigh)
    }

    /// A description for a code nothing documents: its title, and the code as its summary.
    static func undocumented(_ code: String) -> SARIFRuleDescription {
        SARIFRuleDescription(
            title: title(of: code), summary: "Reported as \(code).", documentation: "docs/DIAGNOSTICS.md", precision: .high)
    }

    /// The anchor of docs/DIAGNOSTICS.md's section for a code's family (`rein.FAMILY.…`), as
    /// GitHub names heading anchors; a test checks each against the docs' headings.
    public static func diagnosticsSection(of code: String) -> String? {
        switch family(of: code) {
        case "io", "lex": "files-and-lexing-reinio-reinlex"
        case "parse": "syntax-reinparse"
        case "check": "semantic-checks-reincheck"
        case "lint": "lint-reinlint"
        case "incident", "replay": "recorded-incidents-reinincident-reinreplay"
        default: nil
        }
    }

    /// "Syntax: expected brace" for `rein.parse.expected-brace`.
    public static func title(of code: String) -> String {
        let parts = code.split(separator: ".")
        let family = family(of: code) ?? ""
        let familyTitle: String =
            switch family {
            case "io": "Reading"
            case "lex": "Lexing"
            case "parse": "Syntax"
            case "check": "Checker"
            case "lint": "Lint"
            case "incident": "Recorded incident"
            case "replay": "Replay"
            default: family
            }
        let words = (parts.last ?? "").split(separator: "-").map { word -> String in
            switch word {
            case "kql", "json", "yaml", "guid": word.uppercased()
            case "utf8": "UTF-8"
            default: String(word)
            }
        }
        let name = words.joined(separator: " ")
        return familyTitle.isEmpty ? name : "\(familyTitle): \(name)"
    }

    /// The second part of `rein.FAMILY.NAME`, when the code has that shape.
    private static func family(of code: String) -> String? {
        let parts = code.split(separator: ".")
        guard parts.count == 3, parts[0] == "rein" else { return nil }
        return String(parts[1])
    }

    /// Text as a sentence: a period at the end unless it ends a sentence already, and the first
    /// letter capitalised when the first word is plain lowercase ASCII letters (`a deny rule` →
    /// `A deny rule`, but `on_timeout` or `in/len` stay as written).
    public static func sentence(_ text: String) -> String {
        var out = text
        let firstWord = out.prefix { $0 != " " }
        if let first = out.first, !firstWord.isEmpty, firstWord.allSatisfy({ $0.isASCII && $0.isLowercase }) {
            out = first.uppercased() + out.dropFirst()
        }
        if let last = out.last, !".!?".contains(last) { out += "." }
        return out
    }
}
