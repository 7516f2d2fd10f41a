import ReinAdapters
import Synchronization

/// Carries out an approved remediation the MCP gateway forwards: once its role activation is
/// acknowledged, the `execute` goes to the write upstream `mcp.tools` maps the tool to (whose
/// credentials are the remediator's, useless until the role is active). The upstream's answer
/// is the result: `succeeded` with its output as the detail, or — an error, or no answer —
/// the execute is acknowledged as failed, which records `failed` and releases the elevation.
/// A write is never sent twice: the execute is recorded as delivered before it goes out, a
/// failed attempt is a failed execution, not a retry, and one the server stopped during counts
/// as failed at the next start.
public final class MCPExecuteExecutor: EffectExecutor {
    let settings: MCPConfig
    let upstreams: [String: any MCPUpstream]
    private let host = Mutex<SessionHost?>(nil)

    public init(settings: MCPConfig, upstreams: [String: any MCPUpstream]) {
        self.settings = settings
        self.upstreams = upstreams
    }

    /// The tools it carries out: the write tools with a mapping to a known upstream.
    public func tools(in policy: CompiledPolicy) -> Set<String> {
        Set(settings.tools.filter { upstreams[$0.upstream] != nil && policy.tool(named: $0.reinTool)?.effect == .write }.map(\.reinTool))
    }

    /// The host whose incidents it records the results in (set once it exists).
    public func attach(_ host: SessionHost) { self.host.withLock { $0 = host } }

    public func deliver(_ delivery: EffectDelivery) async throws {
        guard let host = host.withLock({ $0 }) else { throw UpstreamError(message: "the gateway's executor is not attached to a host") }
        guard case .object(let effect) = delivery.effect, case .string(let tool)? = effect["tool"], case .object(let args)? = effect["args"],
            let mapping = settings.tools.first(where: { $0.reinTool == tool }), let upstream = upstreams[mapping.upstream]
        else {
            await host.settleExecution(delivery.id, succeeded: false, detail: "no upstream carries out the execution")
            return
        }
        guard await host.markSending(delivery.id) else { return }
        switch UpstreamArguments.build(mapping.args, args: args, kql: nil) {
        case .failure(let error):
            await host.settleExecution(delivery.id, succeeded: false, detail: error.message)
        case .success(let upstreamArgs):
            do {
                let result = try await upstream.callTool(mapping.tool, arguments: upstreamArgs)
                let (output, _) = MCPGateway.cut(MCPGateway.text(of: result), at: settings.outputLimit)
                await host.settleExecution(delivery.id, succeeded: result["isError"] != .bool(true), detail: output)
            } catch {
                // The server is stopping: the write may have run. It stays `delivered`, and the
                // next start records it as failed, its outcome unknown; it is never sent again.
                if Task.isCancelled { return }
                await host.settleExecution(delivery.id, succeeded: false, detail: "upstream `\(mapping.upstream)` failed: \(error)")
            }
        }
    }

    public func shutdown() async {}
}
