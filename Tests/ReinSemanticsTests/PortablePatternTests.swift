import Foundation
import ReinSemantics
import Testing

/// Rein's `matching` patterns rewritten for JSON Schema: the rewriting is as expected, and an
/// independent engine (ICU, through NSRegularExpression) reading the rewritten pattern accepts
/// exactly the values Rein's own engine accepts.
@Suite("Portable patterns")
struct PortablePatternTests {
    @Test(arguments: [
        (#"^[a-z][a-z0-9]*$"#, #"^(?:^[a-z][0-9a-z]*(?![\s\S]))(?![\s\S])"#),
        (#"abc"#, #"^(?:abc)(?![\s\S])"#),
        (#"a|b|"#, #"^(?:a|b|)(?![\s\S])"#),
        (#"x(?:ab|c)+y"#, #"^(?:x(?:ab|c)+y)(?![\s\S])"#),
        (#"\d{2,4}\w?\s*"#, #"^(?:[0-9]{2,4}[0-9A-Z_a-z]?[\u0009-\u000D ]*)(?![\s\S])"#),
        (#"\Aa.b\z"#, #"^(?:^a[^\n]b(?![\s\S]))(?![\s\S])"#),
        (#"(?<year>\d{4})-\d{2}"#, #"^(?:[0-9]{4}-[0-9]{2})(?![\s\S])"#),
        (#"a*?b++c{3}"#, #"^(?:a*b+c{3})(?![\s\S])"#),
        (#"[^\s]x\."#, #"^(?:[^\u0009-\u000D ]x\.)(?![\s\S])"#),
        (#"\u{E9}\x{1F600}/"#, "^(?:\\u00E9\u{1F600}\\/)(?![\\s\\S])"),
        (#"[\-a]"#, #"^(?:[\-a])(?![\s\S])"#),
    ])
    func patternsAreRewritten(_ pattern: String, _ expected: String) {
        #expect(LinearRegex.portablePattern(pattern) == expected)
    }

    @Test func aPatternOutsideTheDialectHasNone() {
        #expect(LinearRegex.portablePattern(#"(?=a)"#) == nil)
        #expect(LinearRegex.portablePattern(#"a**"#) == nil)
    }

    static let patterns = [
        #"^[a-z][a-z0-9]*$"#, #"[a-z0-9-]{1,12}"#, #"(?:ab|c)+"#, #"\d+(\.\d+)?"#, #"[^/]+/[^/]+"#, #".*"#, #"a.c"#,
        #"[\w.-]+@contoso\.com"#, #"(a|)b?"#, #"é+"#, #"x{2}y{1,}z{0,2}"#, #"[^a-c]"#, #"\s*\S+"#,
    ]
    static let values = [
        "", "a", "ab", "abc", "a1", "1a", "aaaa", "node-pool", "12.5", "12.", "a/b", "a/b/c", "a\nc", "abc\n", "a.c", "x.y@contoso.com",
        "A@contoso.com", "b", "éé", "e\u{301}", "xxyz", "xxyyzzz", "d", "  x", " ", "\t", "ab-12_", "pool1", "POOL",
    ]

    @Test(arguments: patterns)
    func anotherEngineAgreesOnTheRewrittenPattern(_ pattern: String) throws {
        let rein = try LinearRegex(pattern)
        let portable = try #require(LinearRegex.portablePattern(pattern))
        let icu = try NSRegularExpression(pattern: portable)
        for value in Self.values {
            let whole = NSRange(value.startIndex..., in: value)
            let matched = icu.firstMatch(in: value, range: whole) != nil
            #expect(matched == rein.wholeMatch(value), "\(pattern) → \(portable) on \(value.debugDescription)")
        }
    }
}
