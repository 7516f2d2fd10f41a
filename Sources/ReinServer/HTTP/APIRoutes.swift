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

    public init(host: SessionHost, tokens: TokenTable) {
        self.host = host
        self.tokens = tokens
    }

    /// The router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in APIResponse.json(.object(JSONObject(entries: [("status", .string("ok"))]))) }
        router.get("/readyz") { _, _ in APIResponse.json(.object(JSONObject(entries: [("status", .string("ready"))]))) }
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
            return APIResponse.json(try await run { () async throws(HostError) in try await host.view(id, by: principal) })
        }
        router.get("/v1/incidents/{id}/recording") { request, context in
            let principal = try authenticate(request)
            let id = try context.parameters.require("id")
            let recorded = try await run { () async throws(HostError) in try await host.recording(id, by: principal) }
            return APIResponse.json(RecordingEncoder.json(recorded))
        }
        return router
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
