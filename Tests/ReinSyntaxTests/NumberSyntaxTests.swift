import Testing
import ReinSyntax

/// The one number and duration parser, shared by the lexer and the evaluator.
@Suite struct NumberSyntaxTests {
    @Test(arguments: [
        ("0", UInt64(0)), ("1_000", 1_000), ("007", 7), ("18446744073709551615", UInt64.max),
    ])
    func digits(_ text: String, _ value: UInt64) {
        #expect(NumberSyntax.digits(text.utf8.span) == .success(value))
    }

    @Test(arguments: [
        ("", NumberSyntax.Failure.malformedNumber), ("_1", .malformedNumber), ("1_", .malformedNumber),
        ("1__0", .malformedNumber), ("1a", .malformedNumber), ("18446744073709551616", .outOfRange),
    ])
    func badDigits(_ text: String, _ failure: NumberSyntax.Failure) {
        #expect(NumberSyntax.digits(text.utf8.span) == .failure(failure))
    }

    @Test(arguments: [
        ("90s", Int64(90)), ("15m", 900), ("1h30m", 5_400), ("2d", 172_800), ("1d2h3m4s", 93_784),
        ("1_000s", 1_000), ("005m", 300), ("0s", 0), ("9223372036854775807s", Int64.max),
    ])
    func durations(_ text: String, _ seconds: Int64) {
        #expect(NumberSyntax.duration(text.utf8.span) == .success(seconds))
    }

    @Test(arguments: [
        ("", NumberSyntax.Failure.malformedNumber), ("m", .malformedNumber), ("15", .missingUnit),
        ("1h30", .missingUnit), ("5min", .unknownUnit("min")), ("1hr", .unknownUnit("hr")),
        ("PT5M", .malformedNumber), ("5分", .unknownUnit("分")), ("15m\n", .unknownUnit("m\n")),
        ("30m1h", .unitOrder), ("1m1m", .unitOrder), ("1_m", .malformedNumber),
        ("9223372036854775808s", .outOfRange), ("106751991167301d", .outOfRange),
        ("1d9223372036854775807s", .outOfRange),
        // The shape is judged before the range: malformed wins.
        ("99999999999999999999s1x", .unknownUnit("x")),
    ])
    func badDurations(_ text: String, _ failure: NumberSyntax.Failure) {
        #expect(NumberSyntax.duration(text.utf8.span) == .failure(failure))
    }
}
