import HTTPTypes
import Hummingbird
import Logging

/// Counts every request by route (the route's template, `/v1/incidents/{id}`, never the id) and
/// status, times it, and logs it: method, route, incident, status, milliseconds — never a header
/// or a body, so never a token. Refusals arrive here as thrown errors: they are counted with
/// their status and passed on.
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: Int(status), since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let took = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.httpRequests(route: route, status: status).increment()
        metrics.httpSeconds(route: route).record(took)
        guard route != "/metrics", route != "/healthz", route != "/readyz" else { return }
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
            "ms": "\(Double(took.components.attoseconds / 1_000_000_000_000) / 1000 + Double(took.components.seconds) * 1000)",
        ]
        if let incident = context.parameters.get("id") { metadata["incident"] = "\(incident)" }
        logger.info("request", metadata: metadata)
    }
}
