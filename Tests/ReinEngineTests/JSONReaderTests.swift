import Testing
@testable import ReinEngine

private func parse(_ text: String) -> Result<JSONValue, JSONError> { JSONReader.parse(text) }

private func value(_ text: String) -> JSONValue? {
    if case .success(let v) = JSONReader.parse(text) { return v }
    return nil
}

private func error(_ bytes: [UInt8], maxBytes: Int = JSONReader.defaultMaxBytes) -> JSONError? {
    if case .failure(let e) = JSONReader.parse(bytes, maxBytes: maxBytes) { return e }
    return nil
}

private func obj(_ entries: [(String, JSONValue)]) -> JSONValue {
    .object(JSONObject(entries: entries.map { (key: $0.0, value: $0.1) }))
}

@Suite struct JSONReaderValidTests {
    static let cases: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("-0", .integer(0)),
        ("42", .integer(42)),
        ("-17", .integer(-17)),
        ("5.0", .number("5.0")),
        ("5e0", .number("5e0")),
        ("-1.5E+3", .number("-1.5E+3")),
        ("1E400", .number("1E400")),
        ("0.5e-2", .number("0.5e-2")),
        ("\"\"", .string("")),
        ("\"abc\"", .string("abc")),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u20AC""#, .string("é€")),
        (#""\ud83d\ude00""#, .string("😀")),
        ("\"héllo 😀 日本\"", .string("héllo 😀 日本")),
        ("[]", .array([])),
        ("[1, \"a\", null, [true]]", .array([.integer(1), .string("a"), .null, .array([.bool(true)])])),
        ("{}", obj([])),
        (" \t\r\n{\"a\" : 1 , \"b\":[{}]}\n ", obj([("a", .integer(1)), ("b", .array([obj([])]))])),
        ("{\"z\":1,\"a\":2}", obj([("z", .integer(1)), ("a", .integer(2))])),
    ]

    @Test(arguments: cases)
    func parsesValid(_ input: String, _ expected: JSONValue) {
        #expect(value(input) == expected)
    }

    @Test func objectKeepsInsertionOrder() throws {
        guard case .object(let o) = try #require(value(#"{"z":1,"a":2,"m":3}"#)) else {
            Issue.record("not an object"); return
        }
        #expect(o.keys == ["z", "a", "m"])
        #expect(o["a"] == .integer(2))
        #expect(o["missing"] == nil)
        #expect(!o.hasDuplicateKeys)
    }
}

