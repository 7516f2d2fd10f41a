import ReinSyntax

/// One lint rule: a finding about a bundle that is well-formed (it passed the checker) but
/// probably not what its authors meant. Each rule lives in its own file under `Rules/` with
/// the examples that document and test it.
public protocol LintRule: Sendable {
    /// The stable id, kebab-case (`deny-never-matches`); never renamed once released. The
    /// diagnostic code is `rein.lint.` + id, and `# rein:ignore ID reason` names it.
    var id: String { get }
    /// The level findings are reported at unless configured otherwise.
    var defaultLevel: Severity { get }
    /// What the rule finds, one line (the catalogue's table and the SARIF rule's full description).
    var summary: String { get }
    /// Why it matters and what to do about it: a short paragraph for the catalogue.
    var rationale: String { get }
    /// Bundles that trigger the rule and bundles that do not, each complete on its own
    /// (with ``LintExamples/prelude``): the catalogue shows them and a test runs them.
    var examples: LintExamples { get }
    /// The rule's findings in a bundle that passed the checker without errors.
    func findings(in bundle: LintContext) -> [LintFinding]
}

extension LintRule {
    /// The diagnostic code of this rule's findings.
    public var code: String { LintRules.codePrefix + id }
}

/// Examples of one rule. The test suite checks that every `triggering` source gets at least
/// one finding of the rule and no `passing` source gets any.
public struct LintExamples: Sendable {
    public var triggering: [String]
    public var passing: [String]

    public init(triggering: [String], passing: [String]) {
        self.triggering = triggering
        self.passing = passing
    }

    /// Declarations every example may use without repeating them: the standing `observer`
    /// and the PIM-eligible `remediator`. Checked as a second file of each example's bundle.
    public static let prelude = """
        identity observer {
          role "Reader"
        }
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Contributor" at resource_group
        }

        """
}

/// One finding of a rule, before its level and any suppression are applied.
public struct LintFinding: Sendable, Hashable {
    public var span: SourceSpan
    public var message: String
    public var notes: [DiagnosticNote]
    public var help: String?

    public init(at span: SourceSpan, _ message: String, notes: [DiagnosticNote] = [], help: String? = nil) {
        self.span = span
        self.message = message
        self.notes = notes
        self.help = help
    }
}
