import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore

/// `rein-bench-serve --mcp`: the MCP gateway under load, over an upstream in this process that
/// answers at once (``FastUpstream``). Every call is a 2026-07-28 `tools/call` over HTTP with
/// its routing headers, on loopback, with SQLite durable. It measures:
/// - the baseline: the same client calling the upstream directly, one call at a time;
/// - an allowed read through the gateway, one call at a time: decided, recorded as a
///   proposal, forwarded to the upstream, its output recorded as the observation, answered.
///   The overhead is the gateway's percentile minus the baseline's;
/// - gated calls per second with concurrent clients, each working its own incidents: seven
///   allowed reads and one denial per incident (a runbook's `max_iterations` bounds the calls of
///   one incident).
enum GatewayLoad {
    static let callsPerIncident = 8
    static let read = #"{"name":"get_pod_logs","arguments":{"namespace":"cart","pod":"cart-service-59c7-x1z","container":"cart","reason":"why does it crash?"}}"#
    static let denied = #"{"name":"get_pod_logs","arguments":{"namespace":"kube-system","pod":"p","container":"c","reason":"look around"}}"#
    static let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#

    static func run(_ client: HTTPClient, binaries: URL, folder: URL, options: LoadGenerator.Options) async throws {
        let upstream = FastUpstream()
        let upstreamPort = try await upstream.start()
        let receiver = EffectReceiver()
        let hookPort = try await receiver.start()
        try LoadGenerator.config(
            in: folder, webhook: "http://127.0.0.1:\(hookPort)/hook",
            extra: """
                mcp:
                  upstreams:
                    fast: {url: "http://127.0.0.1:\(upstreamPort)/mcp"}
                  tools:
                    get_pod_logs: {upstream: fast, tool: pods_log, args: {namespace: namespace, name: pod, container: container}}
                """)
        let server = try await Server.start(binaries: binaries, folder: folder, client: client)
        defer { server.stop() }
        let samples = options.calls
        print("rein-bench-serve --mcp: \(samples) calls one at a time, directly and through the gateway; then \(options.clients) clients for \(options.seconds) s")

        let upstreamURL = "http://127.0.0.1:\(upstreamPort)/mcp"
        _ = try await measure(samples / 10) { n in try await call(client, upstreamURL, token: nil, tool: "pods_log", id: n, params: upstreamRead) }
        let direct = try await measure(samples) { n in try await call(client, upstreamURL, token: nil, tool: "pods_log", id: n, params: upstreamRead) }
        var sequence = Counter(prefix: "INC-MCP-SEQ")
        _ = try await measure(samples / 10) { n in try await gatewayRead(client, server.port, &sequence, n) }
        let gateway = try await measure(samples) { n in try await gatewayRead(client, server.port, &sequence, n) }
        var denials = Counter(prefix: "INC-MCP-DENY")
        let denial = try await measure(samples) { n in
            let (id, fresh) = denials.next()
            if fresh { _ = try await LoadGenerator.post(client, server.port, "/v1/incidents", "bench-agent-token", LoadGenerator.opening(id)) }
            let (_, took) = try await call(client, "http://127.0.0.1:\(server.port)/v1/incidents/\(id)/mcp", token: "bench-agent-token", tool: "get_pod_logs", id: n, params: denied)
            return (true, took)
        }
        report("upstream called directly", direct)
        report("allowed read through the gateway", gateway)
        report("denied call through the gateway (decided and recorded, nothing forwarded)", denial)
        print(String(format: "gateway overhead: p50 %.2f ms, p99 %.2f ms (the gateway's percentile minus the direct call's)",
                     (gateway.p50 - direct.p50), (gateway.p99 - direct.p99)))

        let load = try await drive(client, port: server.port, clients: options.clients, seconds: options.seconds)
        print(String(format: "gated calls with %d clients: %d in %.1f s = %.0f/s (%d allowed and forwarded, %d denied, %d unexpected answers); p50 %.2f ms, p99 %.2f ms",
                     options.clients, load.calls, load.elapsed, Double(load.calls) / load.elapsed, load.allowed, load.denied, load.unexpected,
                     Double(load.histogram.valueAtPercentile(50)) / 1000, Double(load.histogram.valueAtPercentile(99)) / 1000))
        print("upstream calls received: \(upstream.called)")
        await upstream.stop()
        await receiver.stop()
    }

    static let upstreamRead = #"{"name":"pods_log","arguments":{"namespace":"cart","name":"cart-service-59c7-x1z","container":"cart"}}"#

