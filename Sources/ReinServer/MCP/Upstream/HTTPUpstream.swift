import AsyncHTTPClient
import Foundation
import NIOCore
import ReinAdapters
import Synchronization

/// An upstream MCP server over Streamable HTTP, of either protocol era. The first use asks
/// `server/discover` (2026-07-28); a server that does not answer it is spoken to in the
/// session era (`initialize`, `notifications/initialized`, then `Mcp-Session-Id` on every
/// request). Answers may be JSON or an SSE stream. Redirects are not followed, and every
/// request has a timeout: a dead upstream fails the call, never hangs it.
public final class HTTPUpstream: MCPUpstream {
    let url: String
    /// Headers sent with every request (credentials already read from the environment).
    let headers: [(String, String)]
    let timeout: TimeAmount
    private let client: HTTPClient
    private let state = Mutex<Connection?>(nil)
    private let nextID = Atomic<Int64>(1)

    enum Connection: Sendable {
        case modern
        case legacy(session: String?, version: String)
    }

    public init(url: String, headers: [(String, String)], timeout: TimeAmount = .seconds(30)) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends one request on the established connection (establishing it first); its result.
    public func request(_ method: String, params: JSONObject) async throws -> JSONObject {
        let connection = try await connect()
        let name = method == "tools/call" ? params["name"].flatMap { if case .string(let text) = $0 { text } else { nil } } : nil
        let (status, reply, _) = try await post(method: method, params: params, connection: connection, name: name)
        if case .legacy = connection, status == 404 {
            // The session ended on the upstream's side: begin a new one, once.
            state.withLock { $0 = nil }
            let again = try await connect()
            return try Self.result(of: try await post(method: method, params: params, connection: again, name: name).reply, method)
        }
        return try Self.result(of: reply, method)
    }

    private func connect() async throws -> Connection {
        if let known = state.withLock({ $0 }) { return known }
        let connection: Connection
        let (status, reply, _) = try await post(method: "server/discover", params: JSONObject(entries: []), connection: .modern, name: nil)
        if status == 200, case .object(let result)? = reply?["result"], case .array(let versions)? = result["supportedVersions"],
            versions.contains(.string(MCPGateway.modernVersion))
        {
            connection = .modern
        } else {
            let initialize = JSONObject(entries: [
                ("protocolVersion", .string("2025-11-25")), ("capabilities", .object(JSONObject(entries: []))),
                ("clientInfo", MCPGateway.serverInfo),
            ])
            let (status, reply, session) = try await post(method: "initialize", params: initialize, connection: .legacy(session: nil, version: ""), name: nil)
            guard status == 200, case .object(let result)? = reply?["result"], case .string(let version)? = result["protocolVersion"] else {
                throw UpstreamError(message: "the upstream at \(url) answered neither `server/discover` nor `initialize` (status \(status))")
            }
            connection = .legacy(session: session, version: version)
            _ = try await post(method: "notifications/initialized", params: nil, connection: connection, name: nil, notification: true)
        }
        state.withLock { $0 = connection }
        return connection
    }

    /// One POST; the status, the JSON-RPC response (from JSON or SSE), and any session id.
    private func post(
        method: String, params: JSONObject?, connection: Connection, name: String?, notification: Bool = false
    ) async throws -> (status: UInt, reply: JSONValue?, session: String?) {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var body: [(key: String, value: JSONValue)] = [("jsonrpc", .string("2.0"))]
        if !notification { body.append(("id", .integer(id))) }
        body.append(("method", .string(method)))
        var params = params
        if case .modern = connection {
            var entries = params?.entries ?? []
            entries.append(
                ("_meta", .object(
                    JSONObject(entries: [
                        ("io.modelcontextprotocol/protocolVersion", .string(MCPGateway.modernVersion)),
                        ("io.modelcontextprotocol/clientCapabilities", .object(JSONObject(entries: []))),
                        ("io.modelcontextprotocol/clientInfo", MCPGateway.serverInfo),
                    ]))))
            params = JSONObject(entries: entries)
        }
        if let params { body.append(("params", .object(params))) }
        var request = makeRequest(connection: connection, method: method, name: name)
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(.object(JSONObject(entries: body)))))
        let response = try await client.execute(request, timeout: timeout)
        let session = response.headers.first(name: "Mcp-Session-Id")
        guard (response.headers.first(name: "Content-Type") ?? "").hasPrefix("text/event-stream") else {
            let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
            guard case .success(let value) = JSONReader.parse(bytes, maxBytes: Int.max) else { return (response.status.code, nil, session) }
            return (response.status.code, value, session)
        }
        // An SSE stream: read it as it comes, answer what the upstream asks on it, and stop at
        // the response to this request.
        var reader = SSEReader()
        var answers: [Task<Void, Never>] = []
        defer { for answer in answers { answer.cancel() } }
        var events: [String] = []
        var chunks = response.body.makeAsyncIterator()
        while true {
            let chunk = try await chunks.next()
            if let chunk { events = try reader.feed(chunk.readableBytesView) } else { events = reader.finish().map { [$0] } ?? [] }
            for event in events {
                guard case .success(.object(let message)) = JSONReader.parse(event) else { continue }
                if message["id"] == .integer(id), message["method"] == nil { return (response.status.code, .object(message), session) }
                if let answer = UpstreamRequests.answer(to: message) {
                    answers.append(Task { await self.send(answer: answer, connection: connection) })
                }
            }
            if chunk == nil { return (response.status.code, nil, session) }
        }
    }

    /// A POST with Rein's headers and the connection's.
    private func makeRequest(connection: Connection, method: String?, name: String?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (header, value) in headers { request.headers.add(name: header, value: value) }
        switch connection {
        case .modern:
            request.headers.add(name: "MCP-Protocol-Version", value: MCPGateway.modernVersion)
            if let method { request.headers.add(name: "Mcp-Method", value: method) }
            if let name { request.headers.add(name: "Mcp-Name", value: HeaderValue.encode(name)) }
        case .legacy(let session, let version):
            if let session { request.headers.add(name: "Mcp-Session-Id", value: session) }
            if !version.isEmpty { request.headers.add(name: "MCP-Protocol-Version", value: version) }
        }
        return request
    }

    /// Posts Rein's answer to a request the upstream made on a stream (its status is not read:
    /// an upstream that does not take the answer learns nothing more from a retry).
    private func send(answer: JSONValue, connection: Connection) async {
        var request = makeRequest(connection: connection, method: nil, name: nil)
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(answer)))
        if let response = try? await client.execute(request, timeout: timeout) {
            _ = try? await response.body.collect(upTo: 1 << 16)
        }
    }

    /// The result object of a JSON-RPC response, or the error it carries.
    static func result(of reply: JSONValue?, _ method: String) throws -> JSONObject {
        guard case .object(let message)? = reply else { throw UpstreamError(message: "`\(method)` got no JSON-RPC answer") }
        if case .object(let error)? = message["error"] {
            let text = error["message"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "an error"
            throw UpstreamError(message: "`\(method)` failed upstream: \(text)")
        }
        guard case .object(let result)? = message["result"] else { throw UpstreamError(message: "`\(method)` got no result") }
        return result
    }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
