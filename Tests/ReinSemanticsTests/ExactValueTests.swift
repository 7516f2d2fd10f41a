import ReinSemantics
import ReinSyntax
import Testing

/// Grammar/README.md §7: "values are checked exactly as given: no trimming, no case folding, no
/// Unicode normalisation". `é` written precomposed (U+00E9) and as `e` + U+0301 are two values.
@Suite("Exact values")
struct ExactValueTests {
    static func tool(_ argLine: String) -> String { ArgRuleTests.tool(argLine) }

    /// A runbook whose `allow` line is line 6 (`allow` at column 5, the first glob at 11).
    static func allow(_ globs: String) -> String {
        """
        runbook r2 {
          remediate scale_deployment
          approval {
            channel "c"
            approvers 1
            allow \(globs)
            timeout 5m
            on_timeout no_action
          }
        }
        """
    }

    static let principal = #"principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea""#
    static let customID = #"id "11111111-2222-3333-4444-555555555555""#

    static let cases: [CheckCase] = [
        CheckCase(
            name: "an enum default that only looks like a member (escapes)",
            source: tool(#"arg a: "\u{E9}" | "b" = "e\u{301}""#), expected: ["rein.check.invalid-default@3:27"]),
        CheckCase(
            name: "an enum default that only looks like a member (raw characters)",
            source: tool("arg a: \"\u{E9}\" | \"b\" = \"e\u{301}\""), expected: ["rein.check.invalid-default@3:22"]),
        CheckCase(name: "an enum default written like its member", source: tool(#"arg a: "\u{E9}" | "b" = "\u{E9}""#), expected: []),
        CheckCase(name: "é and e + U+0301 are two enum members", source: tool(#"arg b: "\u{E9}" | "e\u{301}""#), expected: []),
        CheckCase(
            name: "a literal é in a pattern does not match e + U+0301",
            source: tool(#"arg s: string matching "\u{E9}" = "e\u{301}""#), expected: ["rein.check.invalid-default@3:37"]),
        CheckCase(
            name: "`.` in a pattern is one Unicode scalar",
            source: tool(#"arg s: string matching "^.$" = "e\u{301}""#), expected: ["rein.check.invalid-default@3:34"]),
        CheckCase(name: "`..` matches two scalars", source: tool(#"arg s: string matching "^..$" = "e\u{301}""#), expected: []),
        CheckCase(
            name: "`len` counts the same scalars", source: tool(#"arg s: string len 1..1 = "e\u{301}""#),
            expected: ["rein.check.invalid-default@3:28"]),
        CheckCase(
            name: "patterns that differ only in composition are compiled separately",
            source: "tool t1 {\n  effect read\n"
                + #"  arg a: string matching "\u{E9}" = "\u{E9}""# + "\n"
                + #"  arg b: string matching "e\u{301}" = "e\u{301}""# + "\n}\n",
            expected: []),
        CheckCase(
            name: "a context value that only looks like a member",
            source: "policy p2 {\n" + #"  context c: "caf\u{E9}" | "x""# + "\n" + #"  deny * when context.c == "cafe\u{301}""# + "\n}\n",
            expected: ["rein.check.not-in-enum@3:28"]),
        CheckCase(
            name: "a context value written like its member",
            source: "policy p2 {\n" + #"  context c: "caf\u{E9}" | "x""# + "\n" + #"  deny * when context.c in ["caf\u{E9}"]"# + "\n}\n",
            expected: []),
        CheckCase(
            name: "named targets' enums keep members that differ only in composition",
            source: "tool t1 {\n  effect read\n" + #"  arg level: "\u{E9}""# + "\n}\ntool t2 {\n  effect read\n"
                + #"  arg level: "e\u{301}""# + "\n}\npolicy p2 {\n"
                + #"  deny [t1, t2] when args.level == "e\u{301}" or args.level == "\u{E9}""# + "\n}\n",
            expected: []),
        CheckCase(
            name: "allow globs that differ only in composition are two globs",
            source: allow(#""\u{E9}@x.com", "e\u{301}@x.com""#), expected: []),
        CheckCase(
            name: "allow globs that differ in ASCII case are one glob",
            source: allow(#""A@x.com", "a@x.com""#), expected: ["rein.check.duplicate-list-entry@6:22"]),
        CheckCase(
            name: "allow globs that differ in non-ASCII case are two globs",
            source: allow(#""\u{C9}@x.com", "\u{E9}@x.com""#), expected: []),
        CheckCase(
            name: "a built-in role name with a KELVIN SIGN is not that role",
            source: "identity r2 {\n  \(principal)\n" + #"  eligible "Azure \u{212A}ubernetes Service Cluster Admin Role" at resource"# + "\n}\n",
            expected: ["rein.check.unknown-role@3:12"]),
        CheckCase(
            name: "a standing role name with a KELVIN SIGN is not on the read-only list",
            source: #"identity o {\#n  role "Azure \u{212A}ubernetes Service RBAC Reader"\#n}\#n"#,
            expected: ["rein.check.standing-role-not-read-only@2:8"], withPrelude: false),
        CheckCase(
            name: "custom roles whose names differ only in composition are two roles",
            source: """
                identity r2 {
                  \(principal)
                  eligible "Caf\\u{E9}" \(customID) at resource
                  eligible "Cafe\\u{301}" \(customID) at resource_group
                }
                tool t1 {
                  effect write
                  elevate r2 role "Cafe\\u{301}" \(customID) for 5m
                }
                """,
            expected: []),
        CheckCase(
            name: "an elevation whose role only looks like the eligible one",
            source: """
                identity r2 {
                  \(principal)
                  eligible "Caf\\u{E9}" \(customID) at resource
                }
                tool t1 {
                  effect write
                  elevate r2 role "Cafe\\u{301}" \(customID) for 5m
                }
                """,
            expected: ["rein.check.not-eligible@7:19"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    static func diagnostics(_ source: String, withPrelude: Bool = true) -> [Diagnostic] {
        CheckCase(name: "", source: source, expected: [], withPrelude: withPrelude).run().result.diagnostics
    }

    @Test("a value rejected for its Unicode scalars says so, with the scalars")
    func lookalikeHelps() throws {
        let enumDefault = try #require(Self.diagnostics(Self.tool(#"arg a: "\u{E9}" | "b" = "e\u{301}""#)).first)
        #expect(enumDefault.message == #"default `"e\u{301}"` is not one of `"\u{E9}" | "b"`"#)
        #expect(
            enumDefault.help
                == "`\"e\u{301}\"` (U+0065 U+0301) looks like `\"\u{E9}\"` (U+00E9) but is written with other Unicode scalars; values are compared exactly, without Unicode normalisation"
        )
        let context = try #require(
            Self.diagnostics("policy p2 {\n" + #"  context c: "caf\u{E9}" | "x""# + "\n" + #"  deny * when context.c == "cafe\u{301}""# + "\n}\n").first)
        #expect(context.message == #"`"cafe\u{301}"` is not a value of `context.c`"#)
        #expect(context.help?.hasPrefix("`\"cafe\u{301}\"` (U+0063 U+0061 U+0066 U+0065 U+0301) looks like `\"caf\u{E9}\"`") == true)
        let role = try #require(
            Self.diagnostics(
                "identity r2 {\n  \(Self.principal)\n" + #"  eligible "Azure \u{212A}ubernetes Service Cluster Admin Role" at resource"# + "\n}\n"
            ).first)
        #expect(role.help?.contains("but is written with other Unicode scalars; role names are compared exactly") == true)
        let pattern = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^.$" = "e\u{301}""#)).first)
        #expect(pattern.message == #"default `"e\u{301}"` does not match `^.$`"#)
        #expect(pattern.help?.contains("`.` is one Unicode scalar") == true)
        let plainPattern = try #require(Self.diagnostics(Self.tool(#"arg s: string matching "^[a-z]$" = "1""#)).first)
        #expect(plainPattern.help == "the whole value must match the pattern")
    }

    @Test("a duplicate allow glob in another ASCII case names the first spelling")
    func allowCaseMessage() throws {
        let diagnostic = try #require(Self.diagnostics(Self.allow(#""A@x.com", "a@x.com""#)).first)
        #expect(diagnostic.message == #"`"a@x.com"` is listed twice in `allow`"#)
        #expect(diagnostic.notes.map(\.message) == [#"first listed here as `"A@x.com"`"#])
        #expect(diagnostic.help == "remove one of them: `allow` globs match approvers ASCII case-insensitively")
        let exact = try #require(Self.diagnostics(Self.allow(#""a@x.com", "a@x.com""#)).first)
        #expect(exact.notes.map(\.message) == ["first listed here"])
        #expect(exact.help == "remove one of them")
    }

    @Test("the model keeps exact values")
    func model() throws {
        let bundle = CheckCase(name: "", source: Self.tool(#"arg b: "\u{E9}" | "e\u{301}" = "e\u{301}""#), expected: []).run()
        let arg = try #require(bundle.result.model.tool(named: "t1")?.arg(named: "b"))
        #expect(arg.type.enumMembers?.map { Array($0.unicodeScalars) } == [["\u{E9}"], ["e", "\u{301}"]])
        #expect(arg.type.hasEnumMember("e\u{301}"))
        #expect(arg.type.hasEnumMember("\u{E9}"))
        #expect(!ArgType.enumeration(["\u{E9}"]).hasEnumMember("e\u{301}"))
        #expect(!ArgType.string.hasEnumMember("x"))

        let roles = CheckCase(
            name: "",
            source: """
                identity r2 {
                  \(Self.principal)
                  eligible "Caf\\u{E9}" \(Self.customID) at resource
                  eligible "Cafe\\u{301}" \(Self.customID) at resource_group
                }
                tool t1 {
                  effect write
                  elevate r2 role "Cafe\\u{301}" \(Self.customID) for 5m
                }
                """, expected: []
        ).run()
        #expect(roles.result.model.tool(named: "t1")?.elevation?.scope == .resourceGroup)
        #expect(roles.result.model.identity(named: "r2")?.eligibilities.count == 2)
    }
}

/// The helpers an evaluator reuses to compare proposal values as the checker does.
@Suite("Exact comparison helpers")
struct ExactComparisonTests {
    @Test("exact identity is Unicode scalar identity")
    func exactString() {
        #expect("\u{E9}" == "e\u{301}")  // Swift's canonical equivalence, which Rein does not use
        #expect(!"\u{E9}".isExactly("e\u{301}"))
        #expect(!"\u{212A}".isExactly("K"))
        #expect("caf\u{E9}".isExactly("caf\u{E9}"))
        #expect(!"a".isExactly("A"))
        #expect(ExactString("\u{E9}") != ExactString("e\u{301}"))
        #expect(ExactString("x") == ExactString("x"))
        #expect(Set(["\u{E9}", "e\u{301}", "\u{E9}"].map(ExactString.init)).count == 2)
        var table: [ExactString: Int] = [:]
        table[ExactString("\u{E9}")] = 1
        #expect(table[ExactString("e\u{301}")] == nil)
        #expect(["\u{E9}", "b"].containsExactly("\u{E9}"))
        #expect(!["\u{E9}", "b"].containsExactly("e\u{301}"))
    }

    @Test("ASCII case-insensitive comparison folds A–Z only")
    func asciiCase() {
        #expect("A@X.com".asciiLowercased() == "a@x.com")
        #expect("\u{C9}".asciiLowercased().isExactly("\u{C9}"))
        #expect("\u{130}".asciiLowercased().isExactly("\u{130}"))  // `lowercased()` would give two scalars
        #expect(ExactString.ignoringASCIICase("A@x.com") == ExactString.ignoringASCIICase("a@X.COM"))
        #expect(ExactString.ignoringASCIICase("\u{C9}@x.com") != ExactString.ignoringASCIICase("\u{E9}@x.com"))
        #expect(ExactString.ignoringASCIICase("e\u{301}") != ExactString.ignoringASCIICase("\u{E9}"))
        #expect("Alice@Contoso.com".isEqualIgnoringASCIICase("alice@contoso.COM"))
        #expect(!"\u{212A}".isEqualIgnoringASCIICase("k"))
    }

    @Test("patterns match Unicode scalars, the whole value")
    func patterns() throws {
        let dot = try ValuePattern.compile("^.$")
        #expect(!ValuePattern.matches(dot, wholeOf: "e\u{301}"))
        #expect(ValuePattern.matches(dot, wholeOf: "\u{E9}"))
        #expect(ValuePattern.matches(try ValuePattern.compile("^..$"), wholeOf: "e\u{301}"))
        let precomposed = try ValuePattern.compile("\u{E9}")
        #expect(!ValuePattern.matches(precomposed, wholeOf: "e\u{301}"))
        #expect(ValuePattern.matches(precomposed, wholeOf: "\u{E9}"))
        let word = try ValuePattern.compile(#"^[a-z]+$"#)
        #expect(!ValuePattern.matches(word, wholeOf: "abc\n"))
        #expect(!ValuePattern.matches(word, wholeOf: "abc1"))
        #expect(ValuePattern.matches(word, wholeOf: "abc"))
        #expect(ValuePattern.matches(try ValuePattern.compile("b"), wholeOf: "abc") == false)
        #expect(throws: (any Error).self) { try ValuePattern.compile("a(") }
    }

    @Test("built-in roles, enum types and forbidden namespaces compare exactly")
    func models() {
        #expect(BuiltInRoles.guid(named: "Azure Kubernetes Service RBAC Reader") != nil)
        #expect(BuiltInRoles.guid(named: "Azure \u{212A}ubernetes Service RBAC Reader") == nil)
        #expect(!BuiltInRoles.isStandingAllowed("Azure \u{212A}ubernetes Service RBAC Reader"))
        #expect(BuiltInRoles.isBuiltIn(name: "Reader", id: "ACDD72A7-3385-48EF-BD42-F606FBA81AE7"))
        #expect(ArgType.enumeration(["\u{E9}"]) != ArgType.enumeration(["e\u{301}"]))
        #expect(ArgType.enumeration(["\u{E9}", "b"]) == ArgType.enumeration(["\u{E9}", "b"]))
        #expect(Set([ArgType.enumeration(["\u{E9}"]), .enumeration(["e\u{301}"]), .string]).count == 3)
        let bundle = TestBundle([("a.rein", prelude)])
        #expect(bundle.result.model.isForbidden(namespace: "kube-system"))
        #expect(!bundle.result.model.isForbidden(namespace: "payments"))
    }
}

/// Messages quote literals as the user wrote them, not as the checker would render them.
@Suite("Messages quote the source")
struct SourceTextMessageTests {
    static func message(_ source: String, withPrelude: Bool = true) -> (message: String?, help: String?) {
        let diagnostic = CheckCase(name: "", source: source, expected: [], withPrelude: withPrelude).run().result.diagnostics.first
        return (diagnostic?.message, diagnostic?.help)
    }

    @Test("defaults and their constraints")
    func defaults() {
        #expect(Self.message(ArgRuleTests.tool("arg x: duration in 5m..24h = 25h")).message == "default `25h` is outside `5m..24h`")
        #expect(Self.message(ArgRuleTests.tool("arg n: int in 1..1_000 = 2_000")).message == "default `2_000` is outside `1..1_000`")
        #expect(
            Self.message(ArgRuleTests.tool(#"arg s: string len 0_1..0_2 = "abc""#)).message
                == #"default `"abc"` has 3 Unicode scalars, outside `len 0_1..0_2`"#)
        #expect(
            Self.message(ArgRuleTests.tool("arg s: string = 0_5")).message == "default `0_5` is an int, but `s` is a string")
        #expect(
            Self.message(ArgRuleTests.tool(##"arg m: "a" | #"b"# = "c""##)).message == ##"default `"c"` is not one of `"a" | #"b"#`"##)
        let long = String(repeating: "a", count: 254)
        #expect(
            Self.message(ArgRuleTests.tool("arg n: name = #\"\(long)\"#")).message
                == "default `#\"\(String(repeating: "a", count: 60))…\"#` is not a valid name: it is 254 characters, over the 253 allowed")
    }

    @Test("elevations against max_activation and max_elevation")
    func elevations() {
        let activation = Self.message(
            """
            identity r2 {
              principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
              eligible "Contributor" at resource
              max_activation 60m
            }
            tool t1 {
              effect write
              elevate r2 role "Contributor" for 120m
            }
            """, withPrelude: false)
        #expect(activation.message == "`elevate … for 120m` is longer than identity `r2`'s `max_activation 60m`")
        #expect(activation.help == "use at most `60m`, or raise the identity's `max_activation`")
        let policy = Self.message(
            "policy p2 {\n  max_elevation 1200s\n}\ntool t1 {\n  effect write\n  elevate remediator role \"Contributor\" for 3600s\n}\n")
        #expect(policy.message == "`elevate … for 3600s` is longer than the policy's `max_elevation 1200s`")
        #expect(policy.help == "a tool may only tighten policy; use at most `1200s`")
    }

    @Test("approval timeouts, iterations and counts")
    func limits() {
        let timeout = Self.message(LimitRuleTests.runbook(timeout: "3600s"))
        #expect(timeout.message == "approval `timeout 3600s` is longer than the policy's `approval_timeout 15m`")
        #expect(timeout.help == "a runbook may only tighten policy; use at most `15m`")
        let iterations = Self.message("policy p2 {\n  max_iterations 0_9\n}\nrunbook r2 {\n  max_iterations 1_000\n}\n")
        #expect(iterations.message == "`max_iterations 1_000` is above the policy's `max_iterations 0_9`")
        #expect(iterations.help == "a runbook may only tighten policy; use at most `0_9`")
        #expect(Self.message(LimitRuleTests.runbook(approvers: "0_0")).message == "`approvers` must be at least 1, found `0_0`")
    }
}

/// One mistake, one diagnostic.
@Suite("Cascades")
struct CascadeTests {
    static let cases: [CheckCase] = [
        CheckCase(
            name: "a typo'd eligible role gives no not-eligible for the elevation that means it",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Contributer" at resource
                }
                tool t1 {
                  effect write
                  elevate r2 role "Contributor" for 5m
                }
                """,
            expected: ["rein.check.unknown-role@3:12"]),
        CheckCase(
            name: "an eligible line with an invalid role id gives no not-eligible either",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Node Drainer" id "not-a-guid" at resource
                }
                tool t1 {
                  effect write
                  elevate r2 role "Node Drainer" id "11111111-2222-3333-4444-555555555555" for 5m
                }
                """,
            expected: ["rein.check.invalid-guid@3:30"]),
        CheckCase(
            name: "an identity whose eligible lines all resolve still gets not-eligible",
            source: "tool t1 {\n  effect write\n  elevate remediator role \"Reader\" for 5m\n}\n",
            expected: ["rein.check.not-eligible@3:27"]),
        CheckCase(
            name: "lists compared with ==: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when [args.namespace] == [1]"), expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "lists compared with <: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when [args.namespace] < [1]"), expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "lists matched with like: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when [args.namespace] like [\"a\"]"), expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "a list looked for in an int: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when [args.namespace] in 5"), expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "a list looked for in an arg: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when [args.namespace] in args.pod"), expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "an arg compared with a list is still the list's mistake",
            source: ExpressionRuleTests.policy("deny * when args.replicas == [1]"), expected: ["rein.check.type-mismatch@2:32"]),
        CheckCase(
            name: "an unknown field compared with a list: one diagnostic",
            source: ExpressionRuleTests.policy("deny * when alert.sevrity == [1]"), expected: ["rein.check.unknown-field@2:21"]),
        CheckCase(
            name: "a literal outside an enum is still reported beside another error",
            source: ExpressionRuleTests.policy("deny * when context.environment in [\"qa\", alert.sevrity]"),
            expected: ["rein.check.not-in-enum@2:39", "rein.check.unknown-field@2:51"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }
}
