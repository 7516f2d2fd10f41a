import ReinSemantics
import ReinSyntax
import Testing

/// Static typing of triggers and rule conditions.
@Suite("Expressions")
struct ExpressionRuleTests {
    /// A policy with one rule line (line 2); the condition starts at column 15 for `deny * when `.
    static func policy(_ rule: String) -> String { "policy p2 {\n  \(rule)\n}\n" }
    /// A runbook whose trigger is on line 2, starting at column 11.
    static func trigger(_ condition: String) -> String { "runbook r2 {\n  trigger \(condition)\n}\n" }

    static let cases: [CheckCase] = [
        CheckCase(name: "unknown root", source: policy("deny * when foo == 1"), expected: ["rein.check.unknown-root@2:15"]),
        CheckCase(name: "unquoted text", source: policy("deny * when alert.rule == prod"), expected: ["rein.check.unknown-root@2:29"]),
        CheckCase(name: "unknown field", source: policy("deny * when alert.sev == 1"), expected: ["rein.check.unknown-field@2:21"]),
        CheckCase(name: "field of a field", source: policy("deny * when alert.rule.name == \"x\""), expected: ["rein.check.unknown-field@2:26"]),
        CheckCase(name: "root without a field", source: policy("deny * when alert == 1"), expected: ["rein.check.missing-field@2:15"]),
        CheckCase(name: "args without a field", source: policy("deny * when args"), expected: ["rein.check.missing-field@2:15"]),
        CheckCase(
            name: "named target lacks the arg", source: policy("deny scale_deployment when args.replica > 3"),
            expected: ["rein.check.unknown-arg@2:35"]),
        CheckCase(
            name: "one of the named targets lacks the arg",
            source: policy("deny [scale_deployment, restart_deployment] when args.replicas > 3"),
            expected: ["rein.check.unknown-arg@2:57"]),
        CheckCase(
            name: "named targets disagree on an arg's type",
            source: "tool t1 {\n  effect read\n  arg replicas: string\n}\n" + policy("deny [scale_deployment, t1] when args.replicas == 3"),
            expected: ["rein.check.arg-type-conflict@6:36"]),
        CheckCase(
            name: "unknown context key", source: policy("deny * when context.env == \"prod\""),
            expected: ["rein.check.unknown-context-key@2:23"]),
        CheckCase(name: "args in a trigger", source: trigger("args.x == 1"), expected: ["rein.check.root-not-allowed@2:11"]),
        CheckCase(name: "tool in a trigger", source: trigger("tool.effect == write"), expected: ["rein.check.root-not-allowed@2:11"]),
        CheckCase(name: "session in a trigger", source: trigger("session.iteration > 1"), expected: ["rein.check.root-not-allowed@2:11"]),
        CheckCase(
            name: "trigger over alert, context and now",
            source: trigger("alert.severity <= 2 and context.environment == \"prod\" and now.hour < 8"), expected: []),
        CheckCase(
            name: "two args compared in a * rule are typed at run time",
            source: policy("deny * when args.replicas == args.limit or args.replicas < args.limit or args.replicas != args.replicas"),
            expected: []),
        CheckCase(
            name: "an arg looked for among args in a * rule", source: policy("deny * when args.namespace not in [args.deployment, args.pod]"),
            expected: []),
        CheckCase(
            name: "two args matched with like in a * rule are strings", source: policy("deny * when args.namespace like args.deployment"),
            expected: []),
        CheckCase(
            name: "an arg alone in a list in a * rule", source: policy("deny * when [args.namespace] in session.tools"),
            expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "args alone in a list: one diagnostic", source: policy("deny * when [args.namespace, args.pod] in session.tools"),
            expected: ["rein.check.untyped-arg@2:16"]),
        CheckCase(
            name: "an arg in an arg in a * rule", source: policy("deny * when args.namespace in args.deployment"),
            expected: ["rein.check.type-mismatch@2:33"]),
        CheckCase(
            name: "an arg read at two types in a * rule (warning: it never matches)",
            source: policy("deny * when args.replicas > 3 or args.replicas == \"x\""),
            expected: ["rein.check.arg-type-conflict@2:36"]),
        CheckCase(
            name: "a * rule reading an arg no tool has (warning)", source: policy("deny * when args.replicaz > 3"),
            expected: ["rein.check.arg-matches-no-tool@2:15"]),
        CheckCase(
            name: "a * rule reading an arg at a type no tool has (warning)", source: policy("deny * when args.replicas == \"3\""),
            expected: ["rein.check.arg-matches-no-tool@2:15"]),
        CheckCase(
            name: "a * rule: the arg's type comes from the other operand",
            source: policy("deny * when args.replicas in 1..3 or args.namespace like \"kube-*\" or 5m < args.lookback"),
            expected: []),
        CheckCase(name: "int compared with a string", source: policy("deny * when alert.severity == \"1\""), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "effect compared with a string", source: policy("deny * when tool.effect == \"write\""), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "ordering strings", source: policy("deny * when alert.rule < \"b\""), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "int compared with a duration", source: policy("deny * when alert.severity < 5m"), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "like on an int", source: policy("deny * when alert.severity like \"1*\""), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "in without a list", source: policy("deny * when alert.rule in alert.severity"), expected: ["rein.check.type-mismatch@2:29"]),
        CheckCase(name: "in a list of another type", source: policy("deny * when alert.severity in [\"1\", \"2\"]"), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "in a range of another type", source: policy("deny * when alert.severity in 1m..5m"), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "a list compared with ==", source: policy("deny * when session.tools == [\"a\"]"), expected: ["rein.check.type-mismatch@2:15"]),
        CheckCase(name: "an arg in an arg", source: policy("deny * when 3 in args.replicas"), expected: ["rein.check.type-mismatch@2:20"]),
        CheckCase(name: "condition that is not a bool", source: policy("deny * when alert.severity"), expected: ["rein.check.expected-bool@2:15"]),
        CheckCase(
            name: "and with a non-bool operand", source: policy("deny * when alert.rule and tool.effect == write"),
            expected: ["rein.check.expected-bool@2:15"]),
        CheckCase(name: "not with a non-bool operand", source: policy("deny * when not alert.severity"), expected: ["rein.check.expected-bool@2:19"]),
        CheckCase(name: "a bare bool arg is a condition", source: policy("deny * when not args.dry_run"), expected: ["rein.check.arg-matches-no-tool@2:19"]),
        CheckCase(
            name: "enum compared with a value outside it", source: policy("deny * when context.environment == \"stagging\""),
            expected: ["rein.check.not-in-enum@2:38"]),
        CheckCase(
            name: "enum literal on the left", source: policy("deny * when (\"qa\") != context.environment"),
            expected: ["rein.check.not-in-enum@2:16"]),
        CheckCase(
            name: "enum in a list with a value outside it", source: policy("deny * when context.environment in [\"prod\", \"qa\"]"),
            expected: ["rein.check.not-in-enum@2:47"]),
        CheckCase(
            name: "enum arg of a named target",
            source: "tool t1 {\n  effect read\n  arg level: \"error\" | \"warning\"\n}\n" + policy("deny t1 when args.level == \"info\""),
            expected: ["rein.check.not-in-enum@6:30"]),
        CheckCase(name: "mixed list", source: policy("deny * when alert.severity in [1, \"2\"]"), expected: ["rein.check.mixed-list@2:37"]),
        CheckCase(name: "nested list", source: policy("deny * when alert.severity in [[1], [2]]"), expected: ["rein.check.mixed-list@2:34"]),
        CheckCase(name: "empty range literal", source: policy("deny * when alert.severity in 3..1"), expected: ["rein.check.empty-range@2:33"]),
        CheckCase(name: "a sequence rule", source: policy("deny * when \"restart_deployment\" in session.tools"), expected: []),
        CheckCase(
            name: "require approvals: target and condition",
            source: policy("require approvals 2 for scale_deployment when args.replicas >= 5"), expected: []),
        CheckCase(
            name: "rules in a runbook",
            source: "runbook r2 {\n  deny * when alert.severity == \"x\"\n  deny scale_deployment when args.nope == 1\n}\n",
            expected: ["rein.check.type-mismatch@2:15", "rein.check.unknown-arg@3:35"]),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("a warning is a warning")
    func warningSeverity() throws {
        let bundle = CheckCase(name: "", source: Self.policy("deny * when args.replicaz > 3"), expected: []).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.help == "did you mean `replicas`?")
        #expect(!bundle.result.hasErrors)
    }

