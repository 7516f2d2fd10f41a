import Testing
@testable import ReinEngine

private func decode(_ line: String, lineNumber: Int = 7) -> Result<Proposal, MalformedProposal> {
    ProposalDecoder.decode(line: Array(line.utf8), lineNumber: lineNumber)
}

private func proposal(_ line: String, lineNumber: Int = 7) -> Proposal? {
    if case .success(let p) = decode(line, lineNumber: lineNumber) { return p }
    return nil
}

private func failure(_ line: String, lineNumber: Int = 7) -> MalformedProposal? {
    if case .failure(let e) = decode(line, lineNumber: lineNumber) { return e }
    return nil
}

private let minimal = #"{"tool":"t","args":{}}"#

/// `{"tool":"t","args":{},<extra>}`
private func with(_ extra: String) -> String { #"{"tool":"t","args":{},"# + extra + "}" }

@Suite struct ProposalDecoderValidTests {
    @Test func minimalProposalGetsDefaults() throws {
        let p = try #require(proposal(minimal, lineNumber: 12))
        #expect(p.id == "12")
        #expect(p.runbook == nil)
        #expect(p.kind == nil)
        #expect(p.tool == "t")
        #expect(p.args == JSONObject(entries: []))
        #expect(p.thought == nil)
        #expect(p.context == nil)
        #expect(p.session == SessionState(iteration: 0, denials: 0, tools: []))
        #expect(p.alert == nil)
        #expect(p.at == nil)
    }

    @Test func specExample() throws {
        let line = #"{"id":"p-7","runbook":"aks_node_memory_pressure","kind":"remediation","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger-worker","replicas":3},"thought":"frees the pool","context":{"environment":"prod"},"session":{"iteration":4,"denials":0},"alert":{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"severity":"Sev1"}}},"at":"2026-05-09T02:48:40Z"}"#
        let p = try #require(proposal(line))
        #expect(p.id == "p-7")
        #expect(p.runbook == "aks_node_memory_pressure")
        #expect(p.kind == .remediation)
        #expect(p.tool == "scale_deployment")
        #expect(p.args["replicas"] == .integer(3))
        #expect(p.args.keys == ["namespace", "deployment", "replicas"])
        #expect(p.thought == "frees the pool")
        #expect(p.context?["environment"] == .string("prod"))
        #expect(p.session == SessionState(iteration: 4, denials: 0))
        #expect(p.alert?["schemaId"] == .string("azureMonitorCommonAlertSchema"))
        #expect(p.at?.rfc3339 == "2026-05-09T02:48:40Z")
    }

    @Test(arguments: [
        ("tool_call", ProposalKind.toolCall),
        ("remediation", ProposalKind.remediation),
    ])
    func kinds(text: String, kind: ProposalKind) throws {
        #expect(proposal(with(#""kind":"\#(text)""#))?.kind == kind)
    }

    static let sessions: [(String, SessionState)] = [
        (#"{}"#, SessionState()),
        (#"{"iteration":3}"#, SessionState(iteration: 3)),
        (#"{"denials":2}"#, SessionState(denials: 2)),
        (#"{"tools":[]}"#, SessionState()),
        (#"{"tools":["a","b"]}"#, SessionState(tools: ["a", "b"])),
        (#"{"iteration":0,"denials":0,"tools":["x"]}"#, SessionState(tools: ["x"])),
        (#"{"tools":["x"],"iteration":9223372036854775807}"#, SessionState(iteration: .max, tools: ["x"])),
        (#"{"iteration":-0}"#, SessionState()),
    ]

    @Test(arguments: sessions)
    func session(text: String, expected: SessionState) throws {
        #expect(proposal(with(#""session":"# + text))?.session == expected)
    }

    @Test func duplicatesInsideArgsAreKeptNotMalformed() throws {
        let p = try #require(proposal(#"{"tool":"t","args":{"a":1,"a":2,"b":{"x":1,"x":2}}}"#))
        #expect(p.args.duplicateKeys == ["a"])
        #expect(p.args.values(forKey: "a") == [.integer(1), .integer(2)])
        guard case .object(let inner) = p.args["b"] else { Issue.record("b not an object"); return }
        #expect(inner.duplicateKeys == ["x"])
    }

    @Test func duplicatesInsideContextAreKeptNotMalformed() throws {
        let p = try #require(proposal(with(#""context":{"env":"prod","env":"dev","n":{"k":1,"k":1}}"#)))
        #expect(p.context?.duplicateKeys == ["env"])
        guard case .object(let inner) = p.context?["n"] else { Issue.record("n not an object"); return }
        #expect(inner.duplicateKeys == ["k"])
    }

    @Test func contextMayHoldAnyValues() throws {
        let p = try #require(proposal(with(#""context":{"a":null,"b":1.5,"c":[1,"x"]}"#)))
        #expect(p.context?["a"] == .null)
        #expect(p.context?["b"] == .number("1.5"))
    }

    @Test func alertMayHoldAnyKeys() throws {
        let p = try #require(proposal(with(#""alert":{"anything":null,"deep":{"x":[{"y":1}]}}"#)))
        #expect(p.alert?.keys == ["anything", "deep"])
    }

    @Test func emptyStringsAreStrings() throws {
        let p = try #require(proposal(#"{"id":"","tool":"","args":{},"runbook":"","thought":""}"#))
        #expect(p.id == "")
        #expect(p.tool == "")
        #expect(p.runbook == "")
        #expect(p.thought == "")
    }

    @Test func keyOrderDoesNotMatterAndWhitespaceIsAllowed() throws {
        let p = try #require(proposal(" \t{ \"args\" : {\"n\":1} , \"tool\" : \"t\" , \"id\":\"x\" }\r"))
        #expect(p.id == "x")
        #expect(p.tool == "t")
        #expect(p.args["n"] == .integer(1))
    }

    @Test func decodeFromValue() throws {
        let value = try JSONReader.parse(#"{"id":"v","tool":"t","args":{}}"#).get()
        let p = try ProposalDecoder.decode(value, lineNumber: 1).get()
        #expect(p.id == "v")
        #expect(ProposalDecoder.decode(.array([]), lineNumber: 3)
            == .failure(MalformedProposal(id: "3", message: "a proposal must be a json object")))
    }

    @Test func validSurrogatePairIsFine() throws {
        let p = try #require(proposal(#"{"tool":"t","args":{"s":"\ud83d\ude00"}}"#))
        #expect(p.args["s"] == .string("😀"))
    }
}

@Suite struct ProposalDecoderMalformedTests {
    /// (line, expected message) — each line is malformed and its id is the line number (7) unless
    /// it carries a readable `id`.
    static let cases: [(String, String)] = [
        // Not one JSON object / not valid JSON.
        ("", "blank line"),
        ("   ", "blank line"),
        ("\t\r", "blank line"),
        ("[]", "a proposal must be a json object"),
        ("null", "a proposal must be a json object"),
        (#""tool""#, "a proposal must be a json object"),
        ("42", "a proposal must be a json object"),
        (#"[{"tool":"t","args":{}}]"#, "a proposal must be a json object"),
        (#"{"tool":"t","args":{}} {"tool":"t","args":{}}"#, "invalid json: unexpected content after value at byte 23"),
        (#"{"tool":"t","args":{},}"#, "invalid json: expected string key at byte 22"),
        ("{", "invalid json: unterminated object at byte 0"),
        ("not json", "invalid json: invalid literal at byte 0"),
        // Duplicate / unknown top-level keys.
        (#"{"tool":"t","tool":"t","args":{}}"#, "duplicate top-level key `tool`"),
        (#"{"tool":"t","args":{},"args":{}}"#, "duplicate top-level key `args`"),
        (#"{"tool":"t","args":{},"at":"2026-05-09T02:48:40Z","at":"2026-05-09T02:48:40Z"}"#, "duplicate top-level key `at`"),
        (with(#""extra":1"#), "unknown top-level key `extra`"),
        (with(#""Tool":"t""#), "unknown top-level key `Tool`"),
        (with(#""remediate":"t""#), "unknown top-level key `remediate`"),
        (with(#""a\nb":1"#), #"unknown top-level key `a\u000ab`"#),
        (with(#""a`b":1"#), #"unknown top-level key `a\u0060b`"#),
        // Required keys.
        (#"{"args":{}}"#, "missing required key `tool`"),
        (#"{"tool":"t"}"#, "missing required key `args`"),
        ("{}", "missing required key `tool`"),
        // Null is the wrong shape for every top-level key.
        (#"{"tool":null,"args":{}}"#, "`tool` must be a string"),
        (#"{"tool":"t","args":null}"#, "`args` must be an object"),
        (with(#""id":null"#), "`id` must be a string"),
        (with(#""runbook":null"#), "`runbook` must be a string"),
        (with(#""kind":null"#), "`kind` must be `tool_call` or `remediation`"),
        (with(#""thought":null"#), "`thought` must be a string"),
        (with(#""context":null"#), "`context` must be an object"),
        (with(#""session":null"#), "`session` must be an object"),
        (with(#""alert":null"#), "`alert` must be an object"),
        (with(#""at":null"#), "`at` must be a string"),
        // Wrong types.
        (with(#""id":7"#), "`id` must be a string"),
        (with(#""runbook":["r"]"#), "`runbook` must be a string"),
        (with(#""thought":true"#), "`thought` must be a string"),
        (with(#""at":1778294920"#), "`at` must be a string"),
        (#"{"tool":1,"args":{}}"#, "`tool` must be a string"),
        (#"{"tool":["t"],"args":{}}"#, "`tool` must be a string"),
        (#"{"tool":"t","args":[]}"#, "`args` must be an object"),
        (#"{"tool":"t","args":"a=1"}"#, "`args` must be an object"),
        (with(#""context":[]"#), "`context` must be an object"),
        (with(#""context":"prod""#), "`context` must be an object"),
        (with(#""alert":[]"#), "`alert` must be an object"),
        (with(#""alert":"x""#), "`alert` must be an object"),
        // kind.
        (with(#""kind":"tool""#), "`kind` must be `tool_call` or `remediation`"),
        (with(#""kind":"Remediation""#), "`kind` must be `tool_call` or `remediation`"),
        (with(#""kind":"toolCall""#), "`kind` must be `tool_call` or `remediation`"),
        (with(#""kind":"""#), "`kind` must be `tool_call` or `remediation`"),
        (with(#""kind":1"#), "`kind` must be `tool_call` or `remediation`"),
        // session.
        (with(#""session":[]"#), "`session` must be an object"),
        (with(#""session":4"#), "`session` must be an object"),
        (with(#""session":{"iteration":1,"iteration":1}"#), "duplicate key `iteration` in `session`"),
        (with(#""session":{"tools":[],"tools":[]}"#), "duplicate key `tools` in `session`"),
        (with(#""session":{"turn":1}"#), "unknown key `turn` in `session`"),
        (with(#""session":{"iteration":-1}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"iteration":1.0}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"iteration":1e0}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"iteration":9223372036854775808}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"iteration":"1"}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"iteration":null}"#), "`session.iteration` must be an integer >= 0"),
        (with(#""session":{"denials":-5}"#), "`session.denials` must be an integer >= 0"),
        (with(#""session":{"denials":0.5}"#), "`session.denials` must be an integer >= 0"),
        (with(#""session":{"denials":true}"#), "`session.denials` must be an integer >= 0"),
        (with(#""session":{"tools":"a"}"#), "`session.tools` must be an array of strings"),
        (with(#""session":{"tools":["a",1]}"#), "`session.tools` must be an array of strings"),
        (with(#""session":{"tools":[null]}"#), "`session.tools` must be an array of strings"),
        (with(#""session":{"tools":null}"#), "`session.tools` must be an array of strings"),
        // alert: strict JSON inside.
        (with(#""alert":{"a":1,"a":2}"#), "duplicate key `a` in `alert`"),
        (with(#""alert":{"data":{"essentials":{"severity":"Sev1","severity":"Sev2"}}}"#), "duplicate key `severity` in `alert`"),
        (with(#""alert":{"list":[{"k":1,"k":1}]}"#), "duplicate key `k` in `alert`"),
        // at.
        (with(#""at":"2026-05-09""#), "`at` must be an rfc 3339 timestamp, not `2026-05-09`"),
        (with(#""at":"2026-02-29T00:00:00Z""#), "`at` must be an rfc 3339 timestamp, not `2026-02-29T00:00:00Z`"),
        (with(#""at":"""#), "`at` must be an rfc 3339 timestamp, not ``"),
        // Unpaired surrogates anywhere.
        (#"{"tool":"t","args":{"s":"\ud800"}}"#, "invalid json: unpaired surrogate at byte 25"),
        (with(#""context":{"s":"\udc00"}"#), "invalid json: unpaired surrogate at byte 37"),
        (with(#""alert":{"\ud83d":1}"#), "invalid json: unpaired surrogate at byte 32"),
        (#"{"id":"\ud800","tool":"t","args":{}}"#, "invalid json: unpaired surrogate at byte 7"),
    ]

    @Test(arguments: cases)
    func malformed(line: String, message: String) throws {
        let e = try #require(failure(line))
        // Surrogate/reader offsets may differ by reader detail: compare message up to " at byte".
        if message.hasPrefix("invalid json: unpaired surrogate") {
            #expect(e.message.hasPrefix("invalid json: "))
            #expect(e.message.contains("surrogate"))
        } else {
            #expect(e.message == message)
        }
        #expect(e.id == "7")
        #expect(!e.message.contains("\n"))
        #expect(e.message == e.message.lowercased() || e.message.contains("`"))
    }

    @Test func lineOverOneMiBIsMalformed() throws {
        let args = String(repeating: "x", count: (1 << 20) - 28)
        let exact = #"{"tool":"t","args":{"a":""# + args + #""}}"#
        #expect(exact.utf8.count == 1 << 20)
        #expect(proposal(exact) != nil)
        let over = #"{"tool":"t","args":{"a":""# + args + #"x"}}"#
        #expect(failure(over, lineNumber: 3) == MalformedProposal(id: "3", message: "line is longer than 1048576 bytes"))
    }

    @Test func nestingTooDeepIsMalformed() throws {
        let line = #"{"tool":"t","args":{"a":"# + String(repeating: "[", count: 200)
            + String(repeating: "]", count: 200) + "}}"
        let e = try #require(failure(line))
        #expect(e.message.hasPrefix("invalid json: nesting too deep"))
    }

    @Test func longUserTextIsTruncated() throws {
        let key = String(repeating: "k", count: 100)
        let e = try #require(failure(with("\"\(key)\":1")))
        #expect(e.message == "unknown top-level key `" + String(repeating: "k", count: 64) + "…`")
    }

    @Test func firstFailureWinsInFixedOrder() throws {
        // Duplicates before unknown keys before shapes before missing keys.
        #expect(failure(#"{"x":1,"tool":1,"tool":1}"#)?.message == "duplicate top-level key `tool`")
        #expect(failure(#"{"tool":1,"x":1}"#)?.message == "unknown top-level key `x`")
        #expect(failure(#"{"at":"bad","kind":"k"}"#)?.message == "`kind` must be `tool_call` or `remediation`")
        #expect(failure(#"{"at":"bad"}"#)?.message == "`at` must be an rfc 3339 timestamp, not `bad`")
    }
}

@Suite struct MalformedProposalIDTests {
    static let cases: [(String, String)] = [
        // A readable string `id` is used whatever else is wrong.
        (#"{"id":"p-1","tool":1,"args":{}}"#, "p-1"),
        (#"{"id":"p-2","tool":"t"}"#, "p-2"),
        (#"{"id":"p-3","tool":"t","args":{},"bogus":1}"#, "p-3"),
        (#"{"id":"p-4","tool":"t","tool":"u","args":{}}"#, "p-4"),
        (#"{"tool":"t","args":{},"kind":"x","id":"p-5"}"#, "p-5"),
        (#"{"id":"","tool":1,"args":{}}"#, ""),
        // Otherwise the line number.
        (#"{"id":5,"tool":"t","args":{}}"#, "42"),
        (#"{"id":null,"tool":"t","args":{}}"#, "42"),
        (#"{"id":"a","id":"a","tool":"t","args":{}}"#, "42"),
        (#"{"id":"p-6","tool":"t","args":{}"#, "42"),
        (#"{"id":"p-7","tool":"t","args":{},"thought":"\udead"}"#, "42"),
        (#"[{"id":"p-8"}]"#, "42"),
        (#"{"args":{},"session":{"id":"p-9"}}"#, "42"),
        ("", "42"),
    ]

    @Test(arguments: cases)
    func malformedID(line: String, id: String) throws {
        let e = try #require(failure(line, lineNumber: 42))
        #expect(e.id == id)
    }

    @Test func validProposalIDDefaultsToLineNumber() throws {
        #expect(proposal(minimal, lineNumber: 1)?.id == "1")
        #expect(proposal(minimal, lineNumber: 1000)?.id == "1000")
        #expect(proposal(with(#""id":"given""#), lineNumber: 1)?.id == "given")
    }
}

@Suite struct TimestampTests {
    /// (RFC 3339 input, UTC rendering, seconds, nanoseconds)
    static let valid: [(String, String, Int64, Int32)] = [
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 0, 0),
        ("2026-05-09T02:48:40Z", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09t02:48:40z", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09T04:48:40+02:00", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-08T21:18:40-05:30", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09T02:48:40-00:00", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09T02:48:40+00:00", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09T02:48:40.5Z", "2026-05-09T02:48:40.5Z", 1_778_294_920, 500_000_000),
        ("2026-05-09T02:48:40.500Z", "2026-05-09T02:48:40.5Z", 1_778_294_920, 500_000_000),
        ("2026-05-09T02:48:40.000Z", "2026-05-09T02:48:40Z", 1_778_294_920, 0),
        ("2026-05-09T02:48:40.123456789Z", "2026-05-09T02:48:40.123456789Z", 1_778_294_920, 123_456_789),
        ("2026-05-09T02:48:40.000000001+01:00", "2026-05-09T01:48:40.000000001Z", 1_778_291_320, 1),
        ("1969-12-31T23:59:59.9Z", "1969-12-31T23:59:59.9Z", -1, 900_000_000),
        ("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z", 1_709_208_000, 0),
        ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z", 951_782_400, 0),
        ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z", 1_798_763_400, 0),
        ("2027-01-01T00:30:00+01:00", "2026-12-31T23:30:00Z", 1_798_759_800, 0),
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", -62_167_219_200, 0),
        ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z", 253_402_300_799, 999_999_999),
        ("2026-05-09T23:59:59+23:59", "2026-05-09T00:00:59Z", 1_778_284_859, 0),
    ]

    @Test(arguments: valid)
    func parsesAndFormats(text: String, utc: String, seconds: Int64, nanos: Int32) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.seconds == seconds)
        #expect(t.nanoseconds == nanos)
        #expect(t.rfc3339 == utc)
        #expect(Timestamp(rfc3339: utc) == t)
    }

    static let invalid: [String] = [
        "",
        "2026-05-09",
        "02:48:40Z",
        "2026-05-09T02:48:40",          // no offset
        "2026-05-09 02:48:40Z",         // space separator
        "2026-05-09T02:48Z",            // no seconds
        "2026-5-09T02:48:40Z",
        "2026-05-9T02:48:40Z",
        "26-05-09T02:48:40Z",
        "+2026-05-09T02:48:40Z",
        "2026-00-09T02:48:40Z",
        "2026-13-09T02:48:40Z",
        "2026-05-00T02:48:40Z",
        "2026-05-32T02:48:40Z",
        "2026-04-31T02:48:40Z",
        "2026-02-29T02:48:40Z",         // 2026 is not a leap year
        "1900-02-29T02:48:40Z",         // divisible by 100, not by 400
        "2026-05-09T24:00:00Z",
        "2026-05-09T02:60:40Z",
        "2026-05-09T02:48:60Z",         // leap second: rejected by decision
        "2016-12-31T23:59:60Z",         // even a real one
        "2026-05-09T02:48:61Z",
        "2026-05-09T02:48:40.Z",
        "2026-05-09T02:48:40.1234567890Z",  // more than 9 fraction digits
        "2026-05-09T02:48:40,5Z",
        "2026-05-09T02:48:40+0200",
        "2026-05-09T02:48:40+02",
        "2026-05-09T02:48:40+24:00",
        "2026-05-09T02:48:40+02:60",
        "2026-05-09T02:48:40ZZ",
        "2026-05-09T02:48:40Z ",
        " 2026-05-09T02:48:40Z",
        "2026-05-09T02:48:40UTC",
        "2026-05-09X02:48:40Z",
        "２０２６-05-09T02:48:40Z",      // non-ASCII digits
        "0000-01-01T00:00:00+00:01",    // before year 0000 in UTC
        "9999-12-31T23:59:59-00:01",    // after year 9999 in UTC
    ]

    @Test(arguments: invalid)
    func rejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(failure(with(#""at":"\#(text)""#))?.message.hasPrefix("`at` must be an rfc 3339 timestamp") == true)
    }

    /// (instant, ISO weekday Monday = 1, UTC hour)
    static let weekdays: [(String, Int, Int)] = [
        ("1970-01-01T00:00:00Z", 4, 0),        // Thursday
        ("2026-05-09T02:48:40Z", 6, 2),        // Saturday
        ("2026-05-10T23:59:59Z", 7, 23),       // Sunday
        ("2026-05-11T00:00:00Z", 1, 0),        // Monday
        ("2026-05-11T01:00:00+02:00", 7, 23),  // still Sunday in UTC
        ("2000-01-01T12:00:00Z", 6, 12),       // Saturday
        ("1969-12-31T23:59:59Z", 3, 23),       // Wednesday, negative seconds
        ("1900-01-01T00:00:00Z", 1, 0),        // Monday
        ("2024-02-29T08:15:00Z", 4, 8),        // Thursday
        ("0001-01-01T00:00:00Z", 1, 0),        // Monday (proleptic Gregorian)
    ]

    @Test(arguments: weekdays)
    func weekdayAndHour(text: String, weekday: Int, hour: Int) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.weekday == weekday)
        #expect(t.hour == hour)
    }

    @Test func ordering() throws {
        let a = try #require(Timestamp(rfc3339: "2026-05-09T02:48:40Z"))
        let b = try #require(Timestamp(rfc3339: "2026-05-09T02:48:40.000000001Z"))
        let c = try #require(Timestamp(rfc3339: "2026-05-09T04:48:40.5+02:00"))
        #expect(a < b && b < c)
        #expect(Timestamp(rfc3339: "2026-05-09T04:48:40+02:00") == a)
    }

    @Test func civilRoundTripOverManyDays() {
        // Every day from 1899-12-31 to 2101-01-01: formatting and re-parsing agree, weekdays cycle.
        var day: Int64 = -2_524_608_000 / 86_400 - 1
        var previousWeekday = Timestamp(seconds: (day - 1) * 86_400).weekday
        var failures = 0
        while day <= 4_133_980_800 / 86_400 {
            guard let t = Timestamp(seconds: day * 86_400 + 3_661, nanoseconds: 10) else {
                failures += 1
                day += 1
                continue
            }
            if Timestamp(rfc3339: t.rfc3339) != t || t.hour != 1 || t.weekday != previousWeekday % 7 + 1 {
                failures += 1
            }
            previousWeekday = t.weekday
            day += 1
        }
        #expect(failures == 0)
    }

    @Test func fromProposal() throws {
        let p = try #require(proposal(with(#""at":"2026-05-09T04:48:40.250+02:00""#)))
        #expect(p.at == Timestamp(seconds: 1_778_294_920, nanoseconds: 250_000_000))
        #expect(p.at?.rfc3339 == "2026-05-09T02:48:40.25Z")
        #expect(p.at?.description == "2026-05-09T02:48:40.25Z")
    }
}
