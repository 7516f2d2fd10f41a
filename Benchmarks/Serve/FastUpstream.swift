import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// An upstream MCP server in the load generator's process that answers at once: the
/// 2026-07-28 era over Streamable HTTP, one read tool (`pods_log`) whose output is a few fixed
/// log lines. The gateway's overhead is measured over it, and it is also called directly, with
/// the same client, for the baseline.
final class FastUpstream: Sendable {
    static let output = "cart/cart-service-59c7-x1z: panic: connection refused (redis:6379)\ncart/cart-service-59c7-x1z: exiting"
    private let calls = Mutex(0)
    private let group: Mutex<ServiceGroup?> = Mutex(nil)

    var called: Int { calls.withLock { $0 } }

    /// Starts listening on loopback; the port.
    func start() async throws -> Int {
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let message = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                let method = message["method"] as? String
            else { return Response(status: .badRequest) }
            guard let id = message["id"] else { return Response(status: .accepted) }
            let result: [String: Any]
            switch method {
            case "server/discover":
                result = [
                    "resultType": "complete", "supportedVersions": ["2026-07-28"], "capabilities": ["tools": [:]], "ttlMs": 0, "cacheScope": "public",
                ]
            case "tools/list":
                let property = ["type": "string"]
                result = [
                    "resultType": "complete", "ttlMs": 0, "cacheScope": "public",
                    "tools": [
                        [
                            "name": "pods_log", "description": "The last log lines of a pod.",
                            "inputSchema": [
                                "type": "object", "properties": ["namespace": property, "name": property, "container": property],
                                "required": ["namespace", "name"],
                            ],
                        ]
                    ],
                ]
            case "tools/call":
                self.calls.withLock { $0 += 1 }
                result = ["resultType": "complete", "content": [["type": "text", "text": Self.output]], "isError": false]
            default:
                result = [:]
            }
            let reply = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "result": result])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: reply)))
        }
        let (port, group) = try await serveOnLoopback(router, name: "bench-upstream")
        self.group.withLock { $0 = group }
        return port
    }

    func stop() async {
        let group = self.group.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}
