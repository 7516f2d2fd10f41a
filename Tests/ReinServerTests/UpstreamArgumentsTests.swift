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

    @Test(arguments: [1, 2, 7, 1000])
    func anSSEStreamIsReadAsItArrivesInPiecesOfAnySize(_ piece: Int) throws {
        let stream = ": ping\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\r\n\r\n"
            + "event: message\nid: 3\ndata:{\"jsonrpc\":\"2.0\",\"id\":7,\ndata: \"result\":{\"content\":[]}}\n\ndata: last"
        let bytes = Array(stream.utf8)
        var reader = SSEReader()
        var events: [String] = []
        for start in stride(from: 0, to: bytes.count, by: piece) {
            events += try reader.feed(bytes[start..<min(start + piece, bytes.count)])
        }
        #expect(events == [#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#, "{\"jsonrpc\":\"2.0\",\"id\":7,\n\"result\":{\"content\":[]}}"])
        #expect(reader.finish() == "last")
        #expect(reader.finish() == nil)
    }

    @Test func anEventOverTheLimitIsAnError() {
        var reader = SSEReader(maxEventBytes: 64)
        #expect(throws: UpstreamError.self) { _ = try reader.feed(Array(("data: " + String(repeating: "x", count: 100)).utf8)) }
    }

    @Test func anUpstreamsRequestsAreAnsweredAndElicitationsDeclined() throws {
        func answer(_ text: String) -> JSONValue? {
            guard case .success(.object(let message)) = JSONReader.parse(Array(text.utf8), maxBytes: 1 << 16) else { return .null }
            return UpstreamRequests.answer(to: message).map { .string(String(decoding: JSONWriter.encode($0), as: UTF8.self)) }
        }
        #expect(answer(#"{"jsonrpc":"2.0","id":"e1","method":"elicitation/create","params":{"message":"approve?"}}"#)
            == .string(#"{"jsonrpc":"2.0","id":"e1","result":{"action":"decline"}}"#))
        #expect(answer(#"{"jsonrpc":"2.0","id":4,"method":"ping"}"#) == .string(#"{"jsonrpc":"2.0","id":4,"result":{}}"#))
        #expect(answer(#"{"jsonrpc":"2.0","id":5,"method":"sampling/createMessage","params":{}}"#)
            == .string(#"{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method not found: sampling/createMessage"}}"#))
        #expect(answer(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#) == nil)
        #expect(answer(#"{"jsonrpc":"2.0","id":5,"result":{}}"#) == nil)
    }

    @Test func anInputRequiredResultIsAnsweredByDecliningEachElicitation() throws {
        let text = #"{"resultType":"input_required","inputRequests":{"k":{"method":"elicitation/create","params":{}}},"requestState":"s1"}"#
        guard case .success(.object(let result)) = JSONReader.parse(Array(text.utf8), maxBytes: 1 << 16) else { throw UpstreamError(message: "bad test input") }
        let entries = try UpstreamRequests.declining(result)
        #expect(String(decoding: JSONWriter.encode(.object(JSONObject(entries: entries))), as: UTF8.self)
            == #"{"inputResponses":{"k":{"action":"decline"}},"requestState":"s1"}"#)
        let sampling = #"{"resultType":"input_required","inputRequests":{"k":{"method":"sampling/createMessage"}}}"#
        guard case .success(.object(let other)) = JSONReader.parse(Array(sampling.utf8), maxBytes: 1 << 16) else { throw UpstreamError(message: "bad test input") }
        #expect(throws: UpstreamError.self) { try UpstreamRequests.declining(other) }
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

    @Test func anUpstreamThatExitsSaysWhyFromItsStderr() async throws {
        let upstream = StdioUpstream(
            command: ["sh", "-c", "echo 'Traceback (most recent call last):' >&2; echo \"ModuleNotFoundError: No module named 'mcp'\" >&2; exit 1"],
            environment: [:], timeout: .seconds(60))
        do {
            _ = try await upstream.tools()
            Issue.record("an upstream that exits answered")
        } catch {
            #expect("\(error)".contains("ModuleNotFoundError: No module named 'mcp'"), "\(error)")
        }
        await upstream.shutdown()
    }

    @Test func anUpstreamThatNeverAnswersTimesOut() async throws {
        // It would answer nothing for five minutes; the timeout ends the wait long before
        // (generously bounded: a busy test machine delays timers).
        let upstream = StdioUpstream(command: ["sleep", "300"], environment: [:], timeout: .seconds(1))
        let began = ContinuousClock.now
        await #expect(throws: UpstreamError.self) { _ = try await upstream.tools() }
        #expect(ContinuousClock.now - began < .seconds(150))
        await upstream.shutdown()
    }
}

/// Routing header values: plain when header-safe, else the base64 sentinel, read back exactly.
@Suite("MCP header values")
struct HeaderValueTests {
    @Test(arguments: [
        ("get_pod_logs", "get_pod_logs"), ("tools/call", "tools/call"), ("héllo", "=?base64?aMOpbGxv?="), (" padded", "=?base64?IHBhZGRlZA==?="),
        ("line\nbreak", "=?base64?bGluZQpicmVhaw==?="), ("=?base64?eA==?=", "=?base64?PT9iYXNlNjQ/ZUE9PT89?="),
    ])
    func valuesAreEncodedOnlyWhenTheyMustBeAndDecodeBack(_ value: String, _ header: String) {
        #expect(HeaderValue.encode(value) == header)
        #expect(HeaderValue.decode(header) == value)
    }

    @Test func aSentinelThatIsNotBase64OfTextDecodesToNothing() {
        #expect(HeaderValue.decode("=?base64?***?=") == nil)
        #expect(HeaderValue.decode("=?base64?/w==?=") == nil)
    }
}
