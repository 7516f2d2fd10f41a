import ReinSyntax

/// The state of one check. The passes live in extensions (DeclarationChecks/, Expressions/,
/// KQL/); each pass reads what earlier passes resolved.
struct CheckerContext {
    let files: [SourceFileSyntax]
    /// `fileIndex` → position in `files`.
    let filePositions: [Int: Int]
    /// Where diagnostics go (capped per file; messages are built only when kept).
    let diagnostics = DiagnosticCollector()
    var symbols = SymbolTable()
    var model = SemanticModel()
    var regexCache = RegexCache()
    /// Where the parser found errors, and what it dropped.
    let parseErrors: ParseErrorIndex

    /// `forbid namespace` values → where first forbidden.
    var forbidden: [String: SourceSpan] = [:]
    /// Context keys → where declared.
    var contextSpans: [String: SourceSpan] = [:]
    /// Names of identities whose declaration had parse errors (no cascades from them).
    var identitiesWithErrors: Set<String> = []
    /// Arg name → the expression types of the args of that name across every tool
    /// (for `*` rules that read an arg no tool has).
    var argTypesByName: [String: Set<ValueType>] = [:]
    /// Tool name → its args whose declaration failed after the name (`TypeSyntax.Kind.invalid`):
    /// they exist, but have no type, so every use of them is typed `.error` silently.
    var invalidArgsByTool: [String: Set<String>] = [:]
    /// Every arg name that some tool declares with an invalid type.
    var invalidArgNames: Set<String> = []
    /// Context keys whose declaration failed after the name.
    var invalidContextKeys: Set<String> = []
    /// Identities with `role` lines, in bundle order.
    var standingDeclarations: [(name: String, span: SourceSpan)] = []
    /// Identity name → its `max_activation` value's span.
    var maxActivationSpans: [String: SourceSpan] = [:]

    init(files: [SourceFileSyntax]) {
        self.files = files
        var positions: [Int: Int] = [:]
        for (position, file) in files.enumerated() { positions[file.fileIndex] = position }
        filePositions = positions
        parseErrors = ParseErrorIndex(files: files)
    }

    // MARK: Passes

    mutating func run() {
        let units = collectDeclarations()
        let policies = units.filter { $0.declaration.kind == .policy }
        var policyModels = policies.map { checkPolicyLimits($0) }
        for index in policyModels.indices { checkPolicyContext(policies[index], into: &policyModels[index]) }
        for unit in units where unit.declaration.kind == .identity { checkIdentity(unit) }
        for unit in units where unit.declaration.kind == .tool || unit.declaration.kind == .query { checkTool(unit) }
        checkStandingIdentities()
        // Rules are typed in bundle order, so `model.rules` is in bundle order.
        var policyPosition = 0
        for unit in units {
            switch unit.declaration.kind {
            case .policy:
                checkPolicyRules(unit, into: &policyModels[policyPosition])
                policyPosition += 1
            case .runbook:
                checkRunbook(unit)
            default:
                break
            }
        }
        for policy in policyModels {
            model.policyIndex[policy.name] = model.policies.count
            model.policies.append(policy)
        }
    }

    // MARK: Diagnostics

    // Message, notes and help are built only when the diagnostic is kept (see
    // `DiagnosticCollector`): they may read `self`, but not change it.

    func error(
        _ code: CheckCode, _ message: @autoclosure () -> String, at span: SourceSpan,
        notes: @autoclosure () -> [DiagnosticNote] = [], help: @autoclosure () -> String? = nil
    ) {
        diagnostics.report(.error, code, at: span, message: message, notes: notes, help: help)
    }

    func warning(
        _ code: CheckCode, _ message: @autoclosure () -> String, at span: SourceSpan,
        notes: @autoclosure () -> [DiagnosticNote] = [], help: @autoclosure () -> String? = nil
    ) {
        diagnostics.report(.warning, code, at: span, message: message, notes: notes, help: help)
    }

    /// A "did you mean" help among candidates, while the budget lasts.
    func suggestion(for word: String, among candidates: @autoclosure () -> [String]) -> String? {
        guard diagnostics.suggestionBudget > 0 else { return nil }
        diagnostics.suggestionBudget -= 1
        return Suggestions.didYouMean(word, in: candidates())
    }

    /// The nearest candidate, while the suggestion budget lasts.
    func closest(to word: String, among candidates: [String]) -> String? {
        guard diagnostics.suggestionBudget > 0 else { return nil }
        diagnostics.suggestionBudget -= 1
        return Suggestions.closest(to: word, in: candidates)
    }

    // MARK: Source access

    func sourceFile(for span: SourceSpan) -> SourceFile? {
        filePositions[span.file].map { files[$0].file }
    }

    /// The source text of a span (for messages).
    func text(of span: SourceSpan) -> String {
        sourceFile(for: span)?.text(of: span) ?? ""
    }
}

/// A declaration with its statements after duplicates of singular statements were dropped.
struct DeclarationUnit {
    var declaration: Declaration
    var statements: [Statement]
    /// The parser's `hasErrors`, or a lexical error inside the declaration: "missing
    /// statement" checks are skipped.
    var hasErrors: Bool

    var name: String { declaration.name.name }
}

/// Shortens user input for messages.
func abbreviated(_ text: String, limit: Int = 60) -> String {
    guard text.unicodeScalars.count > limit else { return text }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: text.unicodeScalars.prefix(limit))
    return String(scalars) + "…"
}

/// A literal as shown in messages: `5`, `15m`, `"kube-system"`, `true` (long strings cut).
func display(_ value: LiteralValue) -> String {
    if case .string(let text) = value { return "\"\(abbreviated(text))\"" }
    return value.description
}
