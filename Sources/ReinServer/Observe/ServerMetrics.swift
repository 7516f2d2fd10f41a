import Prometheus

/// The server's Prometheus metrics (`GET /metrics`), under the names operators alert on:
/// decisions and their latency, open incidents, pending approvals, timeouts, effects, and HTTP
/// requests by route and status. One registry per server, so tests can run several.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let secondsBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    public init() {
        // Every series exists from the start, at zero.
        for decision in ["allow", "deny", "require_approval"] { decisions(decision).increment(by: Int64(0)) }
        timeouts.increment(by: Int64(0))
        incidentsOpen.set(to: 0)
        approvalsPending.set(to: 0)
    }

    func decisions(_ decision: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "rein_decisions", unitName: "total", helpText: "Proposals decided, by decision."),
            labels: [("decision", decision)])
    }

    var decisionSeconds: DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "rein_decision", unitName: "seconds", helpText: "Time to decide a proposal and apply its step."),
            labels: [], buckets: secondsBuckets)
    }

    var incidentsOpen: Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: "rein_incidents_open", unitName: "", helpText: "Incidents not closed."))
    }

    var approvalsPending: Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: "rein_approvals_pending", unitName: "", helpText: "Incidents waiting for approval."))
    }

    var timeouts: Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "rein_timeouts", unitName: "total", helpText: "Approval deadlines that fired."))
    }

    func effects(type: String, delivery: String) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "rein_effects", unitName: "total", helpText: "Effects produced, by type and delivery."),
            labels: [("type", type), ("delivery", delivery)])
    }

    func httpRequests(route: String, status: Int) -> Counter {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: "rein_http_requests", unitName: "total", helpText: "HTTP requests, by route and status."),
            labels: [("route", route), ("status", String(status))])
    }

    func httpSeconds(route: String) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "rein_http_request", unitName: "seconds", helpText: "HTTP request latency, by route."),
            labels: [("route", route)], buckets: secondsBuckets)
    }

    /// The metrics in the Prometheus text format.
    public func text() -> [UInt8] { registry.emitToBuffer() }
}
