import HTTPTypes
import Hummingbird

/// Counts every request by route (the route's template, `/v1/incidents/{id}`, never the id) and
/// status, and times it. Refusals arrive here as thrown errors: they are counted with their
/// status and passed on.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(route: context.endpointPath ?? "unmatched", status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(route: context.endpointPath ?? "unmatched", status: Int(status), since: started)
            throw error
        }
    }

    private func record(route: String, status: Int, since started: ContinuousClock.Instant) {
        metrics.httpRequests(route: route, status: status).increment()
        metrics.httpSeconds(route: route).record(ContinuousClock.now - started)
    }
}
