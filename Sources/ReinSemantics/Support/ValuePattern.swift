/// `matching "REGEX"` patterns (LANGUAGE.md §3, types), compiled and matched the one way the
/// checker (for defaults) and an evaluator (for proposal values) must share:
///
/// - **Unicode scalar semantics** (`.matchingSemantics(.unicodeScalar)`): `.` is one Unicode
///   scalar, as `len` counts scalars, so `^.$` does not match `"e\u{301}"` (two scalars); and
///   no canonical equivalence, so a pattern `é` (U+00E9) does not match `e` + U+0301. Swift's
///   default, grapheme-cluster semantics, would normalise both away.
/// - **The whole value** must match, with no allowance for a trailing newline.
///
/// ```swift
/// let regex = try ValuePattern.compile(#"^[a-z0-9-]+$"#)
/// ValuePattern.matches(regex, wholeOf: "ledger-worker")  // true
/// ```
public enum ValuePattern {
    /// Compiles a `matching` pattern with Unicode scalar semantics. Throws the regex parser's
    /// error for a pattern that does not compile.
    public static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        try Regex(pattern).matchingSemantics(.unicodeScalar)
    }

    /// True when `regex` (from `compile(_:)`) matches the whole of `value`.
    public static func matches(_ regex: Regex<AnyRegexOutput>, wholeOf value: String) -> Bool {
        (try? regex.wholeMatch(in: value)) != nil
    }
}

/// Compiles each `matching` pattern once per check (keyed exactly: `é` and `e` + U+0301 are
/// two patterns).
struct RegexCache {
    private enum Entry {
        case compiled(Regex<AnyRegexOutput>)
        case invalid(String)
    }

    private var entries: [ExactString: Entry] = [:]

    /// The compiled pattern, or the compiler's complaint.
    mutating func compile(_ pattern: String) -> Result<Regex<AnyRegexOutput>, RegexCompileError> {
        let key = ExactString(pattern)
        if let entry = entries[key] { return Self.result(entry) }
        let entry: Entry
        do {
            entry = .compiled(try ValuePattern.compile(pattern))
        } catch {
            entry = .invalid(String(describing: error))
        }
        entries[key] = entry
        return Self.result(entry)
    }

    private static func result(_ entry: Entry) -> Result<Regex<AnyRegexOutput>, RegexCompileError> {
        switch entry {
        case .compiled(let regex): .success(regex)
        case .invalid(let reason): .failure(RegexCompileError(reason: reason))
        }
    }
}

/// Why a pattern does not compile.
struct RegexCompileError: Error {
    var reason: String
}
