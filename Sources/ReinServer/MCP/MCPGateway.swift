import Foundation
import ReinAdapters
import Synchronization

/// An MCP request as the HTTP layer hands it over: the HTTP method, the headers (names in
/// lower case; a name given twice is listed twice), and the body.
public struct MCPRequest: Sendable {
    public var method: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// The header's values.
    func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
}

/// What the HTTP layer answers: a status, headers, and a JSON body or none — or, for a call
/// that holds, an SSE stream of messages (`stream`), ended early with `cancel` when the client
/// goes away.
public struct MCPReply: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)] = []
    public var body: JSONValue?
    var stream: CallChannel?
    var cancel: (@Sendable () -> Void)?

    /// The messages of a streamed answer, as SSE frames (a keep-alive is a comment line).
    public var frames: AsyncStream<[UInt8]>? {
        guard let stream else { return nil }
        let (frames, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        Task {
            for await item in stream.items {
                switch item {
                case .message(let message): continuation.yield(Array("event: message\ndata: ".utf8) + JSONWriter.encode(message) + Array("\n\n".utf8))
                case .keepAlive: continuation.yield(Array(": keep-alive\n\n".utf8))
                }
            }
            continuation.finish()
        }
        return frames
    }

    /// The client went away: the call stops holding, and nothing more is sent.
    public func clientGone() { cancel?() }
}

/// The MCP server of an incident (`/v1/incidents/{id}/mcp`): the agent's tools are exactly the
/// runbook's, and every call is a proposal Rein decides first (docs/SERVE.md, "The MCP
/// gateway"). It speaks both eras on one URL: the stateless 2026-07-28 revision, and the
/// session-based 2025-06-18 / 2025-11-25 one (`initialize`, `Mcp-Session-Id`).
public final class MCPGateway: Sendable {
    static let modernVersion = "2026-07-28"
    /// The handshake versions answered to `initialize`; the last is the one offered otherwise.
    static let handshakeVersions = ["2025-06-18", "2025-11-25"]
    /// Versions a client may name in `MCP-Protocol-Version` for the session era.
    static let legacyHeaderVersions: Set<String> = ["2025-03-26", "2025-06-18", "2025-11-25"]
    /// How many session-era sessions are kept; the oldest go first.
    static let maxSessions = 10_000

    let host: SessionHost
    let settings: MCPConfig
    /// The tool servers allowed calls are forwarded to, by name.
    let upstreams: [String: any MCPUpstream]
    private let sessions = Mutex<(byID: [String: Session], order: [String])>(([:], []))
    /// Calls holding, by session and request id (the session era cancels them by notification).
    private let inFlight = Mutex<[String: (channel: CallChannel, task: Task<Void, Never>)]>([:])

    struct Session: Sendable {
        var incident: String
        var version: String
    }

    public init(host: SessionHost, settings: MCPConfig = MCPConfig(), upstreams: [String: any MCPUpstream] = [:]) {
        self.host = host
        self.settings = settings
        self.upstreams = upstreams
    }

    /// Answers `request` for incident `incident`, whose owner has already been checked.
    public func handle(_ request: MCPRequest, incident: String) async -> MCPReply {
        switch request.method {
        case "POST": return await post(request, incident: incident)
        case "DELETE":
            guard let id = request.values("mcp-session-id").first,
                sessions.withLock({ $0.byID[id]?.incident == incident })
            else { return MCPReply(status: 405, headers: [("Allow", "POST")]) }
            sessions.withLock { state in
                state.byID[id] = nil
                state.order.removeAll { $0 == id }
            }
            return MCPReply(status: 200)
        default:
            // No server-to-client stream is offered, in either era.
            return MCPReply(status: 405, headers: [("Allow", "POST, DELETE")])
        }
    }

    private func post(_ request: MCPRequest, incident: String) async -> MCPReply {
        let message: RPCMessage
        switch RPCMessage.parse(request.body) {
        case .success(let read): message = read
        case .failure(let error): return MCPReply(status: 400, body: error.json)
        }
        let header = request.values("mcp-protocol-version").first
        let metaVersion = message.meta["io.modelcontextprotocol/protocolVersion"]
        let modern = message.method != "initialize" && request.values("mcp-session-id").isEmpty
            && (header.map { !Self.legacyHeaderVersions.contains($0) } ?? (metaVersion != nil))
        do {
            if modern { return try await serveModern(message, request, incident: incident) }
            return try await serveLegacy(message, request, incident: incident)
        } catch {
            var error = error
            if error.id == nil { error.id = message.id }
            return MCPReply(status: Self.status(of: error.code, modern: modern), body: error.json)
        }
    }

