import Hummingbird

/// Once the host is shutting down, every `/v1` request and `/readyz` is answered 503
/// (`unavailable`) with `Retry-After`: requests already past the gate finish, new ones go to
/// another replica or come back after the restart.
struct ShutdownGate<Context: RequestContext>: RouterMiddleware {
    let host: SessionHost

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard host.isShuttingDown, path.hasPrefix("/v1/") || path == "/readyz" else { return try await next(request, context) }
        throw APIError.shuttingDown
    }
}
