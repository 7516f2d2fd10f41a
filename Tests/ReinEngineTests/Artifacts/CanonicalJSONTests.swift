import Testing
@testable import ReinEngine

@Suite("Canonical JSON (RFC 8785)")
struct CanonicalJSONTests {
    /// RFC 8785 appendix B: IEEE 754 bit patterns and ECMAScript's writing of them.
    static let numbers: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"), (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"), (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"), (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"), (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"), (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"), (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"), (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"), (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ]

    @Test(arguments: numbers)
    func numbersAsECMAScriptWritesThem(_ bits: UInt64, _ expected: String) {
        #expect(CanonicalJSON.ecmaScript(Double(bitPattern: bits)) == expected)
    }

    @Test func notFiniteHasNoCanonicalForm() {
        #expect(CanonicalJSON.ecmaScript(.nan) == nil)
        #expect(CanonicalJSON.ecmaScript(.infinity) == nil)
        #expect(CanonicalJSON.encode(.number("1e400")) == nil)
    }

    private func canonical(_ value: JSONValue) -> String? {
        CanonicalJSON.encode(value).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func numberLiteralsAreRewritten() {
        #expect(canonical(.number("1.50")) == "1.5")
        #expect(canonical(.number("1E2")) == "100")
        #expect(canonical(.number("-0.0")) == "0")
        #expect(canonical(.integer(-42)) == "-42")
    }

    @Test func integersADoubleCannotHoldExactlyFail() {
        #expect(canonical(.integer(1 << 53)) == "9007199254740992")
        #expect(canonical(.integer(-(1 << 53))) == "-9007199254740992")
        #expect(canonical(.integer((1 << 53) + 1)) == nil)
        #expect(canonical(.integer(Int64.min)) == nil)
        // An integer already written as its double is: no other integer writes the same.
        #expect(canonical(.integer(150_000_000_000_000_000)) == "150000000000000000")
        #expect(canonical(.integer(-9_223_372_036_854_775_807)) == nil)
    }

    /// Canonical JSON read back is canonical, and the same (a fuzzing find: a fraction beyond
    /// 2⁵³ was written as an integer the encoder then refused, so an audit log holding one
    /// failed `rein audit verify`).
    @Test(arguments: ["9007199254740993.5", "1.5e17", "-9.2e18", "1e20", "123456789012345678.9", "5e-324"])
    func canonicalOutputIsAFixedPoint(_ number: String) throws {
        let written = try #require(CanonicalJSON.encode(.number(number)))
        let reread = try JSONReader.parse(written).get()
        #expect(CanonicalJSON.encode(reread) == written, "\(number) → \(String(decoding: written, as: UTF8.self))")
    }

    /// The audit log keeps every entry: a number without a canonical form is written as a
    /// string of its digits (a fuzzing find: the entry used to be left out of the chain).
    @Test func theAuditFormKeepsNumbersWithoutACanonicalForm() {
        let value = JSONValue.object(JSONObject(entries: [
            ("big", .integer(9_007_199_254_740_993)), ("huge", .number("1e400")), ("list", .array([.integer(3)])),
        ]))
        #expect(canonical(value) == nil)
        let kept = CanonicalJSON.encodeKeepingNumbers(value).map { String(decoding: $0, as: UTF8.self) }
        #expect(kept == #"{"big":"9007199254740993","huge":"1e400","list":[3]}"#)
        let duplicate = JSONValue.object(JSONObject(entries: [("a", .integer(1)), ("a", .integer(2))]))
        #expect(CanonicalJSON.encodeKeepingNumbers(duplicate) == nil)
    }

    @Test func membersSortByUTF16CodeUnits() throws {
        // UTF-8 byte order would put U+FB01 (EF AC 81) before U+1F600 (F0 9F 98 80); UTF-16 puts
        // the surrogate pair (D83D …) first.
        let object = JSONValue.object(JSONObject(entries: [
            ("\u{FB01}", .integer(3)), ("b", .integer(2)), ("\u{1F600}", .integer(4)), ("a", .null), ("é", .bool(true)),
        ]))
        #expect(canonical(object) == "{\"a\":null,\"b\":2,\"é\":true,\"\u{1F600}\":4,\"\u{FB01}\":3}")
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() {
        let text = "q\"b\\\u{8}\u{C}\n\r\t\u{1}\u{1F}/\u{7F}\u{2028}é"
        #expect(canonical(.string(text)) == #""q\"b\\\b\f\n\r\t\u0001\u001f/"# + "\u{7F}\u{2028}é\"")
    }

    @Test func noWhitespaceAndNestedValues() {
        let value = JSONValue.array([
            .object(JSONObject(entries: [("z", .array([])), ("y", .object(JSONObject(entries: []))), ("x", .string(""))])),
            .bool(false),
        ])
        #expect(canonical(value) == #"[{"x":"","y":{},"z":[]},false]"#)
    }

    @Test func duplicateKeysAndDepthFail() {
        #expect(canonical(.object(JSONObject(entries: [("a", .null), ("a", .null)]))) == nil)
        var deep = JSONValue.null
        for _ in 0...CanonicalJSON.maxDepth { deep = .array([deep]) }
        #expect(canonical(deep) == nil)
        #expect(canonical(.array([deep])) == nil)
    }
}