    /// HTTP statuses of JSON-RPC errors: 400 for what the request got wrong, 404 for an unknown
    /// method (2026-07-28), 200 otherwise.
    static func status(of code: Int64, modern: Bool) -> Int {
        switch code {
        case RPCError.parseError, RPCError.invalidRequest, RPCError.headerMismatch, RPCError.unsupportedVersion: 400
        case RPCError.invalidParams: modern ? 400 : 200
        case RPCError.methodNotFound: modern ? 404 : 200
        default: 200
        }
    }

    // MARK: - The session era

    private func serveLegacy(_ message: RPCMessage, _ request: MCPRequest, incident: String) async throws(RPCError) -> MCPReply {
        if message.method == "initialize", let id = message.id {
            let requested = message.params["protocolVersion"].flatMap { if case .string(let v) = $0 { v } else { nil } }
            let version = requested.flatMap { Self.handshakeVersions.contains($0) ? $0 : nil } ?? Self.handshakeVersions[Self.handshakeVersions.count - 1]
            let session = UUID().uuidString.lowercased()
            sessions.withLock { state in
                state.byID[session] = Session(incident: incident, version: version)
                state.order.append(session)
                while state.order.count > Self.maxSessions { state.byID[state.order.removeFirst()] = nil }
            }
            let result = JSONObject(entries: [
                ("protocolVersion", .string(version)), ("capabilities", Self.capabilities), ("serverInfo", Self.serverInfo),
                ("instructions", .string(Self.instructions)),
            ])
            return MCPReply(status: 200, headers: [("Mcp-Session-Id", session)], body: rpcResult(id, .object(result)))
        }
        guard let session = request.values("mcp-session-id").first else {
            throw RPCError(code: RPCError.invalidRequest, message: "missing Mcp-Session-Id: send `initialize` first")
        }
        guard let known = sessions.withLock({ $0.byID[session] }), known.incident == incident else {
            return MCPReply(
                status: 404, body: RPCError(code: RPCError.invalidRequest, message: "unknown session: initialize again", id: message.id).json)
        }
        if let header = request.values("mcp-protocol-version").first, !Self.legacyHeaderVersions.contains(header) {
            throw RPCError(code: RPCError.invalidRequest, message: "unsupported MCP-Protocol-Version `\(header)`")
        }
        guard case .request(let id, let method) = message.kind else {
            if message.method == "notifications/cancelled", let request = message.params["requestId"] {
                let key = "\(session)#\(JSONWriter.string(request))"
                if let call = inFlight.withLock({ $0.removeValue(forKey: key) }) {
                    call.channel.cancel()
                    call.task.cancel()
                }
            }
            return MCPReply(status: 202)
        }
        let result: JSONValue
        switch method {
        case "ping": result = .object(JSONObject(entries: []))
        case "tools/list": result = .object(JSONObject(entries: [("tools", .array(try await tools(incident)))]))
        case "tools/call":
            return await callReply(message, id: id, incident: incident, modern: false, headers: [("Mcp-Session-Id", session)], key: "\(session)#\(JSONWriter.string(id))")
        default: throw RPCError(code: RPCError.methodNotFound, message: "method not found: \(method)")
        }
        return MCPReply(status: 200, headers: [("Mcp-Session-Id", session)], body: rpcResult(id, result))
    }

    // MARK: - 2026-07-28

    private func serveModern(_ message: RPCMessage, _ request: MCPRequest, incident: String) async throws(RPCError) -> MCPReply {
        let meta = message.meta
        guard case .string(let version)? = meta["io.modelcontextprotocol/protocolVersion"],
            case .object? = meta["io.modelcontextprotocol/clientCapabilities"]
        else {
            throw RPCError(
                code: RPCError.invalidParams,
                message: "`_meta` must carry io.modelcontextprotocol/protocolVersion and io.modelcontextprotocol/clientCapabilities")
        }
        try Self.checkRouting(message, request, version: version)
        guard version == Self.modernVersion else {
            throw RPCError(
                code: RPCError.unsupportedVersion, message: "unsupported protocol version",
                data: .object(
                    JSONObject(entries: [
                        ("supported", .array(([Self.modernVersion] + Self.handshakeVersions.reversed()).map(JSONValue.string))),
                        ("requested", .string(version)),
                    ])))
        }
        guard case .request(let id, let method) = message.kind else { return MCPReply(status: 202) }
        var result: [(key: String, value: JSONValue)]
        switch method {
        case "server/discover":
            result = [
                ("supportedVersions", .array([.string(Self.modernVersion)])), ("capabilities", Self.capabilities),
                ("instructions", .string(Self.instructions)), ("ttlMs", .integer(Self.listTTL)), ("cacheScope", .string("private")),
            ]
        case "tools/list":
            result = [("tools", .array(try await tools(incident))), ("ttlMs", .integer(Self.listTTL)), ("cacheScope", .string("private"))]
        case "tools/call":
            return await callReply(message, id: id, incident: incident, modern: true, headers: [], key: nil)
        default: throw RPCError(code: RPCError.methodNotFound, message: "method not found: \(method)")
        }
        return MCPReply(status: 200, body: Self.modernResult(id, result))
    }

