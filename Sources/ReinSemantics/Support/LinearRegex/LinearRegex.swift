/// A `matching` pattern (Grammar/README.md §7), compiled once and matched in time linear in
/// the value: O(len(value) × program size), with memory bounded by the program size and no
/// recursion on the value.
///
/// Why not Swift's `Regex`: it is a backtracking engine, so `(a*)*b` against a run of `a`s, or
/// the realistic `^([a-z0-9]+-?)*$` against a long slug ending in `_`, takes exponential time —
/// a hang in `rein check`, and a denial of service once an evaluator matches values an LLM or
/// an attacker proposes. No well-kept Swift package offers RE2-style linear-time matching on
/// the platforms Rein builds for, so Rein carries this small one, on the standard library only:
/// a parser for the portable RE2/ICU core of regex syntax (`LinearRegexParser`), a compiler to
/// a Thompson NFA program (`LinearRegexProgram`), and a Pike VM that follows every NFA thread
/// in lockstep, one Unicode scalar at a time, never backtracking (LinearRegexMatcher.swift).
///
/// Semantics:
/// - **Unicode scalars**, not grapheme clusters, and no normalisation: `.` is one scalar (as
///   `len` counts scalars), so `^.$` does not match `"e\u{301}"`, and a pattern `é` (U+00E9)
///   does not match `e` + U+0301.
/// - **The whole value** must match; `$` and `\z` are the end of the value, with no allowance
///   for a trailing newline.
/// - `\d`, `\w`, `\s` have their ASCII meanings (`[0-9]`, `[A-Za-z0-9_]`, `[ \t\n\r\f\v]`);
///   `.` is any scalar except `\n`.
/// - Lazy (`*?`) and possessive (`*+`) quantifiers are accepted and mean the same as greedy
///   ones: for a yes/no whole match, they cannot change the answer.
///
/// What the portable core leaves out — backreferences, lookaround, inline flags, atomic
/// groups, conditionals, recursion — is rejected with a `SyntaxError`, as are unknown escapes,
/// a quantifier on a quantifier, and patterns over the limits below.
///
/// ```swift
/// let slug = try LinearRegex(#"^[a-z0-9]+(-[a-z0-9]+)*$"#)
/// slug.wholeMatch("ledger-worker")  // true
/// slug.wholeMatch("ledger-worker\n")  // false
/// ```
public struct LinearRegex: Sendable, Hashable {
    /// The longest pattern accepted, in Unicode scalars.
    public static let maxPatternLength = 4096
    /// The largest count in `{n}`, `{n,}`, `{n,m}`.
    public static let maxRepetitionCount = 1000
    /// The largest program, in instructions, after counted repetition is expanded copy by copy.
    public static let maxProgramSize = 20_000
    /// The deepest nesting of groups.
    public static let maxNesting = 64

    /// The pattern as given.
    public let pattern: String
    let program: LinearRegexProgram
    /// The same program as a table for all-ASCII values: built on request
    /// (``withAutomaton()``), nil otherwise or when it would be too large.
    private(set) var dfa: LinearRegexDFA?

    /// Parses and compiles `pattern`. Throws a `SyntaxError` (with the Unicode-scalar offset
    /// of the problem) for syntax outside the supported dialect or over a limit.
    public init(_ pattern: String) throws(SyntaxError) {
        let syntax = try LinearRegexParser.parse(pattern)
        self.pattern = pattern
        self.program = try LinearRegexProgram(compiling: syntax, mode: .scalars)
    }

    /// This regex with a deterministic automaton for all-ASCII values built in (when the
    /// program is small enough): worth it for a regex matched many times, as an evaluator
    /// does; matching gives the same answers either way.
    public func withAutomaton() -> LinearRegex {
        var copy = self
        copy.dfa = LinearRegexDFA(program)
        return copy
    }

    /// True when the whole of `value` matches, Unicode scalar by scalar.
    /// The answer for a value given as UTF-8 bytes, when the automaton can give it (every byte
    /// ASCII and an automaton built); nil otherwise (then ask ``wholeMatch(_:)``).
    public func wholeMatchIfASCII(utf8 bytes: Span<UInt8>) -> Bool? {
        dfa?.wholeMatch(bytes)
    }

    public func wholeMatch(_ value: String) -> Bool {
        if let answer = dfa?.wholeMatch(value.utf8.span) { return answer }
        return program.wholeMatch(scalars: value.unicodeScalars)
    }

    /// Two regexes are equal when their patterns are the same Unicode scalars (`é` and
    /// `e` + U+0301 are two patterns, as they match different values).
    public static func == (lhs: LinearRegex, rhs: LinearRegex) -> Bool {
        lhs.pattern.unicodeScalars.elementsEqual(rhs.pattern.unicodeScalars)
    }

    public func hash(into hasher: inout Hasher) {
        for scalar in pattern.unicodeScalars { hasher.combine(scalar.value) }
    }

    /// Why a pattern was rejected.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong: lower case, no final period, pattern text in backticks.
        public let message: String
        /// Where, as an offset in Unicode scalars from the start of the pattern.
        public let offset: Int

        public init(message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }

        public var description: String { "\(message) (at scalar \(offset))" }
    }
}

extension LinearRegex {
    /// For a help only, never for a decision: true when `value` would match `pattern` if it
    /// were read as characters (grapheme clusters) compared by canonical equivalence — `.` one
    /// character, a literal `é` matching `e` + U+0301 and the reverse. An approximation of
    /// Swift's default `Regex` semantics, in the same linear time. False when neither text has
    /// a non-ASCII scalar, or the pattern is invalid.
    static func matchesAsCharacters(_ pattern: String, _ value: String) -> Bool {
        guard !(pattern.unicodeScalars.allSatisfy(\.isASCII) && value.unicodeScalars.allSatisfy(\.isASCII)) else {
            return false
        }
        guard let syntax = try? LinearRegexParser.parse(pattern),
            let program = try? LinearRegexProgram(compiling: syntax, mode: .characters)
        else { return false }
        return program.wholeMatch(characters: value)
    }
}
