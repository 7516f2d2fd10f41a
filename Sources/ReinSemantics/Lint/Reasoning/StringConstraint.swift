import ReinSyntax

/// The strings a `string`, `name` or `namespace` arg (or context key) can hold when a rule reads
/// it: the evaluator checks every value against its declaration before any rule runs
/// (Grammar/README.md §13, step 4), so a value a rule compares with is one that passed.
struct StringConstraint: Hashable, Sendable {
    enum Rule: Hashable, Sendable {
        /// A `string`: within its `len` (or at most 1024 Unicode scalars without one), and
        /// matching its `matching` pattern when it has one.
        case text(length: ClosedRange<Int64>?, pattern: LinearRegex?)
        /// A `name`: an RFC 1123 subdomain.
        case name
        /// A `namespace`: an RFC 1123 label that no policy forbids.
        case namespace(forbidden: Set<ExactString>)
    }

    let rule: Rule

    /// True when a value that passed the checks can be `value`.
    func admits(_ value: String) -> Bool {
        rejection(of: value) == nil
    }

    /// Why no value that passed the checks is `value`, as a message fragment ("it is not a valid
    /// namespace: it has an uppercase letter `P`; …"); nil when one can be.
    func rejection(of value: String) -> String? {
        switch rule {
        case .text(let length, let pattern):
            let count = Int64(value.unicodeScalars.count)
            if let length, !length.contains(count) {
                return "it has \(count) characters, outside `len \(length.lowerBound)..\(length.upperBound)`"
            }
            if length == nil, count > Int64(NameRules.defaultStringScalarCap) {
                return "it has \(count) characters, over the \(NameRules.defaultStringScalarCap) a `string` without `len` may have"
            }
            if let pattern, !ValuePattern.matches(pattern, wholeOf: value) {
                return "it does not match `\(abbreviated(pattern.pattern))`"
            }
            return nil
        case .name:
            return NameRules.nameViolation(value).map { "it is not a valid name: \($0)" }
        case .namespace(let forbidden):
            if let violation = NameRules.namespaceViolation(value) { return "it is not a valid namespace: \(violation)" }
            return forbidden.contains(ExactString(value)) ? "a policy forbids that namespace" : nil
        }
    }

    /// Only the rule's kind, `len` and pattern: the forbidden namespaces are the bundle's, the
    /// same in every constraint of one lint run (they still take part in `==`).
    func hash(into hasher: inout Hasher) {
        switch rule {
        case .text(let length, let pattern):
            hasher.combine(0)
            hasher.combine(length)
            hasher.combine(pattern)
        case .name:
            hasher.combine(1)
        case .namespace:
            hasher.combine(2)
        }
    }
}

/// What the evaluator checks of string values across one bundle, prepared once per lint run:
/// every `matching` pattern compiled, and the namespaces the policies forbid.
struct StringChecks: Sendable {
    private let patterns: [ExactString: LinearRegex]
    private let forbidden: Set<ExactString>

    init(model: SemanticModel) {
        var cache = RegexCache()
        var patterns: [ExactString: LinearRegex] = [:]
        for arg in model.tools.flatMap(\.args) + model.context {
            guard let pattern = arg.pattern, patterns[ExactString(pattern)] == nil,
                case .success(let regex) = cache.compile(pattern)
            else { continue }
            patterns[ExactString(pattern)] = regex
        }
        self.patterns = patterns
        forbidden = Set(model.forbiddenNamespaces.map(ExactString.init))
    }

    /// The constraint on a `string` with this `len` and `matching` pattern. (A pattern that does
    /// not compile — the checker rejects it first — is left out, which only widens what the
    /// constraint admits.)
    func text(length: ClosedRange<Int64>?, pattern: String?) -> StringConstraint {
        StringConstraint(rule: .text(length: length, pattern: pattern.flatMap { patterns[ExactString($0)] }))
    }

    /// The constraint on a `namespace`.
    var namespace: StringConstraint {
        StringConstraint(rule: .namespace(forbidden: forbidden))
    }
}
