import ReinSyntax

extension CheckerContext {
    /// An int that counts something and must be at least 1 (`approvers`, `require approvals`,
    /// `max_iterations`). Nil after a diagnostic.
    mutating func positiveCount(_ literal: Literal, keyword: String) -> Int64? {
        guard case .int(let value) = literal.value else { return nil }
        guard value >= 1 else {
            error(
                .countBelowOne, "`\(keyword)` must be at least 1, found `\(quoted(literal.span))`", at: literal.span,
                help: keyword == "max_iterations"
                    ? "an agent needs at least one iteration; use `max_iterations 1` or more"
                    : "at least one person must approve; use `1` or more")
            return nil
        }
        return value
    }

    /// A duration that must be longer than zero (`timeout`, `max_activation`,
    /// `max_elevation`, `approval_timeout`, `elevate … for`). Nil after a diagnostic.
    mutating func positiveDuration(_ literal: Literal, keyword: String) -> DurationValue? {
        guard case .duration(let value) = literal.value else { return nil }
        guard value.seconds > 0 else {
            error(
                .zeroDuration, "`\(keyword)` must be longer than `0s`", at: literal.span,
                help: "a zero duration would make every approval or elevation expire at once; give a length like `15m`")
            return nil
        }
        return value
    }

    /// A string that must not be empty (`channel`, `allow` globs). Nil after a diagnostic.
    mutating func nonEmptyString(_ literal: StringLiteral, what: String, help: String) -> String? {
        guard !literal.value.isEmpty else {
            error(.emptyString, "\(what) is empty", at: literal.span, help: help)
            return nil
        }
        return literal.value
    }
}

extension LiteralValue {
    /// The kind of a literal, for messages: `an int`, `a string`.
    var kindWithArticle: String {
        switch self {
        case .int: "an int"
        case .duration: "a duration"
        case .string: "a string"
        case .bool: "a bool"
        }
    }
}
