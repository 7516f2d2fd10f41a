import ReinSemantics
import ReinSyntax
import Testing

/// Args and context keys: constraints and defaults.
@Suite("Args and context keys")
struct ArgRuleTests {
    /// A read tool `t1` with one arg line (the arg's line is line 3).
    static func tool(_ argLine: String) -> String { "tool t1 {\n  effect read\n  \(argLine)\n}\n" }

    static let longString = String(repeating: "a", count: 1025)

    static let cases: [CheckCase] = [
        CheckCase(name: "empty int range", source: tool("arg n: int in 10..1"), expected: ["rein.check.empty-range@3:17"]),
        CheckCase(name: "empty len range", source: tool("arg s: string len 5..1"), expected: ["rein.check.empty-range@3:21"]),
        CheckCase(name: "in on a string", source: tool("arg s: string in 1..5"), expected: ["rein.check.constraint-not-allowed@3:20"]),
        CheckCase(name: "len on an int", source: tool("arg n: int len 1..5"), expected: ["rein.check.constraint-not-allowed@3:18"]),
        CheckCase(name: "len on a namespace", source: tool("arg n: namespace len 1..5"), expected: ["rein.check.constraint-not-allowed@3:24"]),
        CheckCase(name: "matching on a name", source: tool(#"arg n: name matching "x""#), expected: ["rein.check.constraint-not-allowed@3:24"]),
        CheckCase(name: "in on an enum", source: tool(#"arg n: "a" | "b" in 1..2"#), expected: ["rein.check.constraint-not-allowed@3:23"]),
        CheckCase(name: "duration bounds on an int", source: tool("arg n: int in 1m..5m"), expected: ["rein.check.bound-type-mismatch@3:17"]),
        CheckCase(name: "int bounds on a duration", source: tool("arg d: duration in 1..5"), expected: ["rein.check.bound-type-mismatch@3:22"]),
        CheckCase(name: "duration bounds on len", source: tool("arg s: string len 1m..5m"), expected: ["rein.check.bound-type-mismatch@3:21"]),
        CheckCase(name: "negative len", source: tool("arg s: string len -1..5"), expected: ["rein.check.negative-length@3:21"]),
        CheckCase(name: "invalid regex", source: tool(#"arg s: string matching "a(""#), expected: ["rein.check.invalid-regex@3:28"]),
        CheckCase(name: "default of the wrong type", source: tool(#"arg n: int in 1..5 = "3""#), expected: ["rein.check.default-type-mismatch@3:24"]),
        CheckCase(name: "bool default for a string", source: tool("arg s: string = true"), expected: ["rein.check.default-type-mismatch@3:19"]),
        CheckCase(name: "int default outside the range", source: tool("arg n: int in 1..5 = 9"), expected: ["rein.check.invalid-default@3:24"]),
        CheckCase(name: "negative int default inside a negative range", source: tool("arg n: int in -10..-1 = -5"), expected: []),
        CheckCase(name: "duration default outside the range", source: tool("arg d: duration in 1m..5m = 10m"), expected: ["rein.check.invalid-default@3:31"]),
        CheckCase(name: "string default outside len", source: tool(#"arg s: string len 1..3 = "abcd""#), expected: ["rein.check.invalid-default@3:28"]),
        CheckCase(name: "len counts Unicode scalars", source: tool(#"arg s: string len 1..3 = "äöü""#), expected: []),
        CheckCase(name: "string default over the 1024 cap", source: tool("arg s: string = \"\(longString)\""), expected: ["rein.check.invalid-default@3:19"]),
        CheckCase(name: "a long default is fine with len", source: tool("arg s: string len 0..2000 = \"\(longString)\""), expected: []),
        CheckCase(
            name: "default that does not match", source: tool(##"arg s: string matching #"^[a-z]+$"# = "abc1""##),
            expected: ["rein.check.invalid-default@3:41"]),
        CheckCase(
            name: "a trailing newline does not match", source: tool(##"arg s: string matching #"^[a-z]+$"# = "abc\n""##),
            expected: ["rein.check.invalid-default@3:41"]),
        CheckCase(name: "invalid name default", source: tool(#"arg n: name = "Bad_Name""#), expected: ["rein.check.invalid-default@3:17"]),
        CheckCase(name: "dotted name default", source: tool(#"arg n: name = "a.b-c.d""#), expected: []),
        CheckCase(name: "invalid namespace default", source: tool(#"arg n: namespace = "a.b""#), expected: ["rein.check.invalid-default@3:22"]),
        CheckCase(name: "forbidden namespace default", source: tool(#"arg ns: namespace = "kube-system""#), expected: ["rein.check.invalid-default@3:23"]),
        CheckCase(name: "enum default outside the enum", source: tool(#"arg m: "a" | "b" = "c""#), expected: ["rein.check.invalid-default@3:22"]),
        CheckCase(name: "context default outside its range", source: "policy p2 {\n  context n: int in 1..3 = 4\n}\n", expected: ["rein.check.invalid-default@2:28"]),
        CheckCase(
            name: "invalid forbidden namespace",
            source: "policy p2 {\n  forbid namespace \"Kube-System\", \"ok\"\n}\n",
            expected: ["rein.check.invalid-namespace@2:20"]),
        CheckCase(
            name: "a default is not checked against an invalid constraint",
            source: tool("arg n: int in 5..1 = 9"), expected: ["rein.check.empty-range@3:17"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("an invalid name or namespace default says which rule it breaks")
    func nameDefaultMessages() {
        func message(_ argLine: String) -> String? {
            CheckCase(name: "", source: Self.tool(argLine), expected: []).run().result.diagnostics.first?.message
        }
        let long = String(repeating: "a", count: 254)
        #expect(message("arg n: name = \"\(long)\"") == "default `\"\(String(repeating: "a", count: 60))…\"` is not a valid name: it is 254 characters, over the 253 allowed")
        #expect(message(#"arg n: name = "Bad-name""#) == "default `\"Bad-name\"` is not a valid name: it has an uppercase letter `B`; only lowercase letters are allowed")
        #expect(message(#"arg n: name = "bad_name""#) == "default `\"bad_name\"` is not a valid name: `_` is not allowed")
        #expect(message(#"arg n: name = "-web""#) == "default `\"-web\"` is not a valid name: it must start and end with a letter or digit")
        #expect(message(#"arg n: name = "a.-b""#) == "default `\"a.-b\"` is not a valid name: each part between dots must start and end with a letter or digit")
        #expect(message(#"arg n: name = "a..b""#) == "default `\"a..b\"` is not a valid name: it has an empty part between dots")
        #expect(message(#"arg n: name = """#) == "default `\"\"` is not a valid name: it is empty")
        #expect(message(#"arg n: namespace = "a.b""#) == "default `\"a.b\"` is not a valid namespace: `.` is not allowed")
        #expect(message(#"arg n: namespace = "a b""#) == "default `\"a b\"` is not a valid namespace: a space is not allowed")
        // The default is quoted as written, escapes included.
        #expect(message(#"arg n: namespace = "a\tb""#) == #"default `"a\tb"` is not a valid namespace: a tab is not allowed"#)
        #expect(message("arg n: namespace = \"\(String(repeating: "a", count: 64))\"")?.hasSuffix("is not a valid namespace: it is 64 characters, over the 63 allowed") == true)
        let forbid = CheckCase(name: "", source: "policy p2 {\n  forbid namespace \"Kube-System\"\n}\n", expected: []).run()
        #expect(forbid.result.diagnostics.map(\.message) == [
            "`\"Kube-System\"` is not a valid namespace: it has an uppercase letter `K`; only lowercase letters are allowed",
        ])
    }

    @Test("the model keeps valid constraints and defaults")
    func model() throws {
        let bundle = TestBundle([("a.rein", prelude)])
        let tool = try #require(bundle.result.model.tool(named: "get_top_pods_by_memory"))
        let limit = try #require(tool.arg(named: "limit"))
        #expect(limit.type == .int)
        #expect(limit.range == .int(1...50))
        #expect(limit.defaultValue == .int(10))
        #expect(limit.isOptional)
        #expect(tool.arg(named: "namespace")?.type == .namespace)
        let environment = try #require(bundle.result.model.contextKey(named: "environment"))
        #expect(environment.type == .enumeration(["prod", "staging", "dev"]))
        #expect(bundle.result.model.forbiddenNamespaces == ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"])
    }
}

/// The value rules shared with the evaluator.
@Suite("Name rules")
struct NameRuleTests {
    @Test(arguments: [
        ("payments", true), ("a", true), ("0abc-9", true), ("kube-system", true),
        ("", false), ("-a", false), ("a-", false), ("A", false), ("a_b", false), ("a.b", false),
        ("payments\n", false), ("раyments", false), (String(repeating: "a", count: 63), true),
        (String(repeating: "a", count: 64), false),
    ])
    func namespace(_ value: String, _ valid: Bool) { #expect(NameRules.isValidNamespace(value) == valid) }

    @Test(arguments: [
        ("ledger-worker", true), ("a.b.c", true), ("a..b", false), (".a", false), ("a.", false), ("a.-b", false),
        ("UPPER", false), (String(repeating: "a", count: 253), true), (String(repeating: "a", count: 254), false),
        (String(repeating: "a", count: 100) + "." + String(repeating: "b", count: 100), true),
    ])
    func name(_ value: String, _ valid: Bool) { #expect(NameRules.isValidName(value) == valid) }

    @Test(arguments: [
        ("a3bb8764-cb92-4276-9d2a-ca1e895e55ea", true), ("A3BB8764-CB92-4276-9D2A-CA1E895E55EA", true),
        ("a3bb8764cb9242769d2aca1e895e55ea", false), ("a3bb8764-cb92-4276-9d2a-ca1e895e55e", false),
        ("g3bb8764-cb92-4276-9d2a-ca1e895e55ea", false), ("{a3bb8764-cb92-4276-9d2a-ca1e895e55ea}", false),
    ])
    func guid(_ value: String, _ valid: Bool) { #expect(NameRules.isGUID(value) == valid) }

    @Test("a violation is named exactly when a value is invalid")
    func violations() {
        let values = [
            "payments", "a.b.c", "a..b", ".a", "a.", "a.-b", "UPPER", "a_b", "", "-a", "a-", "payments\n", "раyments", "a b",
            "a\u{301}", String(repeating: "a", count: 63), String(repeating: "a", count: 64), String(repeating: "a", count: 253),
            String(repeating: "a", count: 254), String(repeating: "é", count: 200),
        ]
        for value in values {
            #expect((NameRules.nameViolation(value) == nil) == NameRules.isValidName(value), "\(value)")
            #expect((NameRules.namespaceViolation(value) == nil) == NameRules.isValidNamespace(value), "\(value)")
        }
        #expect(NameRules.namespaceViolation("раyments") == "`р` is not allowed")
        #expect(NameRules.nameViolation("a\u{301}") == "the character U+0301 is not allowed")
        #expect(NameRules.nameViolation("payments\n") == "the character U+000A is not allowed")
    }
}
