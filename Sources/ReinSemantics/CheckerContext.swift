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

    /// `forbid namespace` values (exactly) → where first forbidden.
    var forbidden: [ExactString: SourceSpan] = [:]
    /// Context keys → where declared.
    var contextSpans: [String: SourceSpan] = [:]
    /// Names of identities whose declaration had parse errors (no cascades from them).
    var identitiesWithErrors: Set<String> = []
    /// Names of identities with an `eligible` line whose role or scope did not resolve
    /// (reported there): an `elevate` may mean that line, so no `not-eligible` against them.
    var identitiesWithUnresolvedEligibility: Set<String> = []
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

    /// A literal as the user wrote it, shortened for a message: `25h` (not `1d1h`), `1_000`,
    /// `"e\u{301}"`, `#"^\d+$"#`. Messages quote source text, never a re-rendering of the
    /// value, so that what they show can be found in the file. A long string literal is cut inside its delimiters: `"aaaa…"`.
    func quoted(_ span: SourceSpan) -> String {
        let source = text(of: span)
        guard source.unicodeScalars.count > 60 else { return source }
        let scalars = Array(source.unicodeScalars)
        let hashes = scalars.prefix { $0 == "#" }.count
        let quotes = scalars.dropFirst(hashes).prefix(3).prefix { $0 == "\"" }.count
        guard quotes == 1 || quotes == 3, scalars.count >= 2 * (hashes + quotes) else { return abbreviated(source) }
        var content = String.UnicodeScalarView()
        content.append(contentsOf: scalars[(hashes + quotes)..<(scalars.count - hashes - quotes)])
        let opening = String(repeating: "#", count: hashes) + String(repeating: "\"", count: quotes)
        let closing = String(repeating: "\"", count: quotes) + String(repeating: "#", count: hashes)
        return opening + abbreviated(String(content)) + closing
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
