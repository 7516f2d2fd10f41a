import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReinAdapters

/// The HTTP API (docs/SERVE.md): each route authenticates the bearer token, reads its body
/// strictly (at most 1 MiB) and hands the work to the ``SessionHost``.
public struct APIRoutes: Sendable {
    public static let maxBodyBytes = 1 << 20

    let host: SessionHost
    let tokens: TokenTable
    let gateway: MCPGateway
    let alerts: AlertIntake
    let teams: TeamsInbox?

    /// `alerts`: how `POST /v1/alerts` authenticates and whom its incidents belong to (without
    /// it, the route answers 404). `teams`: what Teams sends the bot (`POST /api/messages`;
    /// without it, 404).
    public init(
        host: SessionHost, tokens: TokenTable, mcp: MCPConfig = MCPConfig(), upstreams: [String: any MCPUpstream] = [:], alerts: AlertIntake? = nil,
        teams: TeamsInbox? = nil
    ) {
        self.host = host
        self.teams = teams
        self.tokens = tokens
        self.gateway = MCPGateway(host: host, settings: mcp, upstreams: upstreams)
        self.alerts =
            alerts ?? AlertIntake(host: host, tokens: tokens, config: nil, verifier: nil, clock: SystemClock(), logger: host.services.logger)
    }

