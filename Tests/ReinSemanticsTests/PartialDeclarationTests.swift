import ReinSemantics
import ReinSyntax
import Testing

/// An `arg` or `context` line whose syntax failed after its name is kept by the parser with
/// the type `.invalid`: the name exists (its uses are not "unknown"), nothing else is checked,
/// and every use of it is typed `.error` silently. The parser's error is the one diagnostic.
@Suite("Args and context keys with a syntax error")
struct PartialDeclarationTests {
    /// The prelude plus `source`: the parser reports exactly one error, the checker nothing.
    static func expectOnlyTheParseError(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", source)])
        #expect(bundle.parseDiagnostics.count == 1, "\(bundle.parseDiagnostics)", sourceLocation: sourceLocation)
        #expect(bundle.allDiagnostics == [], sourceLocation: sourceLocation)
    }

    @Test("a named target's arg with a syntax error is known, and typed silently")
    func namedTarget() {
        Self.expectOnlyTheParseError("tool t { effect read\n arg x int }\npolicy p2 {\n  deny t when args.x > 1\n}\n")
        Self.expectOnlyTheParseError(
            "tool t {\n  effect read\n  arg replicas: integer\n}\n"
                + "policy p2 {\n  deny [t, scale_deployment] when args.replicas == \"x\" and args.replicas > 2\n}\n")
    }

    @Test("another target still must have the arg")
    func otherTargetLacksIt() {
        let bundle = TestBundle([
            ("a.rein", prelude),
            ("test.rein", "tool t {\n  effect read\n  arg x int\n}\npolicy p2 {\n  deny [t, scale_deployment] when args.x > 1\n}\n"),
        ])
        #expect(bundle.parseDiagnostics.count == 1)
        #expect(bundle.diagnostics(in: "test.rein") == ["rein.check.unknown-arg@6:40"])
    }

    @Test("no unbounded-write-arg, default or constraint checks")
    func writeTool() {
        Self.expectOnlyTheParseError(
            "tool t {\n  effect write\n  arg n int in 1..10 = 99\n"
                + "  elevate remediator role \"Contributor\" for 5m\n}\n")
        Self.expectOnlyTheParseError(
            "tool t {\n  effect write\n  arg n: integer = \"x\"\n  elevate remediator role \"Contributor\" for 5m\n}\n")
    }

    @Test("a query's arg with a syntax error may be a placeholder, and need not be one")
    func queryPlaceholders() {
        Self.expectOnlyTheParseError(
            "query q {\n  arg pod name\n  kql \"Perf | where InstanceName has {pod}\"\n}\n")
        Self.expectOnlyTheParseError("query q {\n  arg pod name\n  kql \"Perf\"\n}\n")
    }

    @Test("a context key with a syntax error is known, and typed silently")
    func contextKey() {
        Self.expectOnlyTheParseError(
            "policy p2 {\n  context region \"eu\" | \"us\"\n  deny * when context.region == \"mars\" and context.region > 3\n}\n")
        Self.expectOnlyTheParseError(
            "policy p2 {\n  context region: strin\n}\nrunbook r2 {\n  trigger context.region == \"eu\"\n}\n")
    }

    @Test("a * rule reading an arg that only a broken declaration has gets no warning")
    func wildcardRule() {
        Self.expectOnlyTheParseError(
            "tool t {\n  effect read\n  arg zone string\n}\npolicy p2 {\n  deny * when args.zone == \"x\"\n}\n")
    }

    @Test("the name still counts for duplicates")
    func duplicates() {
        let bundle = TestBundle([
            ("a.rein", prelude), ("test.rein", "tool t {\n  effect read\n  arg x int\n  arg x: int\n}\n"),
        ])
        #expect(bundle.parseDiagnostics.count == 1)
        #expect(bundle.diagnostics(in: "test.rein") == ["rein.check.duplicate-arg@4:7"])
    }

    @Test("a rule or trigger line with trailing junk is not typed again")
    func trailingJunk() {
        Self.expectOnlyTheParseError("policy p2 {\n  deny * when foo == 1 bar baz\n}\n")
        Self.expectOnlyTheParseError("policy p2 {\n  require approvals 2 when args.x == args.y \"a\"\n}\n")
        Self.expectOnlyTheParseError("runbook r2 {\n  trigger alert.sevrity == 1 2\n}\n")
    }

    @Test("a broken arg is left out of the model")
    func model() {
        let bundle = TestBundle([("a.rein", prelude), ("test.rein", "tool t {\n  effect read\n  arg x int\n  arg y: int\n}\n")])
        #expect(bundle.result.model.tool(named: "t")?.args.map(\.name) == ["y"])
    }
}
