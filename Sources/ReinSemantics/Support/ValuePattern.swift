/// `matching "REGEX"` patterns (Grammar/README.md §7), compiled and matched the one way the
/// checker (for defaults) and an evaluator (for proposal values) must share: as `LinearRegex`,
/// in time linear in the value, whatever the pattern (no backtracking, so no ReDoS).
///
/// - **Unicode scalar semantics**: `.` is one Unicode scalar, as `len` counts scalars, so
///   `^.$` does not match `"e\u{301}"` (two scalars); and no canonical equivalence, so a
///   pattern `é` (U+00E9) does not match `e` + U+0301.
/// - **The whole value** must match, with no allowance for a trailing newline.
///
/// ```swift
/// let regex = try ValuePattern.compile(#"^[a-z0-9-]+$"#)
/// ValuePattern.matches(regex, wholeOf: "ledger-worker")  // true
/// ```
public enum ValuePattern {
    /// Compiles a `matching` pattern. Throws a `LinearRegex.SyntaxError` for a pattern
    /// outside the supported dialect (Grammar/README.md, "Regular expressions").
    public static func compile(_ pattern: String) throws(LinearRegex.SyntaxError) -> LinearRegex {
        try LinearRegex(pattern)
    }

    /// True when `regex` (from `compile(_:)`) matches the whole of `value`.
    public static func matches(_ regex: LinearRegex, wholeOf value: String) -> Bool {
        regex.wholeMatch(value)
    }
}

/// Compiles each `matching` pattern once per check (keyed exactly: `é` and `e` + U+0301 are
/// two patterns).
struct RegexCache {
    private var entries: [ExactString: Result<LinearRegex, LinearRegex.SyntaxError>] = [:]

    /// The compiled pattern, or why it does not compile.
    mutating func compile(_ pattern: String) -> Result<LinearRegex, LinearRegex.SyntaxError> {
        let key = ExactString(pattern)
        if let entry = entries[key] { return entry }
        let entry = Result<LinearRegex, LinearRegex.SyntaxError> { () throws(LinearRegex.SyntaxError) in try LinearRegex(pattern) }
        entries[key] = entry
        return entry
    }
}