    /// The router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestObserver(metrics: host.services.metrics, logger: host.services.logger))
        router.add(middleware: ShutdownGate(host: host))
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: await host.metricsText())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.get("/healthz") { _, _ in APIResponse.json(.object(JSONObject(entries: [("status", .string("ok"))]))) }
        router.get("/readyz") { _, _ in APIResponse.json(.object(JSONObject(entries: [("status", .string("ready"))]))) }
        router.post("/v1/alerts") { request, _ in
            let body = try await readBody(request, path: "alert.json")
            let (answer, status) = try await alerts.receive(
                authorization: request.headers[.authorization], queryToken: request.uri.queryParameters.get("token"), body: body.bytes)
            return APIResponse.json(answer, status: status)
        }
        router.post("/api/messages") { request, _ in
            guard let teams else { throw APIError(.notFound, "not_found", "Teams is not configured here (`teams` in rein-serve.yaml)") }
            let body = try await readBody(request, path: "activity.json")
            let answer = await teams.receive(authorization: request.headers[.authorization], body: body.bytes)
            let status = HTTPResponse.Status(code: answer.status)
            guard let json = answer.body else { return Response(status: status) }
            return APIResponse.json(json, status: status)
        }
        router.post("/v1/incidents") { request, _ in
            let principal = try authenticate(request)
            let body = try await readBody(request, path: "incident.json")
            let (view, created) = try await run { () async throws(HostError) in try await host.open(body, by: principal) }
            return APIResponse.json(view, status: created ? .created : .ok)
        }
        router.post("/v1/incidents/{id}/events") { request, context in
            let principal = try authenticate(request)
            let id = try context.parameters.require("id")
            let body = try await readBody(request, path: "event.json")
            return APIResponse.json(try await run { () async throws(HostError) in try await host.post(event: body, to: id, by: principal) })
        }
        router.post("/v1/incidents/{id}/approvals") { request, context in
            let principal = try authenticate(request)
            let id = try context.parameters.require("id")
            let body = try await readBody(request, path: "verdict.json")
            return APIResponse.json(try await run { () async throws(HostError) in try await host.post(verdict: body, to: id, by: principal) })
        }
        router.get("/v1/incidents/{id}") { request, context in
            let principal = try authenticate(request)
            let id = try context.parameters.require("id")
            let after = request.uri.queryParameters.get("after") == nil ? nil : try integer(request, "after", default: 0, in: 0...Int64(Int32.max))
            let wait = try integer(request, "wait", default: 0, in: 0...60)
            return APIResponse.json(
                try await run { () async throws(HostError) in
                    try await host.view(id, by: principal, after: after.map { Int($0) }, wait: .seconds(wait))
                })
        }
        router.get("/v1/incidents") { request, _ in
            let principal = try authenticate(request)
            let phase = request.uri.queryParameters.get("phase")
            let cursor = request.uri.queryParameters.get("cursor") == nil ? nil : try integer(request, "cursor", default: 0, in: 0...Int64(Int32.max))
            let limit = try integer(request, "limit", default: 100, in: 1...1000)
            return APIResponse.json(
                try await run { () async throws(HostError) in
                    try await host.list(by: principal, phase: phase, cursor: cursor.map { Int($0) }, limit: Int(limit))
                })
        }
        router.get("/v1/bundles/{digest}") { request, context in
            let principal = try authenticate(request)
            let digest = try context.parameters.require("digest")
            return APIResponse.json(try await run { () async throws(HostError) in try await host.bundleView(digest, by: principal) })
        }
        router.post("/v1/bundles/reload") { request, _ in
            let principal = try authenticate(request)
            return APIResponse.json(try await run { () async throws(HostError) in try await host.reload(by: principal) })
        }
        router.get("/v1/incidents/{id}/recording") { request, context in
            let principal = try authenticate(request)
            let id = try context.parameters.require("id")
            let recorded = try await run { () async throws(HostError) in try await host.recording(id, by: principal) }
            let accept = request.headers[values: .accept].joined(separator: ",").lowercased()
            guard accept.contains("application/yaml") || accept.contains("text/yaml") else {
                return APIResponse.json(RecordingEncoder.json(recorded))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: RecordingEncoder.yaml(recorded))))
        }
        // The incident's MCP server: the agent's tools, each call decided by Rein.
        router.post("/v1/incidents/{id}/mcp") { request, context in try await mcp(request, context) }
        router.get("/v1/incidents/{id}/mcp") { request, context in try await mcp(request, context) }
        router.delete("/v1/incidents/{id}/mcp") { request, context in try await mcp(request, context) }
        // An effect id is `{incident}/{step}/{n}`: written as it is, it spans three segments (the
        // first named `id`, as the router wants one name a position);
        // percent-encoded (`%2F`), one.
        router.post("/v1/effects/{id}/{step}/{n}/ack") { request, context in
            let id = ["id", "step", "n"].compactMap { context.parameters.get($0) }.joined(separator: "/")
            return try await acknowledge(request, id)
        }
        router.post("/v1/effects/{id}/ack") { request, context in
            let raw = try context.parameters.require("id")
            return try await acknowledge(request, raw.removingPercentEncoding ?? raw)
        }
        router.get("/v1/audit") { request, _ in
            let principal = try authenticate(request)
            guard principal.role == .reader || principal.role == .admin else {
                throw APIError(.forbidden, "forbidden", "only a reader or an admin reads the audit log")
            }
            let after = try integer(request, "after", default: -1, in: -1...Int64.max)
            let limit = try integer(request, "limit", default: 1000, in: 1...10_000)
            let lines = try await run { () async throws(HostError) in try await host.auditLines(after: after, limit: Int(limit)) }
            var bytes: [UInt8] = []
            for line in lines {
                bytes += line.utf8
                bytes.append(0x0A)
            }
            return Response(status: .ok, headers: [.contentType: "application/jsonl"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return router
    }

    private func mcp(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let principal = try authenticate(request)
        let id = try context.parameters.require("id")
        try await run { () async throws(HostError) in try await host.checkOwner(id, principal) }
        let body = request.method == .post ? try await readBody(request, path: "mcp.json").bytes : []
        let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        let reply = await gateway.handle(MCPRequest(method: request.method.rawValue, headers: headers, body: body), incident: id)
        if let frames = reply.frames {
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let field = HTTPField.Name(name) { fields[field] = value }
            }
            return Response(
                status: .ok, headers: fields,
                body: ResponseBody { writer in
                    do {
                        for await frame in frames { try await writer.write(ByteBuffer(bytes: frame)) }
                        try await writer.finish(nil)
                    } catch {
                        // The client went away: the call stops holding.
                        reply.clientGone()
                        throw error
                    }
                })
        }
        var response = reply.body.map { APIResponse.json($0, status: HTTPResponse.Status(code: reply.status)) }
            ?? Response(status: HTTPResponse.Status(code: reply.status))
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        return response
    }

    private func acknowledge(_ request: Request, _ id: String) async throws -> Response {
        let principal = try authenticate(request)
        let body = try await readBody(request, path: "ack.json")
        return APIResponse.json(try await run { () async throws(HostError) in try await host.acknowledge(effect: id, body: body, by: principal) })
    }

    /// A query parameter that must be an integer in `range` when given.
    private func integer(_ request: Request, _ name: String, default value: Int64, in range: ClosedRange<Int64>) throws(APIError) -> Int64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw APIError(.badRequest, "bad_request", "`\(name)` must be an integer from \(range.lowerBound) to \(range.upperBound), not `\(text)`")
        }
        return number
    }

    private func authenticate(_ request: Request) throws(APIError) -> Principal {
        guard let principal = tokens.principal(forAuthorization: request.headers[.authorization]) else { throw .unauthorized }
        return principal
    }

    private func readBody(_ request: Request, path: String) async throws(APIError) -> SourceFile {
        do {
            let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
            return SourceFile(path: path, bytes: Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw .tooLarge
        } catch {
            throw APIError(.badRequest, "bad_request", "the body could not be read")
        }
    }

    private func run<T>(_ work: () async throws(HostError) -> T) async throws(APIError) -> T {
        do {
            return try await work()
        } catch {
            throw APIError(error)
        }
    }
}
