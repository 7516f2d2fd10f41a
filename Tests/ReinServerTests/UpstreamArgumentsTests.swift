import ReinAdapters
import Testing

@testable import ReinServer

/// Upstream arguments built from a call's validated args: names, constants, KQL, shell-quoted
/// templates and JSON texts; and an upstream's SSE answer read back.
@Suite("MCP upstream arguments")
struct UpstreamArgumentsTests {
    static let args = JSONObject(entries: [
        ("namespace", .string("cart")), ("deployment", .string("cart-service")), ("replicas", .integer(3)),
        ("note", .string("it's; rm -rf / $(x)")),
    ])

    static func binding(_ name: String, _ mapping: MCPConfig.ArgMapping) throws -> MCPConfig.ArgBinding {
        // Bindings come from the configuration reader; read one to get its place.
        let text = "mcp:\n  tools:\n    t: {upstream: u, tool: x, args: {\(name): n}}\n"
        var binding = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().mcp?.tools.first?.args.first)
        binding.mapping = mapping
        return binding
    }

    @Test(arguments: [
        ("cart", "cart"), ("a b", "'a b'"), ("", "''"), ("it's", #"'it'\''s'"#), ("$(x)", "'$(x)'"), ("ns/pod:1", "ns/pod:1"), ("é", "'é'"),
    ])
    func wordsAreShellQuoted(_ word: String, _ quoted: String) {
        #expect(UpstreamArguments.quoted(word) == quoted)
    }

    @Test func mappingsBuildTheUpstreamsArguments() throws {
        let built = UpstreamArguments.build(
            [
                try Self.binding("name", .arg("deployment")), try Self.binding("kind", .constant(.string("Deployment"))),
                try Self.binding("query", .kql),
                try Self.binding("command", .template("scale deployment/{deployment} -n {namespace} --replicas={replicas} # {note}")),
                try Self.binding("options", .json([try Self.binding("ns", .arg("namespace")), try Self.binding("dry", .constant(.bool(true)))])),
                try Self.binding("absent", .arg("nothing")),
            ], args: Self.args, kql: "Perf | take 1")
        let object = try built.get()
        #expect(object.entries.map(\.key) == ["name", "kind", "query", "command", "options"])
        #expect(object["name"] == .string("cart-service") && object["query"] == .string("Perf | take 1"))
        #expect(object["command"] == .string(#"scale deployment/cart-service -n cart --replicas=3 # 'it'\''s; rm -rf / $(x)'"#))
        #expect(object["options"] == .string(#"{"ns":"cart","dry":true}"#))
        #expect(throws: UpstreamError.self) { try UpstreamArguments.build([try Self.binding("q", .kql)], args: Self.args, kql: nil).get() }
        #expect(throws: UpstreamError.self) { try UpstreamArguments.fill("get {pods}", args: Self.args).get() }
    }

    @Test func theResponseIsFoundInAnSSEStream() {
        let stream = ": ping\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\r\n\r\n"
            + "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\ndata: \"result\":{\"content\":[]}}\n\n"
        let found = HTTPUpstream.response(inSSE: Array(stream.utf8), id: 7)
        #expect(found.flatMap { if case .object(let o) = $0 { o["result"] } else { nil } } == .object(JSONObject(entries: [("content", .array([]))])))
        #expect(HTTPUpstream.response(inSSE: Array(stream.utf8), id: 8) == nil)
    }

    @Test func outputIsCutOnACharacterAndMarked() {
        let (kept, cut) = MCPGateway.cut("ab€cd", at: 4)
        #expect(cut && kept == "ab\n[… cut by Rein: 5 more bytes]")
        #expect(MCPGateway.cut("short", at: 10) == ("short", false))
    }
}

/// A stdio upstream that dies or never answers fails the call; it never hangs it.
@Suite("MCP stdio upstreams")
struct StdioUpstreamTests {
    @Test func anUpstreamThatExitsFailsTheCall() async throws {
        let upstream = StdioUpstream(command: ["false"], environment: [:], timeout: .seconds(5))
        let began = ContinuousClock.now
        await #expect(throws: UpstreamError.self) { _ = try await upstream.callTool("x", arguments: JSONObject(entries: [])) }
        // Generously bounded: processes started by other tests at the same time delay this one.
        #expect(ContinuousClock.now - began < .seconds(150))
        // Started again only after a back-off: an immediate retry fails at once.
        await #expect(throws: UpstreamError.self) { _ = try await upstream.callTool("x", arguments: JSONObject(entries: [])) }
        await upstream.shutdown()
    }

    @Test func anUpstreamThatNeverAnswersTimesOut() async throws {
        // It would answer nothing for five minutes; the timeout ends the wait long before
        // (generously bounded: a busy test machine delays timers).
        let upstream = StdioUpstream(command: ["sleep", "300"], environment: [:], timeout: .seconds(1))
        let began = ContinuousClock.now
        await #expect(throws: UpstreamError.self) { _ = try await upstream.toolNames() }
        #expect(ContinuousClock.now - began < .seconds(150))
        await upstream.shutdown()
    }
}