    /// Incident ids, a new one every `callsPerIncident` calls.
    struct Counter {
        var prefix: String
        var incident = -1
        var calls = 0
        mutating func next() -> (id: String, fresh: Bool) {
            let fresh = calls % GatewayLoad.callsPerIncident == 0
            if fresh { incident += 1 }
            calls += 1
            return ("\(prefix)-\(incident)", fresh)
        }
    }

    /// One allowed read through the gateway (the incident opened first when it is a new one,
    /// untimed); whether it answered the upstream's output.
    static func gatewayRead(_ client: HTTPClient, _ port: Int, _ counter: inout Counter, _ n: Int) async throws -> (Bool, Duration) {
        let (id, fresh) = counter.next()
        if fresh { _ = try await LoadGenerator.post(client, port, "/v1/incidents", "bench-agent-token", LoadGenerator.opening(id)) }
        return try await call(client, "http://127.0.0.1:\(port)/v1/incidents/\(id)/mcp", token: "bench-agent-token", tool: "get_pod_logs", id: n, params: read)
    }

    /// One `tools/call` of the 2026-07-28 era: whether it answered the upstream's output, and
    /// how long it took.
    static func call(_ client: HTTPClient, _ url: String, token: String?, tool: String, id: Int, params: String) async throws -> (Bool, Duration) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        request.headers.add(name: "MCP-Protocol-Version", value: "2026-07-28")
        request.headers.add(name: "Mcp-Method", value: "tools/call")
        request.headers.add(name: "Mcp-Name", value: tool)
        request.body = .bytes(ByteBuffer(string: #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":\#(params.dropLast()),\#(meta)}}"#))
        let began = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = String(buffer: try await response.body.collect(upTo: 16 << 20))
        let took = ContinuousClock.now - began
        return (response.status == .ok && body.contains("connection refused (redis:6379)") && !body.contains(#""isError":true"#), took)
    }

    struct Percentiles {
        var p50: Double
        var p99: Double
        var max: Double
        var count: UInt64
        var failures: Int
    }

    /// `count` calls one after the other; their latency percentiles in milliseconds.
    static func measure(_ count: Int, _ body: (Int) async throws -> (Bool, Duration)) async throws -> Percentiles {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        var failures = 0
        for n in 0..<count {
            let (ok, took) = try await body(n)
            failures += ok ? 0 : 1
            _ = histogram.record(microseconds(took))
        }
        return Percentiles(
            p50: Double(histogram.valueAtPercentile(50)) / 1000, p99: Double(histogram.valueAtPercentile(99)) / 1000, max: Double(histogram.max) / 1000,
            count: histogram.totalCount, failures: failures)
    }

    static func report(_ what: String, _ figures: Percentiles) {
        print(String(format: "%@: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d calls, %d not as expected)", what, figures.p50, figures.p99, figures.max, figures.count, figures.failures))
    }

    static func microseconds(_ duration: Duration) -> UInt64 {
        UInt64(duration.components.attoseconds / 1_000_000_000_000) + UInt64(duration.components.seconds) * 1_000_000
    }

    struct Load: Tally {
        var calls = 0
        var allowed = 0
        var denied = 0
        var unexpected = 0
        var elapsed = 0.0
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)

        mutating func add(_ other: Load) {
            calls += other.calls
            allowed += other.allowed
            denied += other.denied
            unexpected += other.unexpected
            histogram.add(other.histogram)
        }
    }

    /// `clients` clients for `seconds`, each opening incidents and making seven allowed reads
    /// and one denied call in each.
    static func drive(_ client: HTTPClient, port: Int, clients: Int, seconds: Double) async throws -> Load {
        var (total, elapsed) = try await runWorkers(clients, seconds: seconds) { worker, deadline in
            var load = Load()
            var counter = Counter(prefix: "INC-MCP-\(worker)")
            while ContinuousClock.now < deadline {
                let (id, fresh) = counter.next()
                if fresh { _ = try await LoadGenerator.post(client, port, "/v1/incidents", "bench-agent-token", LoadGenerator.opening(id)) }
                let deny = counter.calls % callsPerIncident == 0
                let (ok, took) = try await call(
                    client, "http://127.0.0.1:\(port)/v1/incidents/\(id)/mcp", token: "bench-agent-token", tool: "get_pod_logs", id: counter.calls,
                    params: deny ? denied : read)
                _ = load.histogram.record(microseconds(took))
                load.calls += 1
                if deny { load.denied += 1 } else if ok { load.allowed += 1 } else { load.unexpected += 1 }
            }
            return load
        }
        total.elapsed = elapsed
        return total
    }
}
