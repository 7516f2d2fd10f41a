import Foundation
import ReinAdapters
import ReinServer
import Synchronization
import Testing

/// An approved write the MCP gateway forwards runs at most once: a server stopped while the
/// upstream runs it does not send it again at the next start, but records the execution as
/// failed, its outcome unknown, and releases the role.
@Suite("MCP gateway: forwarded writes across a restart")
struct ForwardedWriteTests {
    /// A write upstream that takes every call and never answers (until cancelled).
    final class StuckUpstream: MCPUpstream {
        private let calls = Mutex<[String]>([])
        var called: [String] { calls.withLock { $0 } }

        func request(_ method: String, params: JSONObject) async throws -> JSONObject {
            guard method == "tools/call", case .string(let name)? = params["name"] else { throw CancellationError() }
            calls.withLock { $0.append(name) }
            try await Task.sleep(for: .seconds(3600))
            return JSONObject(entries: [])
        }

        func shutdown() async {}
    }

    static let mapping = """
        mcp:
          upstreams:
            write: {url: "http://127.0.0.1:1/mcp"}
          tools:
            restart_deployment: {upstream: write, tool: restart, args: {namespace: namespace, name: deployment}}

        """

    /// The webhook's executors, with restarts forwarded to `upstream`.
    static func executors(_ receiver: WebhookReceiver, _ upstream: StuckUpstream) throws -> (EffectExecutors, MCPExecuteExecutor) {
        let settings = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(mapping.utf8))).get().mcp)
        let forwarder = MCPExecuteExecutor(settings: settings, upstreams: ["write": upstream])
        var executors = receiver.executors()
        executors.mcp = forwarder
        executors.forwardedTools = forwarder.tools(in: exampleBundle.policy)
        return (executors, forwarder)
    }

    @Test func aWriteUnderWayWhenTheServerStopsIsFailedAtTheNextStartNeverSentTwice() async throws {
        let receiver = try await WebhookReceiver.start()
        let upstream = StuckUpstream()
        let (executors, forwarder) = try Self.executors(receiver, upstream)
        #expect(executors.forwardedTools == ["restart_deployment"])
        let first = try await TestServer.start(at: APITests.weekday, executors: executors)
        forwarder.attach(first.host)
        let digest = try await EffectDeliveryTests.awaitingApproval(first, "INC-FW")
        try await EffectDeliveryTests.approve(first, "INC-FW", digest: digest)
        try await EffectDeliveryTests.eventually("the activation is received") { receiver.ids("activate_role") == ["INC-FW/2/0"] }
        #expect(try await EffectDeliveryTests.ack(first, "INC-FW/2/0").status == 200)
        try await EffectDeliveryTests.eventually("the write reaches the upstream") { upstream.called == ["restart"] }
        #expect(try await EffectDeliveryTests.delivery(first, "INC-FW/2/1") == "delivered")
        try await first.stop()

        // The next start: the write is not sent again; the incident ends failed, role released.
        let (again, forwarderAgain) = try Self.executors(receiver, upstream)
        let second = try await TestServer.start(at: APITests.weekday, folder: first.folder, executors: again)
        forwarderAgain.attach(second.host)
        do {
            let view = try await second.get("/v1/incidents/INC-FW", token: "dashboards-token")
            #expect(view["outcome"]?["outcome"] == .string("failed"))
            #expect(try await EffectDeliveryTests.delivery(second, "INC-FW/2/1") == "failed")
            #expect(try await EffectDeliveryTests.lastResultDetail(second, "INC-FW")?.contains("its outcome is unknown") == true)
            try await EffectDeliveryTests.eventually("the role is released") { receiver.ids("deactivate_role") == ["INC-FW/3/0"] }
            try await Task.sleep(for: .milliseconds(200))
            #expect(upstream.called == ["restart"])
            #expect(receiver.ids("execute").isEmpty)
        } catch {
            try await second.stop()
            try await receiver.stop()
            throw error
        }
        try await second.stop()
        try await receiver.stop()
        #expect(receiver.violations.isEmpty, "\(receiver.violations)")
    }
}
