import ReinSemantics
import ReinSyntax
import ReinTestSupport
import Testing

/// `LinearRegex`: the dialect, scalar semantics, rejections, agreement with Swift's `Regex` on
/// random small patterns, and patterns that make a backtracking engine take exponential time.
@Suite("LinearRegex")
struct LinearRegexTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        var value: String
        var expected: Bool
        var testDescription: String {
            "\(Self.shown(pattern)) \(expected ? "matches" : "does not match") \(Self.shown(value))"
        }

        init(_ pattern: String, _ value: String, _ expected: Bool) {
            self.pattern = pattern
            self.value = value
            self.expected = expected
        }

        /// Scalars outside printable ASCII as `\u{…}`, so every row has a readable name.
        static func shown(_ text: String) -> String {
            let scalars = text.unicodeScalars.prefix(40).map { scalar -> String in
                (0x20..<0x7F).contains(scalar.value) ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
            }
            return "\"" + scalars.joined() + (text.unicodeScalars.count > 40 ? "…" : "") + "\""
        }
    }

    static let matchCases: [MatchCase] = [
        // Empty pattern, empty value.
        MatchCase("", "", true),
        MatchCase("", "a", false),
        MatchCase("a", "", false),
        // Literals: the whole value, exactly.
        MatchCase("a", "a", true),
        MatchCase("a", "aa", false),
        MatchCase("abc", "abc", true),
        MatchCase("abc", "abd", false),
        MatchCase("b", "abc", false),
        MatchCase("caf\u{E9}", "caf\u{E9}", true),
        MatchCase("\u{65E5}\u{672C}+", "\u{65E5}\u{672C}\u{672C}", true),
        MatchCase("]", "]", true),
        MatchCase("a}", "a}", true),
        MatchCase("a b", "a b", true),
        // Anchors: start and end of the value, nowhere else; no trailing newline.
        MatchCase("^abc$", "abc", true),
        MatchCase("^$", "", true),
        MatchCase("^", "", true),
        MatchCase("$", "", true),
        MatchCase("^", "a", false),
        MatchCase("a^b", "ab", false),
        MatchCase("a$b", "ab", false),
        MatchCase("(^a|b)+", "ab", true),
        MatchCase("(^a|b)+", "ba", false),
        MatchCase("(a|b$)+", "ab", true),
        MatchCase("(a|b$)+", "ba", false),
        MatchCase("(^)*a", "a", true),
        MatchCase(#"\Aa\z"#, "a", true),
        MatchCase(#"a\z"#, "a\n", false),
        MatchCase("a$", "a\n", false),
        MatchCase("^[a-z]+$", "abc\n", false),
        MatchCase(#"a\n"#, "a\n", true),
        MatchCase("a$\n", "a\n", false),
        // `.`: one scalar, any but `\n`.
        MatchCase(".", "a", true),
        MatchCase(".", "", false),
        MatchCase(".", "\n", false),
        MatchCase(".", "\r", true),
        MatchCase(".", "\t", true),
        MatchCase(".", "\u{E9}", true),
        MatchCase(".", "e\u{301}", false),
        MatchCase("..", "e\u{301}", true),
        MatchCase(".", "\u{1F600}", true),
        MatchCase(".", "\u{1F44D}\u{1F3FD}", false),
        MatchCase("..", "\u{1F44D}\u{1F3FD}", true),
        MatchCase(".", "\r\n", false),
        MatchCase(".*", "ab\ncd", false),
        MatchCase(#".*\n.*"#, "ab\ncd", true),
        // Combining marks and normalisation: scalar by scalar.
        MatchCase("e\u{301}", "e\u{301}", true),
        MatchCase("\u{E9}", "e\u{301}", false),
        MatchCase("e\u{301}", "\u{E9}", false),
        MatchCase("e[\u{300}-\u{36F}]", "e\u{301}", true),
        MatchCase("[\u{E9}]", "e\u{301}", false),
        MatchCase("^e$", "e\u{301}", false),
        MatchCase("\u{212A}", "K", false),
        // Non-ASCII scalars and escapes for them.
        MatchCase("[\u{3B1}-\u{3C9}]+", "\u{3BB}\u{3BF}\u{3B3}\u{3BF}\u{3C2}", true),
        MatchCase("[\u{3B1}-\u{3C9}]+", "\u{3BB}o", false),
        MatchCase(#"\u{1F600}"#, "\u{1F600}", true),
        MatchCase(#"\u00e9"#, "\u{E9}", true),
        MatchCase(#"\u00E9"#, "e\u{301}", false),
        MatchCase(#"\x41"#, "A", true),
        MatchCase(#"\x{1F600}"#, "\u{1F600}", true),
        MatchCase(#"[\u{E9}\x{E8}]+"#, "\u{E8}\u{E9}", true),
        // Escapes of punctuation.
        MatchCase(#"\."#, ".", true),
        MatchCase(#"\."#, "a", false),
        MatchCase(#"\*\+\?"#, "*+?", true),
        MatchCase(#"\(\)\[\]\{\}"#, "()[]{}", true),
        MatchCase(#"\|\^\$"#, "|^$", true),
        MatchCase(#"\\"#, "\\", true),
        MatchCase(##"\-\/\#"##, "-/#", true),
        MatchCase(#"\"\'"#, "\"'", true),
        MatchCase(#"\{1\}"#, "{1}", true),
        MatchCase(#"\ \&\~\,\:\<\>\=\!\@\%\_\`\;"#, " &~,:<>=!@%_`;", true),
        MatchCase(#"\t\n\r\f\v"#, "\t\n\r\u{0C}\u{0B}", true),
        // `\d \w \s` and negations: ASCII meanings.
        MatchCase(#"\d+"#, "0123456789", true),
        MatchCase(#"\d"#, "a", false),
        MatchCase(#"\d"#, "\u{663}", false),
        MatchCase(#"\D"#, "\u{663}", true),
        MatchCase(#"\D"#, "7", false),
        MatchCase(#"\w+"#, "Az_09", true),
        MatchCase(#"\w"#, "-", false),
        MatchCase(#"\w"#, "\u{E9}", false),
        MatchCase(#"\W"#, "\u{E9}", true),
        MatchCase(#"\W"#, "_", false),
        MatchCase(#"\s+"#, " \t\n\r\u{0C}\u{0B}", true),
        MatchCase(#"\s"#, "\u{A0}", false),
        MatchCase(#"\s"#, "\u{2003}", false),
        MatchCase(#"\S"#, "a", true),
        MatchCase(#"\S"#, " ", false),
        // Classes.
        MatchCase("[abc]", "b", true),
        MatchCase("[abc]", "d", false),
        MatchCase("[abc]", "", false),
        MatchCase("[abc]", "ab", false),
        MatchCase("[^abc]", "d", true),
        MatchCase("[^abc]", "a", false),
        MatchCase("[^abc]", "\n", true),
        MatchCase("[^abc]", "\u{1F600}", true),
        MatchCase("[^abc]", "", false),
        MatchCase("[a-c]", "b", true),
        MatchCase("[a-c]", "d", false),
        MatchCase("[a-a]", "a", true),
        MatchCase("[a-cx-z0-9]+", "bx9", true),
        MatchCase("[-a]", "-", true),
        MatchCase("[a-]", "-", true),
        MatchCase("[^-]", "-", false),
        MatchCase("[^-a]", "b", true),
        MatchCase("[a-c-]", "-", true),
        MatchCase("[]a]", "]", true),
        MatchCase("[]a]", "a", true),
        MatchCase("[^]a]", "]", false),
        MatchCase("[^]a]", "b", true),
        MatchCase("[a]]", "a]", true),
        MatchCase(#"[\]]"#, "]", true),
        MatchCase(#"[\[]"#, "[", true),
        MatchCase(#"[\-]"#, "-", true),
        MatchCase(#"[a\-z]"#, "b", false),
        MatchCase(#"[\\]"#, "\\", true),
        MatchCase("[.]", ".", true),
        MatchCase("[.]", "a", false),
        MatchCase("[$^*+?(){}|]+", "$^*+?(){}|", true),
        MatchCase(#"[\d]"#, "5", true),
        MatchCase(#"[\w-]+"#, "a_b-1", true),
        MatchCase(#"[\d\s]+"#, "1 2", true),
        MatchCase(#"[^\d]"#, "a", true),
        MatchCase(#"[^\d]"#, "1", false),
        MatchCase(#"[\D]"#, "1", false),
        MatchCase(#"[^\D]"#, "1", true),
        MatchCase(#"[^\D]"#, "a", false),
        MatchCase(#"[\W\d]"#, "1", true),
        MatchCase(#"[\W\d]"#, "a", false),
        MatchCase(#"[\n]"#, "\n", true),
        MatchCase(#"[\t-\r]"#, "\u{0B}", true),
        MatchCase(#"[\u{E9}]"#, "\u{E9}", true),
        MatchCase(#"[\x{0}-\x{10FFFF}]"#, "\u{10FFFF}", true),
        MatchCase(#"[^\x{0}-\x{10FFFF}]"#, "a", false),
        // Groups and alternation (with empty branches).
        MatchCase("(ab)+", "abab", true),
        MatchCase("(ab)+", "aba", false),
        MatchCase("(?:ab)*", "", true),
        MatchCase("(?<name>ab)c", "abc", true),
        MatchCase("(?<_n1>a)", "a", true),
        MatchCase("(?P<x>a)", "a", true),
        MatchCase("()", "", true),
        MatchCase("(?:)", "", true),
        MatchCase("()a()", "a", true),
        MatchCase("(a|)", "", true),
        MatchCase("(a|)b", "b", true),
        MatchCase("(|a)b", "ab", true),
        MatchCase("a|", "", true),
        MatchCase("a|", "a", true),
        MatchCase("|a", "a", true),
        MatchCase("a||b", "", true),
        MatchCase("|", "", true),
        MatchCase("|", "a", false),
        MatchCase("(a|b|c)", "c", true),
        MatchCase("ab|cd", "abd", false),
        MatchCase("ab|cd", "cd", true),
        MatchCase("a(b|c)d", "acd", true),
        MatchCase("a(b|c)d", "ad", false),
        MatchCase("((a|b)(c|d))+", "adbc", true),
        MatchCase("((((((((a))))))))", "a", true),
        // Quantifiers and their bounds.
        MatchCase("a*", "", true),
        MatchCase("a*", "aaa", true),
        MatchCase("a*", "aab", false),
        MatchCase("a+", "", false),
        MatchCase("a+", "aa", true),
        MatchCase("a?", "", true),
        MatchCase("a?", "a", true),
        MatchCase("a?", "aa", false),
        MatchCase("ab*c", "ac", true),
        MatchCase("ab*c", "abbbc", true),
        MatchCase("a{3}", "aaa", true),
        MatchCase("a{3}", "aa", false),
        MatchCase("a{3}", "aaaa", false),
        MatchCase("a{2,}", "a", false),
        MatchCase("a{2,}", "aa", true),
        MatchCase("a{2,}", "aaaaaaa", true),
        MatchCase("a{1,}", "", false),
        MatchCase("a{0,}", "aaa", true),
        MatchCase("a{2,4}", "a", false),
        MatchCase("a{2,4}", "aa", true),
        MatchCase("a{2,4}", "aaaa", true),
        MatchCase("a{2,4}", "aaaaa", false),
        MatchCase("a{0}", "", true),
        MatchCase("a{0}", "a", false),
        MatchCase("a{0,0}", "", true),
        MatchCase("a{0,1}", "a", true),
        MatchCase("a{0,1}", "aa", false),
        MatchCase("(ab){1,2}", "abab", true),
        MatchCase("(ab){1,2}", "ababab", false),
        MatchCase("(a|bc){2}", "bca", true),
        MatchCase("[ab]{3}", "bab", true),
        MatchCase(".{2,3}", "\u{E9}e\u{301}", true),
        MatchCase("a{1000}", String(repeating: "a", count: 1000), true),
        MatchCase("a{1000}", String(repeating: "a", count: 999), false),
        MatchCase("a{1000}", String(repeating: "a", count: 1001), false),
        MatchCase("(?:a{2,3}){2}", "aaaaa", true),
        MatchCase("(?:a{2,3}){2}", "aaa", false),
        // Lazy and possessive suffixes read as greedy.
        MatchCase("a*?", "aa", true),
        MatchCase("a+?b", "aab", true),
        MatchCase("a??", "a", true),
        MatchCase("a{2,3}?", "aaa", true),
        MatchCase("a*+", "aa", true),
        MatchCase("a++b", "aab", true),
        MatchCase("a?+", "", true),
        MatchCase("a{2}+", "aa", true),
        MatchCase("a*+a", "aa", true),
        // Loops over what can match the empty string.
        MatchCase("(a*)*", "", true),
        MatchCase("(a*)*", "aaa", true),
        MatchCase("(a*)+b", "b", true),
        MatchCase("(a?)+", "", true),
        MatchCase("(|a)+", "aa", true),
        MatchCase("($)*", "", true),
        MatchCase("(a*)*b", "aab", true),
        MatchCase("(a*){3,5}", "aa", true),
        MatchCase("(?:(?:)*)*", "", true),
        // Realistic patterns.
        MatchCase(#"^[a-z][a-z0-9]*$"#, "pool1", true),
        MatchCase(#"^[a-z][a-z0-9]*$"#, "1pool", false),
        MatchCase(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#, "ledger-worker", true),
        MatchCase(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#, "ledger-", false),
        MatchCase(#"^\d{1,3}(\.\d{1,3}){3}$"#, "10.0.12.255", true),
        MatchCase(#"^\d{1,3}(\.\d{1,3}){3}$"#, "10.0.12", false),
        MatchCase(#"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"#, "a.b@c.io", true),
        MatchCase(#"^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"#, "v1.2.3-rc.1", true),
        MatchCase(#"^([a-z0-9]+-?)*$"#, "aaaa-bbb", true),
        MatchCase(#"^([a-z0-9]+-?)*$"#, "aaaa_bbb", false),
    ]

    @Test("whole matches, scalar by scalar", arguments: matchCases)
    func matches(_ testCase: MatchCase) throws {
        let regex = try LinearRegex(testCase.pattern)
        #expect(regex.wholeMatch(testCase.value) == testCase.expected)
    }

    struct RejectCase: Sendable, CustomTestStringConvertible {
        var pattern: String
        var fragment: String
        var offset: Int?
        var testDescription: String { "\(MatchCase.shown(pattern)): \(fragment)" }

        init(_ pattern: String, _ fragment: String, at offset: Int? = nil) {
            self.pattern = pattern
            self.fragment = fragment
            self.offset = offset
        }
    }

    static let rejectCases: [RejectCase] = [
        // Unbalanced.
        RejectCase("a(", "unbalanced `(`: the group is never closed", at: 1),
        RejectCase("(a(b)", "unbalanced `(`", at: 0),
        RejectCase("a)", "unbalanced `)`: no group is open", at: 1),
        RejectCase("(a))", "unbalanced `)`", at: 3),
        RejectCase("(?", "unbalanced `(`", at: 0),
        RejectCase("(?:", "unbalanced `(`", at: 0),
        RejectCase("[a-z", "unbalanced `[`: the class `[a-z` is never closed", at: 0),
        RejectCase("[]", "unbalanced `[`", at: 0),
        RejectCase("[^]", "unbalanced `[`", at: 0),
        RejectCase("a\\", "ends with a lone `\\`", at: 1),
        // Dangling and stacked quantifiers.
        RejectCase("*a", "`*` has nothing to repeat", at: 0),
        RejectCase("+", "`+` has nothing to repeat", at: 0),
        RejectCase("?", "`?` has nothing to repeat", at: 0),
        RejectCase("{2}", "`{2}` has nothing to repeat", at: 0),
        RejectCase("a|*", "`*` has nothing to repeat", at: 2),
        RejectCase("(*)", "`*` has nothing to repeat", at: 1),
        RejectCase("a**", "`*` follows the quantifier `*`", at: 2),
        RejectCase("a+*", "`*` follows the quantifier `+`", at: 2),
        RejectCase("a*?*", "`*` follows the quantifier `*?`", at: 3),
        RejectCase("a??+", "`+` follows the quantifier `??`", at: 3),
        RejectCase("a+++", "`+` follows the quantifier `++`", at: 3),
        RejectCase("a{2}{3}", "`{3}` follows the quantifier `{2}`", at: 4),
        RejectCase("a{2}*", "`*` follows the quantifier `{2}`", at: 4),
        RejectCase("a*{2}", "`{2}` follows the quantifier `*`", at: 2),
        RejectCase("a{1000}{1000}", "`{1000}` follows the quantifier `{1000}`; to repeat a repetition, group it first", at: 7),
        RejectCase("^*", "`*` cannot repeat the anchor `^`", at: 1),
        RejectCase("$?", "`?` cannot repeat the anchor `$`", at: 1),
        RejectCase(#"\A+"#, #"`+` cannot repeat the anchor `\A`"#, at: 2),
        RejectCase(#"\z{2}"#, #"`{2}` cannot repeat the anchor `\z`"#, at: 2),
        // Counted repetition.
        RejectCase("a{3,2}", "`{3,2}` repeats at least 3 times but at most 2", at: 1),
        RejectCase("a{1001}", "the count `1001` is over the 1000 allowed", at: 2),
        RejectCase("a{0,1001}", "the count `1001` is over the 1000 allowed", at: 4),
        RejectCase("a{99999999999999999999}", "is over the 1000 allowed", at: 2),
        RejectCase("a{,3}", "write `{0,3}`, not `{,3}`", at: 1),
        RejectCase("a{", "a literal `{` must be escaped as `\\{`", at: 1),
        RejectCase("a{x}", "a literal `{` must be escaped", at: 1),
        RejectCase("a{1", "a literal `{` must be escaped", at: 1),
        RejectCase("a{1,", "a literal `{` must be escaped", at: 1),
        RejectCase("a{1,2", "a literal `{` must be escaped", at: 1),
        RejectCase("a{ 1}", "a literal `{` must be escaped", at: 1),
        RejectCase("{", "a literal `{` must be escaped", at: 0),
        // Backreferences, lookaround, flags, atomic groups, conditionals and the like.
        RejectCase(#"(a)\1"#, "backreferences like `\\1` are not supported", at: 3),
        RejectCase(#"\9"#, "backreferences like `\\9`", at: 0),
        RejectCase(#"(?<n>a)\k<n>"#, "backreferences like `\\k<name>` are not supported", at: 7),
        RejectCase(#"\g{1}"#, "backreferences like `\\g<name>`", at: 0),
        RejectCase("(?P=n)", "backreferences `(?P=` are not supported", at: 0),
        RejectCase("a(?=b)", "lookahead `(?=` is not supported", at: 1),
        RejectCase("(?!b)", "lookahead `(?!` is not supported", at: 0),
        RejectCase("(?<=a)b", "lookbehind `(?<=` is not supported", at: 0),
        RejectCase("(?<!a)b", "lookbehind `(?<!` is not supported", at: 0),
        RejectCase("(?i)a", "inline flags `(?i)` are not supported", at: 0),
        RejectCase("(?i:a)", "inline flags `(?i:` are not supported", at: 0),
        RejectCase("(?-i)a", "inline flags `(?-i)`", at: 0),
        RejectCase("(?s)a", "inline flags `(?s)`", at: 0),
        RejectCase("(?x)a", "inline flags `(?x)`", at: 0),
        RejectCase("(?^)a", "inline flags `(?^)`", at: 0),
        RejectCase("(?>a)", "atomic groups `(?>` are not supported", at: 0),
        RejectCase("(?(1)a|b)", "conditionals `(?(` are not supported", at: 0),
        RejectCase("(?#note)a", "comment groups", at: 0),
        RejectCase("(?|a)", "branch reset groups", at: 0),
        RejectCase("(?R)", "recursion `(?R` is not supported", at: 0),
        RejectCase("(?1)", "recursion `(?1`", at: 0),
        RejectCase("(?&n)", "recursion `(?&`", at: 0),
        RejectCase("(?P>n)", "recursion `(?P>`", at: 0),
        RejectCase("(?'n'a)", "write a named group as `(?<name>…)`", at: 0),
        RejectCase("(?<1a>x)", "invalid group name `1a`", at: 3),
        RejectCase("(?<>x)", "a named group needs a name", at: 0),
        RejectCase("(?<a-b>x)", "a group name ends with `>`", at: 4),
        RejectCase("(?<a", "a group name ends with `>`", at: 0),
        RejectCase("(?~a)", "unknown group syntax `(?~`", at: 0),
        // Escapes.
        RejectCase(#"\q"#, "unknown escape `\\q`", at: 0),
        RejectCase(#"a\0"#, "unknown escape `\\0`", at: 1),
        RejectCase(#"\e"#, "unknown escape `\\e`", at: 0),
        RejectCase(#"\a"#, "unknown escape `\\a`", at: 0),
        RejectCase(#"\cA"#, "unknown escape `\\c`", at: 0),
        RejectCase(#"\h"#, "unknown escape `\\h`", at: 0),
        RejectCase(#"\R"#, "unknown escape `\\R`", at: 0),
        RejectCase(#"\X"#, "unknown escape `\\X`", at: 0),
        RejectCase(#"\Qa\E"#, "unknown escape `\\Q`", at: 0),
        RejectCase("\\\u{E9}", "unknown escape `\\\u{E9}`", at: 0),
        RejectCase(#"\Z"#, "`\\Z` is not supported: write `\\z` or `$`", at: 0),
        RejectCase(#"\bword\b"#, "word boundaries (`\\b`) are not supported", at: 0),
        RejectCase(#"\B"#, "word boundaries (`\\B`)", at: 0),
        RejectCase(#"\p{L}"#, "property classes like `\\p{…}` are not supported", at: 0),
        RejectCase(#"\P{L}"#, "property classes like `\\P{…}`", at: 0),
        RejectCase(#"\u{110000}"#, "`\\u{110000}` is not a Unicode scalar", at: 0),
        RejectCase(#"\u{D800}"#, "`\\u{D800}` is not a Unicode scalar", at: 0),
        RejectCase(#"\u{}"#, "malformed escape", at: 0),
        RejectCase(#"\u{123456789}"#, "malformed escape", at: 0),
        RejectCase(#"\u12"#, "malformed escape `\\u12`: write `\\uHHHH` (or `\\u{HEX}`)", at: 0),
        RejectCase(#"\x4"#, "malformed escape `\\x4`: write `\\xHH`", at: 0),
        RejectCase(#"\u{61"#, "malformed escape", at: 0),
        // Classes.
        RejectCase("[z-a]", "reversed range `z-a` in a character class", at: 1),
        RejectCase("[a-b-c]", "`-` after the range `a-b` is ambiguous", at: 4),
        RejectCase(#"[\d-z]"#, "`-` after `\\d` is ambiguous", at: 3),
        RejectCase(#"[a-\d]"#, "a range cannot end with the class `\\d`", at: 3),
        RejectCase("[a[b]]", "a literal `[` in a character class must be escaped as `\\[`", at: 2),
        RejectCase("[[:alpha:]]", "a literal `[` in a character class", at: 1),
        RejectCase("[a-[]", "a literal `[` in a character class", at: 3),
        RejectCase("[a&&b]", "`&&` in a character class means a set operation", at: 2),
        RejectCase("[a~~b]", "`~~` in a character class", at: 2),
        RejectCase("[a--b]", "`--` in a character class", at: 2),
        RejectCase("[--a]", "`--` in a character class", at: 1),
        RejectCase(#"[\A]"#, "the anchor `\\A` cannot appear in a character class", at: 1),
        RejectCase(#"[\z]"#, "the anchor `\\z` cannot appear", at: 1),
        RejectCase(#"[\b]"#, "word boundaries", at: 1),
        RejectCase(#"[\q]"#, "unknown escape `\\q`", at: 1),
        // Limits.
        RejectCase("(?:a{1000}){1000}", "the pattern is too large once `{1000}` is expanded: over 20000 instructions", at: 11),
        RejectCase("(?:a{1000}){20}", "the pattern is too large once `{20}` is expanded", at: 11),
        RejectCase("(?:a{1000}){20}b", "the pattern is too large once `{20}` is expanded", at: 11),
        RejectCase("((a{100}){100}){100}", "the pattern is too large once `{100}` is expanded", at: 15),
        RejectCase(String(repeating: "(", count: 65) + String(repeating: ")", count: 65), "groups nest deeper than 64 levels", at: 64),
        RejectCase(String(repeating: "a", count: 4097), "the pattern is 4097 Unicode scalars long, over the 4096 allowed", at: 4096),
    ]

    @Test("rejected patterns say why, and where", arguments: rejectCases)
    func rejects(_ testCase: RejectCase) {
        do {
            _ = try LinearRegex(testCase.pattern)
            Issue.record("\(MatchCase.shown(testCase.pattern)) was accepted")
        } catch {
            #expect(error.message.contains(testCase.fragment), "\(error.message)")
            if let offset = testCase.offset { #expect(error.offset == offset, "\(error.message)") }
            // Messages: lower case, no final period.
            #expect(error.message.first?.isUppercase == false)
            #expect(!error.message.hasSuffix("."))
        }
    }

    @Test("limits: exactly at each limit is accepted")
    func limits() throws {
        // 19 × 1000 instructions and the final match: under 20,000.
        #expect(try LinearRegex("(?:a{1000}){19}").wholeMatch(String(repeating: "a", count: 19_000)))
        #expect(try LinearRegex("(?:a{1000}){19}").wholeMatch(String(repeating: "a", count: 18_999)) == false)
        let nested = String(repeating: "(", count: 64) + "a" + String(repeating: ")", count: 64)
        #expect(try LinearRegex(nested).wholeMatch("a"))
        let long = String(repeating: "a", count: 4096)
        #expect(try LinearRegex(long).wholeMatch(long))
        #expect(try LinearRegex("a{0,1000}").wholeMatch(String(repeating: "a", count: 1000)))
    }

    @Test("patterns that take a backtracking engine exponential time get their answer")
    func pathological() throws {
        let run = String(repeating: "a", count: 10_000)
        #expect(try LinearRegex("(a*)*b").wholeMatch(run) == false)
        #expect(try LinearRegex("(a*)*b").wholeMatch(run + "b"))
        let slug = String(repeating: "ab1-", count: 2_500)
        #expect(try LinearRegex(#"^([a-z0-9]+-?)*$"#).wholeMatch(slug + "_") == false)
        #expect(try LinearRegex(#"^([a-z0-9]+-?)*$"#).wholeMatch(slug))
        #expect(try LinearRegex("(a|a)*b").wholeMatch(run) == false)
        #expect(try LinearRegex("(a|aa)*c").wholeMatch(run) == false)
        #expect(try LinearRegex("(a|aa)*").wholeMatch(run))
        #expect(try LinearRegex("(x+x+)+y").wholeMatch(String(repeating: "x", count: 10_000)) == false)
        #expect(try LinearRegex("(a?){30}a{30}").wholeMatch(String(repeating: "a", count: 30)))
        #expect(try LinearRegex("(.*a){20}").wholeMatch(String(repeating: "a", count: 10_000) + "b") == false)
        #expect(try LinearRegex("[ab]{0,1000}c").wholeMatch(String(repeating: "ab", count: 500) + "c"))
        #expect(throws: LinearRegex.SyntaxError.self) { try LinearRegex("a{1000}{1000}") }
        #expect(throws: LinearRegex.SyntaxError.self) { try LinearRegex("(?:a{1000}){1000}") }
    }

    @Test("equal when the patterns are the same scalars")
    func equality() throws {
        #expect(try LinearRegex("a+") == LinearRegex("a+"))
        #expect(try LinearRegex("\u{E9}") != LinearRegex("e\u{301}"))
        let set: Set<LinearRegex> = [try LinearRegex("\u{E9}"), try LinearRegex("e\u{301}"), try LinearRegex("\u{E9}")]
        #expect(set.count == 2)
        #expect(try LinearRegex("a|b").pattern == "a|b")
        let error = LinearRegex.SyntaxError(message: "unknown escape `\\q`", offset: 3)
        #expect(error.description == "unknown escape `\\q` (at scalar 3)")
    }

    // MARK: Agreement with Swift's Regex

    /// Random patterns over `a`, `b`, `-`: literals, `.`, classes, groups, anchors,
    /// alternation with empty branches, `* + ? {m} {m,} {m,n}` and lazy suffixes (possessive
    /// ones are left out: in a backtracking engine they can change the answer). At most two
    /// unbounded repetitions per pattern, and none around another, so that the backtracking
    /// oracle stays fast.
    struct PatternGenerator {
        var random: SplitMix64
        private var unboundedLeft = 0

        init(random: SplitMix64) {
            self.random = random
        }

        static let classes = [
            "[ab]", "[^a]", "[a-b]", "[-a]", "[a-]", "[^-]", "[b-]", "[\\-a]", "[^ab]", #"[\]a]"#, #"[\w]"#, #"[^\w-]"#,
        ]
        static let atoms = ["a", "b", "-", "a", "b", ".", #"\-"#, #"\w"#, #"\W"#, #"\d"#, #"\s"#, #"\S"#]

        mutating func pattern() -> String {
            unboundedLeft = 2
            return alternation(depth: 0)
        }

        private mutating func alternation(depth: Int) -> String {
            let branches = Int.random(in: 1...(depth < 2 ? 3 : 2), using: &random)
            return (0..<branches).map { _ in concatenation(depth: depth) }.joined(separator: "|")
        }

        private mutating func concatenation(depth: Int) -> String {
            let count = Int.random(in: 0...3, using: &random)
            return (0..<count).map { _ in item(depth: depth) }.joined()
        }

        private mutating func item(depth: Int) -> String {
            let roll = Int.random(in: 0..<20, using: &random)
            switch roll {
            case 0: return "^"
            case 1: return "$"
            default: break
            }
            let atom: String
            var innerUnbounded = false
            switch roll {
            case 2...5 where depth < 2:
                let before = unboundedLeft
                let inner = alternation(depth: depth + 1)
                innerUnbounded = unboundedLeft < before
                atom = Bool.random(using: &random) ? "(\(inner))" : "(?:\(inner))"
            case 6...9:
                atom = Self.classes.randomElement(using: &random)!
            default:
                atom = Self.atoms.randomElement(using: &random)!
            }
            return atom + quantifier(optionalOnly: innerUnbounded)
        }

        private mutating func quantifier(optionalOnly: Bool) -> String {
            let base: String
            let roll = Int.random(in: 0..<12, using: &random)
            let unbounded = roll <= 3 || roll == 7
            if optionalOnly || (unbounded && unboundedLeft == 0) {
                base = roll < 6 ? "?" : ""
            } else {
                if unbounded { unboundedLeft -= 1 }
                switch roll {
                case 0, 1: base = "*"
                case 2, 3: base = "+"
                case 4, 5: base = "?"
                case 6:
                    base = "{\(Int.random(in: 0...3, using: &random))}"
                case 7:
                    base = "{\(Int.random(in: 0...2, using: &random)),}"
                case 8:
                    let low = Int.random(in: 0...2, using: &random)
                    base = "{\(low),\(Int.random(in: low...3, using: &random))}"
                default:
                    base = ""
                }
            }
            guard !base.isEmpty else { return "" }
            return base + (Int.random(in: 0..<5, using: &random) == 0 ? "?" : "")
        }

        mutating func value() -> String {
            let alphabet: [Character] = ["a", "b", "-", "a", "b", "-", "1", " ", "_"]
            let length = Int.random(in: 0...12, using: &random)
            return String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
        }
    }

    @Test("agrees with Swift's Regex (Unicode scalar semantics) on random small patterns")
    func differential() throws {
        var generator = PatternGenerator(random: SplitMix64(seed: 0x5EED_2024))
        var compared = 0
        var disagreements: [String] = []
        for _ in 0..<3_000 {
            let pattern = generator.pattern()
            let ours: LinearRegex
            do {
                ours = try LinearRegex(pattern)
            } catch {
                disagreements.append("\(pattern): rejected (\(error.message))")
                continue
            }
            let oracle = try Regex(pattern).matchingSemantics(.unicodeScalar)
            var values = (0..<6).map { _ in generator.value() }
            values.append("")
            for value in values {
                let expected = value.wholeMatch(of: oracle) != nil
                compared += 1
                if ours.wholeMatch(value) != expected {
                    disagreements.append("\(pattern) on \"\(value)\": Swift says \(expected)")
                }
            }
        }
        #expect(compared == 21_000)
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(10))")
    }

    // MARK: In the checker

    static func tool(_ argLine: String) -> String { "tool t1 {\n  effect read\n  \(argLine)\n}\n" }

    static func diagnostics(_ source: String) -> [Diagnostic] {
        CheckCase(name: "", source: source, expected: []).run().result.diagnostics
    }

    @Test("an invalid pattern is reported at the offending scalar, with the reason")
    func checkerLocation() throws {
        let plain = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "a(""#)).first)
        #expect(plain.code == "rein.check.invalid-regex")
        #expect(plain.message == "invalid regular expression `a(`: unbalanced `(`: the group is never closed")
        #expect(plain.help == nil)
        let bundle = CheckCase(name: "", source: Self.tool(##"arg s: string matching #"^[a-z]\q$"# = "a""##), expected: []).run()
        let raw = try #require(bundle.result.diagnostics.first)
        #expect(raw.message == #"invalid regular expression `^[a-z]\q$`: unknown escape `\q`"#)
        #expect(bundle.location(raw.span) == "3:34")
        #expect(bundle.text(raw.span) == "\\")
        // A plain string with escapes still maps back to the source.
        let escapedBundle = CheckCase(name: "", source: Self.tool(#"arg s: string matching "\\d\\q""#), expected: []).run()
        let escaped = try #require(escapedBundle.result.diagnostics.first)
        #expect(escapedBundle.location(escaped.span) == "3:30")
        #expect(escaped.help?.contains("raw string") == true)
        // No default is checked against an invalid pattern.
        #expect(bundle.result.diagnostics.count == 1)
    }

    static let checkerCases: [CheckCase] = [
        CheckCase(name: "an invalid pattern points into the literal", source: tool(#"arg s: string matching "a(""#), expected: ["rein.check.invalid-regex@3:28"]),
        CheckCase(
            name: "lookahead is rejected", source: tool(##"arg s: string matching #"^(?!x)[a-z]+$"#"##),
            expected: ["rein.check.invalid-regex@3:29"]),
        CheckCase(
            name: "a multi-line pattern is reported inside the literal too",
            source: "tool t1 {\n  effect read\n  arg s: string matching \"\"\"\n    a(\n    \"\"\"\n}\n",
            expected: ["rein.check.invalid-regex@4:6"]),
        CheckCase(
            name: "the exponential fuzz pattern is decided at once",
            source: tool(#"arg s: string matching "(a*)*b" = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa""#),
            expected: ["rein.check.invalid-default@3:37"]),
        CheckCase(
            name: "the realistic exponential pattern is decided at once",
            source: tool(##"arg s: string matching #"^([a-z0-9]+-?)*$"# = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_""##),
            expected: ["rein.check.invalid-default@3:49"]),
        CheckCase(
            name: "a default that matches the realistic pattern",
            source: tool(##"arg s: string matching #"^([a-z0-9]+-?)*$"# = "aaaa-bbbb""##), expected: []),
    ]

    @Test(arguments: checkerCases)
    func checker(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("the look-alike help for a non-matching default is decided in linear time too")
    func lookalikeHelp() throws {
        let slow = String(repeating: "\u{E9}", count: 40) + "_"
        let plain = try #require(Self.diagnostics(Self.tool("arg s: string matching #\"^([a-z\u{E9}]+-?)*$\"# = \"\(slow)\"")).first)
        #expect(plain.help == "the whole value must match the pattern")
        let decomposed = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^caf\u{E9}$" = "cafe\u{301}""#)).first)
        #expect(decomposed.help?.contains("no Unicode normalisation is applied") == true)
        let composed = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^cafe\u{301}$" = "caf\u{E9}""#)).first)
        #expect(composed.help?.contains("no Unicode normalisation is applied") == true)
        let listed = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^[\u{E9}x]$" = "e\u{301}""#)).first)
        #expect(listed.help?.contains("no Unicode normalisation is applied") == true)
        let dot = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^.{2}$" = "ae\u{301}""#)).first)
        #expect(dot.help?.contains("`.` is one Unicode scalar") == true)
    }
}

/// The ASCII automaton (`withAutomaton()`) is the Pike VM's program determinised: both must
/// answer the same for every value.
@Suite("Linear regex: automaton agrees with the VM")
struct LinearRegexAutomatonTests {
    static let patterns = [
        #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#, #"[a-z][a-z0-9]*"#, #"^(a|ab)(c|bcd)(d*)$"#, #"a*b?c+"#,
        #"x{2,4}y{0,1}"#, #"^$"#, #"(^a|b$)+"#, #"\d{3}-\d{4}"#, #"[^a-c]+"#, #".*\..*"#, #"(a*)*b"#,
        #"^v[0-9]+(\.[0-9]+){0,2}$"#, #"[\w.-]+@contoso\.com"#, #"\s*x\s*"#, #"a|^b|c$"#, #"é+"#,
    ]

    @Test(arguments: patterns)
    func agreesOnRandomValues(_ pattern: String) throws {
        let plain = try LinearRegex(pattern)
        let fast = plain.withAutomaton()
        let alphabet = Array("abcdxy0123-._@é\n \t".unicodeScalars) + Array("contoso.comv9".unicodeScalars)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(pattern.utf8.count)
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2_000 {
            var value = String.UnicodeScalarView()
            for _ in 0..<random(12) { value.append(alphabet[random(alphabet.count)]) }
            let text = String(value)
            #expect(fast.wholeMatch(text) == plain.wholeMatch(text), "`\(pattern)` on \(text.debugDescription)")
        }
    }

    @Test func knownAnswers() throws {
        let label = try LinearRegex(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#).withAutomaton()
        #expect(label.wholeMatch("ledger-worker"))
        #expect(!label.wholeMatch("ledger-worker\n"))
        #expect(!label.wholeMatch("-ledger"))
        #expect(!label.wholeMatch(""))
        #expect(!label.wholeMatch("lédger"))
        let anchors = try LinearRegex(#"^$"#).withAutomaton()
        #expect(anchors.wholeMatch(""))
        #expect(!anchors.wholeMatch("a"))
    }
}