    /// A 2026-07-28 result: `resultType` first, the server's info added to its `_meta` (one
    /// `_meta`, with what the result already had in it).
    static func modernResult(_ id: JSONValue, _ entries: [(key: String, value: JSONValue)]) -> JSONValue {
        var entries = entries
        entries.insert(("resultType", .string("complete")), at: 0)
        let info: (key: String, value: JSONValue) = ("io.modelcontextprotocol/serverInfo", Self.serverInfo)
        if let index = entries.firstIndex(where: { $0.key == "_meta" }), case .object(let meta) = entries[index].value {
            entries[index].value = .object(JSONObject(entries: meta.entries + [info]))
        } else {
            entries.append(("_meta", .object(JSONObject(entries: [info]))))
        }
        return rpcResult(id, .object(JSONObject(entries: entries)))
    }

    /// Runs a `tools/call`: answered as one JSON object when it does not hold, or as an SSE
    /// stream (progress, keep-alives, then the response) when it waits for an approval.
    private func callReply(
        _ message: RPCMessage, id: JSONValue, incident: String, modern: Bool, headers: [(name: String, value: String)], key: String?
    ) async -> MCPReply {
        let channel = CallChannel(progressToken: message.meta["progressToken"])
        let params = message.params
        let task = Task {
            do throws(RPCError) {
                let result = try await self.call(params, incident: incident, channel: channel)
                let entries = if case .object(let object) = result { object.entries } else { [(key: String, value: JSONValue)]() }
                channel.finish(status: 200, modern ? Self.modernResult(id, entries) : rpcResult(id, result))
            } catch {
                var error = error
                error.id = id
                channel.finish(status: Self.status(of: error.code, modern: modern), error.json)
            }
        }
        if let key { inFlight.withLock { $0[key] = (channel, task) } }
        switch await channel.start() {
        case .answered(let status, let body):
            if let key { inFlight.withLock { _ = $0.removeValue(forKey: key) } }
            return MCPReply(status: status, headers: headers, body: body)
        case .holding:
            let release: @Sendable () -> Void = { [weak self] in
                if let key { self?.inFlight.withLock { _ = $0.removeValue(forKey: key) } }
            }
            Task {
                await task.value
                release()
            }
            return MCPReply(
                status: 200, headers: headers + [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache, no-transform"), ("X-Accel-Buffering", "no")],
                body: nil, stream: channel,
                cancel: {
                    channel.cancel()
                    task.cancel()
                    release()
                })
        }
    }

    /// The routing headers of 2026-07-28 must match the body: `MCP-Protocol-Version`,
    /// `Mcp-Method`, and `Mcp-Name` for `tools/call`; each given once, a value that is not
    /// header-safe in its base64 form (`=?base64?…?=`).
    static func checkRouting(_ message: RPCMessage, _ request: MCPRequest, version: String) throws(RPCError) {
        func expect(_ header: String, _ value: String?) throws(RPCError) {
            let given = request.values(header)
            guard given.count == 1, let first = given.first, HeaderValue.decode(first) == value else {
                throw RPCError(
                    code: RPCError.headerMismatch,
                    message: given.count > 1
                        ? "header mismatch: \(header) is given \(given.count) times"
                        : "header mismatch: \(header) `\(given.first ?? "")` does not match the body's `\(value ?? "")`")
            }
        }
        try expect("mcp-protocol-version", version)
        try expect("mcp-method", message.method)
        if message.method == "tools/call" {
            let name = message.params["name"].flatMap { if case .string(let text) = $0 { text } else { nil } }
            try expect("mcp-name", name)
        }
    }

    // MARK: - Shared

    /// Tool lists may be cached for five minutes: an incident's tools never change.
    static let listTTL: Int64 = 300_000

    static let capabilities = JSONValue.object(JSONObject(entries: [("tools", .object(JSONObject(entries: [("listChanged", .bool(false))])))]))

    static let serverInfo = JSONValue.object(JSONObject(entries: [("name", .string("rein")), ("version", .string("0.1.0"))]))

    static let instructions = """
        These are the only tools of this incident. Every call is checked by Rein before it runs: a denied call says why, \
        so correct it and call again. A tool that changes production waits for a human's approval.
        """

    /// The incident's tools (`tools/list`).
    private func tools(_ incident: String) async throws(RPCError) -> [JSONValue] {
        guard let actor = await host.incidentActor(incident) else { throw RPCError(code: RPCError.invalidParams, message: "no incident `\(incident)`") }
        return ToolCatalog.tools(actor.bundle.policy, runbook: actor.record.runbook) ?? []
    }
}