    @Test("a * rule reading one arg at two types can never match: a warning, and both types are recorded")
    func argReadAtTwoTypes() throws {
        let bundle = CheckCase(
            name: "", source: Self.policy("deny * when args.replicas > 3 and args.replicas == \"a\" and args.replicas == true"),
            expected: []
        ).run()
        #expect(!bundle.result.hasErrors)
        #expect(bundle.diagnostics(in: "test.rein") == ["rein.check.arg-type-conflict@2:37"])
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.message == "`args.replicas` is read as a string here but as an int before, so this rule can never match")
        #expect(diagnostic.notes.map(\.message) == ["read as an int here"])
        let rule = try #require(bundle.result.model.rules.last)
        #expect(rule.argUses == [
            ArgUse(name: "replicas", type: .int), ArgUse(name: "replicas", type: .string), ArgUse(name: "replicas", type: .bool),
        ])
    }

    @Test("named targets whose arg types differ are still an error")
    func namedTargetsConflict() throws {
        let bundle = CheckCase(
            name: "", source: "tool t1 {\n  effect read\n  arg replicas: string\n}\n" + Self.policy("deny [scale_deployment, t1] when args.replicas == 3"),
            expected: []
        ).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.severity == .error)
    }

    @Test("args compared with args in a * rule are recorded at any type")
    func argsAtAnyType() throws {
        let source = Self.policy("deny * when args.replicas == args.limit or args.namespace in [args.pod] or args.limit > 3")
        let bundle = CheckCase(name: "", source: source, expected: []).run()
        #expect(bundle.allDiagnostics == [])
        let rule = try #require(bundle.result.model.rules.last)
        #expect(rule.target == .all)
        #expect(rule.argUses == [
            ArgUse(name: "replicas", type: .any), ArgUse(name: "limit", type: .int), ArgUse(name: "namespace", type: .any),
            ArgUse(name: "pod", type: .any),
        ])
        guard case .logical(.or, let operands) = rule.condition.kind, case .comparison(.equal, let left, let right) = operands[0].kind
        else {
            Issue.record("unexpected condition \(rule.condition.kind)")
            return
        }
        #expect(left.type == .any)
        #expect(right.type == .any)
    }

    @Test("the empty list matches anything and is typed a list of any type")
    func emptyList() throws {
        let bundle = CheckCase(name: "", source: Self.policy("deny * when alert.rule in [] or args.replicas in []"), expected: []).run()
        #expect(bundle.allDiagnostics == [])
        let misuse = CheckCase(name: "", source: Self.policy("deny * when alert.rule == []"), expected: []).run()
        #expect(misuse.result.diagnostics.map(\.message) == ["`==` cannot compare a list"])
    }

    /// Operands that are wrong in themselves, or whose type is unknown.
    static let brokenOperands = [
        "foo", "alert.sevrity", "[foo]", "[foo, bar]", "[[foo]]", "context.nope", "(foo)", "[]", "[args.q]", "args.q", "3..1",
        "[1, \"a\"]", "session.tools", "[args.q, args.r]",
    ]
    static let operators = ["==", "!=", "<", ">=", "like", "in", "not in"]

    @Test("no message, note or help shows an internal type name")
    func noInternalTypeNames() {
        var sources: [String] = []
        for left in Self.brokenOperands {
            for op in Self.operators {
                for right in Self.brokenOperands + ["1", "\"a\"", "[1]", "1..3", "tool.effect", "write"] {
                    sources.append("  deny * when \(left) \(op) \(right)")
                    sources.append("  deny scale_deployment when \(right) \(op) \(left)")
                }
            }
            sources.append("  deny * when not \(left)")
            sources.append("  deny * when \(left) and true")
            sources.append("  deny * when \(left)")
        }
        // One policy per rule, so that no file reaches the error cap.
        let files = sources.enumerated().map { index, rule in (path: "p\(index).rein", text: "policy p\(index) {\n\(rule)\n}\n") }
        let bundle = TestBundle([("a.rein", prelude)] + files)
        #expect(bundle.parseDiagnostics == [])
        for diagnostic in bundle.result.diagnostics {
            let texts = [diagnostic.message, diagnostic.help ?? ""] + diagnostic.notes.map(\.message)
            for text in texts {
                #expect(!text.contains("<error>") && !text.contains("invalid value") && !text.contains("any type"), "\(text)")
            }
        }
    }

    @Test("policies checked without any tool get no arg-matches-no-tool warning")
    func policiesAlone() {
        let bundle = TestBundle([("p.rein", "policy p {\n  deny * when args.namespace == \"kube-system\"\n}\n")])
        #expect(bundle.parseDiagnostics == [])
        #expect(bundle.allDiagnostics == [])
    }

    @Test("an unparsable expression gives no checker diagnostic")
    func invalidExpressionIsSilent() {
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", Self.policy("deny * when alert.severity == and foo"))])
        #expect(!bundle.parseDiagnostics.isEmpty)
        #expect(bundle.allDiagnostics == [])
    }

    @Test("one typo, one diagnostic: errors do not cascade to enclosing expressions")
    func noCascade() {
        let bundle = CheckCase(
            name: "", source: Self.policy("deny * when not (alert.sevrity > 2 and alert.severity == \"x\") or foo.bar"), expected: []
        ).run()
        #expect(bundle.diagnostics(in: "test.rein") == [
            "rein.check.unknown-field@2:26", "rein.check.type-mismatch@2:42", "rein.check.unknown-root@2:68",
        ])
    }

    @Test("messages name the types and quote user input")
    func messages() {
        let bundle = CheckCase(name: "", source: Self.policy("deny * when alert.severity == \"1\""), expected: []).run()
        #expect(bundle.result.diagnostics.map(\.message) == ["cannot compare int with string using `==`"])
    }
}
