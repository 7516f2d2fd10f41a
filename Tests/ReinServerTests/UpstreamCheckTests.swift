import ReinAdapters
import Testing

@testable import ReinServer

/// At start-up, each mapping is checked against its upstream's own `tools/list`: the tool must
/// be there, take every argument the mapping gives, and be given every argument it requires.
@Suite("MCP upstream tool lists")
struct UpstreamCheckTests {
    /// An upstream that answers `tools/list` with fixed tools and nothing else.
    struct ListingUpstream: MCPUpstream {
        var tools: JSONValue
        func request(_ method: String, params: JSONObject) async throws -> JSONObject {
            guard method == "tools/list" else { throw UpstreamError(message: "unexpected `\(method)`") }
            return JSONObject(entries: [("tools", tools)])
        }
        func shutdown() async {}
    }

    /// An upstream that never lists its tools.
    struct SilentUpstream: MCPUpstream {
        func request(_ method: String, params: JSONObject) async throws -> JSONObject {
            throw UpstreamError(message: "the upstream process exited")
        }
        func shutdown() async {}
    }

    static let listing: JSONValue = {
        let text = """
            [{"name": "pods_log", "inputSchema": {"type": "object", "properties": {"namespace": {}, "name": {}, "container": {}},
              "required": ["namespace", "name"]}},
             {"name": "call_kubectl", "inputSchema": {"type": "object"}}]
            """
        guard case .success(let value) = JSONReader.parse(Array(text.utf8), maxBytes: 1 << 16) else { return .null }
        return value
    }()

    static func problems(_ tools: String) async throws -> [String] {
        let text = "mcp:\n  upstreams:\n    u: {url: \"http://127.0.0.1:1/mcp\"}\n  tools:\n" + tools
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().mcp)
        return await config.upstreamProblems(["u": ListingUpstream(tools: Self.listing)], path: "c.yaml")
    }

    @Test func mappingsThatFitHaveNoProblems() async throws {
        let problems = try await Self.problems(
            """
                get_pod_logs: {upstream: u, tool: pods_log, args: {namespace: namespace, name: pod, container: {const: ""}}}
                describe_pod: {upstream: u, tool: call_kubectl, args: {command: {template: "describe pod {pod}"}, anything: {const: 1}}}

            """)
        #expect(problems == [])
    }

    @Test func anArgumentTheUpstreamDoesNotTakeIsNamedAtItsPlace() async throws {
        let problems = try await Self.problems(
            "    get_pod_logs: {upstream: u, tool: pods_log, args: {namespace: namespace, name: pod, pod_name: pod}}\n")
        #expect(problems == ["c.yaml:5:99: upstream tool `pods_log` takes no argument `pod_name` (it takes `namespace`, `name`, `container`)"])
    }

    @Test func aRequiredArgumentTheMappingDoesNotGiveIsNamed() async throws {
        let problems = try await Self.problems("    get_pod_logs: {upstream: u, tool: pods_log, args: {namespace: namespace}}\n")
        #expect(problems == ["c.yaml:5:5: upstream tool `pods_log` requires `name`, which the mapping of `get_pod_logs` does not give"])
    }

    @Test func aToolTheUpstreamDoesNotOfferIsNamed() async throws {
        let problems = try await Self.problems("    get_pod_logs: {upstream: u, tool: pod_logs, args: {namespace: namespace}}\n")
        #expect(problems == ["c.yaml:5:5: upstream `u` has no tool `pod_logs` (it offers pods_log, call_kubectl)"])
    }

    @Test func anUpstreamThatDoesNotListItsToolsIsNamedOnceNotForEachMapping() async throws {
        let text = """
            mcp:
              upstreams:
                u: {url: "http://127.0.0.1:1/mcp"}
              tools:
                get_pod_logs: {upstream: u, tool: pods_log, args: {namespace: namespace}}
                describe_pod: {upstream: u, tool: call_kubectl, args: {command: {template: "describe pod {pod}"}}}

            """
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().mcp)
        let problems = await config.upstreamProblems(["u": SilentUpstream()], path: "c.yaml")
        #expect(problems == ["c.yaml:5:5: upstream `u` did not list its tools: the upstream process exited"])
    }
}