@Suite struct JSONReaderRejectionTests {
    static let rejected: [(String, String)] = [
        ("trailing comma in array", "[1,2,]"),
        ("trailing comma in object", #"{"a":1,}"#),
        ("single quotes", "'a'"),
        ("single-quoted key", "{'a':1}"),
        ("line comment", "1 // c"),
        ("block comment", "/* c */ 1"),
        ("leading zero", "01"),
        ("negative leading zero", "-01"),
        ("plus sign", "+1"),
        ("bare fraction", ".5"),
        ("trailing dot", "1."),
        ("empty exponent", "1e"),
        ("signed empty exponent", "1e+"),
        ("lone minus", "-"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("unterminated string", "\"abc"),
        ("unterminated array", "[1, 2"),
        ("unterminated object", #"{"a":1"#),
        ("object missing value", #"{"a":}"#),
        ("object missing colon", #"{"a" 1}"#),
        ("unquoted key", "{a:1}"),
        ("raw newline in string", "\"a\nb\""),
        ("raw tab in string", "\"a\tb\""),
        ("raw NUL in string", "\"a\u{0}b\""),
        ("bad escape x", #""\x41""#),
        ("bad escape short u", #""\u12""#),
        ("bad escape non-hex u", #""\u12g4""#),
        ("lone high surrogate", #""\ud800""#),
        ("high surrogate then text", #""\ud800abc""#),
        ("lone low surrogate", #""\udc00""#),
        ("high then high", #""\ud800\ud800""#),
        ("high then non-surrogate", #""\ud800\u0041""#),
        ("two values", "1 2"),
        ("two objects", "{} {}"),
        ("empty input", ""),
        ("only whitespace", "  \n "),
        ("non-JSON whitespace", "\u{A0}1"),
        ("bad literal", "tru"),
        ("capitalised literal", "True"),
        ("missing comma", "[1 2]"),
    ]

    @Test(arguments: rejected)
    func rejects(_ label: String, _ input: String) {
        guard case .failure(let e) = parse(input) else {
            Issue.record("accepted \(label)"); return
        }
        #expect(!e.message.isEmpty)
        #expect(e.message == e.message.lowercased())
        #expect(e.offset >= 0 && e.offset <= input.utf8.count)
    }

    static let invalidUTF8: [[UInt8]] = [
        [0x22, 0xFF, 0x22],                    // never valid
        [0x22, 0xC0, 0xAF, 0x22],              // overlong '/'
        [0x22, 0xE0, 0x80, 0xAF, 0x22],        // overlong 3-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],        // encoded surrogate U+D800
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0xC3, 0x22],                    // truncated sequence
        [0x22, 0x80, 0x22],                    // lone continuation byte
        [0x22, 0xE2, 0x82],                    // truncated at end of input
    ]

    @Test(arguments: invalidUTF8)
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        let e = error(bytes)
        #expect(e != nil)
        #expect(e?.offset == 1)
    }

    @Test func errorOffsets() {
        #expect(error(Array("[1,2,]".utf8))?.offset == 5)
        #expect(error(Array("1 2".utf8)) == JSONError("unexpected content after value", at: 2))
        #expect(error(Array("\"abc".utf8)) == JSONError("unterminated string", at: 0))
        #expect(error(Array(#"{"a":"\ud800"}"#.utf8)) == JSONError("unpaired surrogate", at: 6))
        #expect(error([]) == JSONError("empty input", at: 0))
    }

    /// Strings are scanned eight bytes at a time: a byte that ends the plain run (quote,
    /// backslash, control character, non-ASCII) must be seen at every position of a word, and
    /// the bytes next to the special ones (0x1F/0x20, 0x21/0x23, 0x5B/0x5D, 0x7F/0x80) must not
    /// fool it.
    static let specialBytes: [(UInt8, String?)] = [
        (0x00, "control character in string"), (0x1F, "control character in string"), (0x0A, "control character in string"),
        (0x80, "invalid utf-8"), (0xFF, "invalid utf-8"), (0x20, nil), (0x21, nil), (0x23, nil), (0x5B, nil),
        (0x5D, nil), (0x7F, nil),
    ]

    @Test(arguments: specialBytes)
    func stringScanFindsSpecialBytesAtEveryPosition(_ special: UInt8, _ message: String?) {
        for position in 0..<20 {
            var bytes: [UInt8] = [0x22] + Array(repeating: 0x61, count: 24) + [0x22]
            bytes[1 + position] = special
            if let message {
                #expect(error(bytes) == JSONError(message, at: 1 + position), "position \(position)")
            } else {
                #expect(value(String(decoding: bytes, as: UTF8.self)) != nil, "position \(position)")
            }
            // A quote there ends the string early (the rest is trailing content); a backslash
            // escapes the next byte (`\a` is not an escape).
            bytes[1 + position] = 0x22
            #expect(error(bytes) == JSONError("unexpected content after value", at: 2 + position))
            bytes[1 + position] = 0x5C
            #expect(error(bytes) == JSONError("invalid escape", at: 1 + position))
        }
    }

    static let depths: [(Int, Bool)] = [(1, true), (127, true), (128, true), (129, false), (200, false)]

    @Test(arguments: depths)
    func depthLimit(_ depth: Int, _ ok: Bool) {
        let arrays = Array(repeating: UInt8(ascii: "["), count: depth)
            + Array(repeating: UInt8(ascii: "]"), count: depth)
        let objects = Array(String(repeating: #"{"k":"#, count: depth).utf8) + Array("1".utf8)
            + Array(repeating: UInt8(ascii: "}"), count: depth)
        for input in [arrays, objects] {
            switch JSONReader.parse(input) {
            case .success: #expect(ok)
            case .failure(let e):
                #expect(!ok)
                #expect(e.message == "nesting too deep")
            }
        }
    }

    @Test func hundredThousandOpenBracketsRejectedWithoutCrash() {
        let input = Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(error(input, maxBytes: 1 << 20) == JSONError("nesting too deep", at: 128))
    }

    @Test func sizeLimit() {
        let atLimit = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 98) + Array("\"".utf8)
        #expect(JSONReader.parse(atLimit, maxBytes: 100) == .success(.string(String(repeating: "a", count: 98))))
        let over = Array("\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 99) + Array("\"".utf8)
        #expect(error(over, maxBytes: 100) == JSONError("input too large", at: 100))
        // The default limit is 1 MiB.
        let big = Array(repeating: UInt8(ascii: " "), count: (1 << 20)) + Array("1".utf8)
        #expect(error(big)?.message == "input too large")
    }

    @Test func tenMegabyteStringUnderLargerLimit() {
        let n = 10_000_000
        var input: [UInt8] = [0x22]
        input.reserveCapacity(n + 2)
        input.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: n))
        input.append(0x22)
        guard case .success(.string(let s)) = JSONReader.parse(input, maxBytes: 16 << 20) else {
            Issue.record("10 MB string did not parse"); return
        }
        #expect(s.utf8.count == n)
    }
}

@Suite struct JSONReaderNumberTests {
    static let cases: [(String, JSONValue)] = [
        ("9223372036854775807", .integer(Int64.max)),
        ("-9223372036854775808", .integer(Int64.min)),
        ("9223372036854775808", .number("9223372036854775808")),     // Int64.max + 1
        ("-9223372036854775809", .number("-9223372036854775809")),   // Int64.min - 1
        ("18446744073709551616", .number("18446744073709551616")),
        ("100000000000000000000000000000", .number("100000000000000000000000000000")),
        ("5", .integer(5)),
        ("5.0", .number("5.0")),
        ("5e0", .number("5e0")),
        ("5E0", .number("5E0")),
        ("-0", .integer(0)),          // decided: -0 is an integer literal, value 0
        ("-0.0", .number("-0.0")),
        ("1E400", .number("1E400")),
        ("[9223372036854775807,-9223372036854775808]", .array([.integer(.max), .integer(.min)])),
    ]

    @Test(arguments: cases)
    func classifies(_ input: String, _ expected: JSONValue) {
        #expect(value(input) == expected)
    }

    @Test func integerAndNumberAreDistinct() {
        #expect(JSONValue.integer(5) != .number("5.0"))
        #expect(JSONValue.number("5.0") != .number("5e0"))
    }
}

@Suite struct JSONReaderDuplicateKeyTests {
    @Test func topLevelDuplicatesRecordedNotRejected() throws {
        guard case .object(let o) = try #require(value(#"{"a":1,"b":2,"a":3,"b":4,"a":5,"c":6}"#)) else {
            Issue.record("not an object"); return
        }
        #expect(o.duplicateKeys == ["a", "b"])
        #expect(o.entries.count == 6)
        #expect(o["a"] == .integer(1))
        #expect(o.values(forKey: "a") == [.integer(1), .integer(3), .integer(5)])
    }

    @Test func nestedDuplicatesRecordedOnTheirOwnObject() throws {
        let input = #"{"tool":"t","args":{"replicas":3,"replicas":4},"context":{"x":{"y":1,"y":2}}}"#
        guard case .object(let top) = try #require(value(input)) else {
            Issue.record("not an object"); return
        }
        #expect(top.duplicateKeys.isEmpty)
        guard case .object(let args) = top["args"] else { Issue.record("args"); return }
        #expect(args.duplicateKeys == ["replicas"])
        guard case .object(let context) = top["context"], case .object(let x) = context["x"] else {
            Issue.record("context"); return
        }
        #expect(context.duplicateKeys.isEmpty)
        #expect(x.duplicateKeys == ["y"])
    }

    @Test func duplicatesInsideArrays() throws {
        guard case .array(let items) = try #require(value(#"[{"k":1,"k":1}]"#)),
              case .object(let o) = items.first else {
            Issue.record("shape"); return
        }
        #expect(o.duplicateKeys == ["k"])
    }

    static let distinctKeyPairs: [(String, String)] = [
        (#"{"é":1,"e\u0301":2}"#, "precomposed vs combining (escaped)"),
        ("{\"\u{E9}\":1,\"e\u{301}\":2}", "precomposed vs combining (raw)"),
        ("{\"\u{C5}\":1,\"\u{212B}\":2}", "A-ring vs angstrom sign"),
        (#"{"a":1,"A":2}"#, "case differs"),
    ]

    @Test(arguments: distinctKeyPairs)
    func keysCompareExactly(_ input: String, _ label: String) throws {
        guard case .object(let o) = try #require(value(input)) else {
            Issue.record("not an object: \(label)"); return
        }
        #expect(o.duplicateKeys.isEmpty, "\(label)")
        #expect(o.entries.count == 2)
    }

    @Test func exactLookup() throws {
        guard case .object(let o) = try #require(value(#"{"é":1,"e\u0301":2}"#)) else {
            Issue.record("not an object"); return
        }
        #expect(o["\u{E9}"] == .integer(1))
        #expect(o["e\u{301}"] == .integer(2))
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
    }

    @Test func escapedAndRawSameKeyAreDuplicates() throws {
        guard case .object(let o) = try #require(value(#"{"a":1,"\u0061":2}"#)) else {
            Issue.record("not an object"); return
        }
        #expect(o.duplicateKeys == ["a"])
    }
}
