import ReinSyntax

/// The level of each lint rule: its default unless configured (`rein check --rule ID=LEVEL`).
public struct LintLevels: Sendable {
    /// Rule id → the configured level; nil turns the rule off.
    private var overrides: [String: Severity?] = [:]

    public init() {}

    /// Parses `ID=LEVEL` settings (`error`, `warning`, `note` or `off`); the first bad one is
    /// returned as a message instead.
    public static func parse(_ settings: [String]) -> Result<LintLevels, LintLevelError> {
        var levels = LintLevels()
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return .failure(LintLevelError(message: "`\(setting)` is not `RULE-ID=LEVEL`")) }
            guard let rule = LintRules.rule(named: String(parts[0])) else {
                let hint = Suggestions.didYouMean(String(parts[0]), in: LintRules.all.map(\.id)).map { "; \($0)" } ?? ""
                return .failure(LintLevelError(message: "unknown lint rule `\(parts[0])`\(hint)"))
            }
            switch parts[1] {
            case "off": levels.overrides[rule.id] = .some(nil)
            case "error": levels.overrides[rule.id] = .some(.error)
            case "warning": levels.overrides[rule.id] = .some(.warning)
            case "note": levels.overrides[rule.id] = .some(.note)
            default:
                return .failure(LintLevelError(message: "unknown level `\(parts[1])` for `\(rule.id)`: use error, warning, note or off"))
            }
        }
        return .success(levels)
    }

    /// The level `rule` reports at, or nil when it is off.
    public func level(of rule: any LintRule) -> Severity? {
        if let configured = overrides[rule.id] { return configured }
        return rule.defaultLevel
    }
}

/// A bad `ID=LEVEL` setting.
public struct LintLevelError: Error, Sendable {
    public var message: String
}
