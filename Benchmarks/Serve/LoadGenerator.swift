import AsyncHTTPClient
import Crypto
import Foundation
import Histogram
import NIOCore
import NIOHTTP1

/// `rein-bench-serve`: the live host under load. Starts the `rein-serve` built beside it
/// (release) on a fresh database, and measures, on loopback with SQLite durable:
/// - sustained proposals per second with N concurrent agents, each opening incidents and
///   proposing a realistic mix (tool reads, a denial, a remediation that needs approval, its
///   approval, the executor's acknowledgements and result), with every effect delivered to a
///   webhook in this process, and the p50 / p99 of a proposal round trip (HDR histogram);
/// - start-up with 10,000 open incidents: from the process start to `/readyz`;
/// - idle memory: the server's resident set after the run, at rest.
///
/// With `--mcp`, the MCP gateway instead (``GatewayLoad``); with `--database`, replicas on one
/// PostgreSQL database (``ReplicaLoad``).
///
///     swift build -c release --product rein-serve
///     swift run -c release rein-bench-serve [--agents 32] [--seconds 20] [--open 10000]
///     swift run -c release rein-bench-serve --database postgres://… [--replicas 1,3] [--agents 32] [--seconds 20]
///     swift run -c release rein-bench-serve --mcp [--calls 3000] [--clients 16] [--seconds 20]
@main
struct LoadGenerator {
    static let tokens = [("agent", "bench-agent-token"), ("approver", "bench-alice-token"), ("executor", "bench-executor-token")]
    static let readLogs = #"{"propose":{"thought":"why","tool":"get_pod_logs","args":{"namespace":"cart","pod":"cart-service-59c7-x1z","container":"cart"}}}"#
    static let events = #"{"propose":{"thought":"events","tool":"get_events","args":{"namespace":"cart"}}}"#
    static let forbidden = #"{"propose":{"thought":"system","tool":"get_pod_logs","args":{"namespace":"kube-system","pod":"p","container":"c"}}}"#
    static let restart = #"{"propose":{"thought":"restart","remediate":"restart_deployment","args":{"namespace":"cart","deployment":"cart-service"}}}"#

    static func main() async throws {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))
        do {
            try await run(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func run(_ client: HTTPClient) async throws {
        let options = Options(CommandLine.arguments.dropFirst())
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        guard FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("rein-serve").path) else {
            print("rein-bench-serve: no rein-serve beside it; build it first: swift build -c release --product rein-serve")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-bench-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if options.mcp {
            try await GatewayLoad.run(client, binaries: binaries, folder: folder, options: options)
            return
        }
        if let database = options.database {
            try await ReplicaLoad.run(client, binaries: binaries, folder: folder, database: database, options: options)
            return
        }
        let receiver = EffectReceiver()
        let hookPort = try await receiver.start()
        try config(in: folder, webhook: "http://127.0.0.1:\(hookPort)/hook")

        var server = try await Server.start(binaries: binaries, folder: folder, client: client)
        print("rein-bench-serve: \(options.agents) agents for \(options.seconds) s, then \(options.open) open incidents and a restart")
        let load = try await drive(client, ports: [server.port], agents: options.agents, seconds: options.seconds)
        print(String(format: "proposals: %d in %.1f s = %.0f/s; incidents opened: %d", load.proposals, load.elapsed, Double(load.proposals) / load.elapsed, load.incidents))
        print(String(format: "proposal round trip: p50 %.2f ms, p99 %.2f ms, max %.2f ms (HDR histogram, %d samples)",
                     Double(load.histogram.valueAtPercentile(50)) / 1000, Double(load.histogram.valueAtPercentile(99)) / 1000,
                     Double(load.histogram.max) / 1000, load.histogram.totalCount))
        print("effects delivered to the webhook (signature checked): \(receiver.received), refused: \(receiver.refused)")
        try await openMany(client, port: server.port, count: options.open)
        try await Task.sleep(for: .seconds(2))
        let idle = server.residentKilobytes()
        print(String(format: "idle memory after the run: %.1f MB resident (%d incidents)", Double(idle) / 1024, load.incidents + options.open))
        server.stop()
        let started = ContinuousClock.now
        server = try await Server.start(binaries: binaries, folder: folder, client: client)
        let ready = ContinuousClock.now - started
        print(String(format: "start-up with %d stored incidents: ready in %.2f s", load.incidents + options.open, Double(ready.components.seconds) + Double(ready.components.attoseconds) / 1e18))
        print(String(format: "idle memory after start-up: %.1f MB resident", Double(server.residentKilobytes()) / 1024))
        server.stop()
        await receiver.stop()
    }

    struct Options {
        var agents = 32
        var seconds = 20.0
        var open = 10_000
        var mcp = false
        var clients = 16
        var calls = 3_000
        var database: String?
        var replicas = [1, 3]

        init(_ arguments: ArraySlice<String>) {
            var iterator = arguments.makeIterator()
            while let flag = iterator.next() {
                if flag == "--mcp" {
                    mcp = true
                    continue
                }
                let value = iterator.next() ?? ""
                switch flag {
                case "--agents": agents = Int(value) ?? agents
                case "--seconds": seconds = Double(value) ?? seconds
                case "--open": open = Int(value) ?? open
                case "--clients": clients = Int(value) ?? clients
                case "--calls": calls = Int(value) ?? calls
                case "--database": database = value
                case "--replicas": replicas = value.split(separator: ",").compactMap { Int($0) }
                default: print("rein-bench-serve: ignoring \(flag)")
                }
            }
        }
    }

    struct Load: Tally {
        var proposals = 0
        var incidents = 0
        var elapsed = 0.0
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)

        mutating func add(_ other: Load) {
            proposals += other.proposals
            incidents += other.incidents
            histogram.add(other.histogram)
        }
    }

    /// N agents for `seconds`: each opens an incident, reads twice, is denied once, proposes a
    /// restart that needs approval, which is approved and executed, then starts over. With
    /// several `ports` (replicas), each request goes to the next one (round robin).
    static func drive(_ client: HTTPClient, ports: [Int], agents: Int, seconds: Double) async throws -> Load {
        var (total, elapsed) = try await runWorkers(agents, seconds: seconds) { agent, deadline in
            var load = Load()
            var n = 0
            var ring = RoundRobin(ports: ports, turn: agent)
            while ContinuousClock.now < deadline {
                let id = "INC-B-\(agent)-\(n)"
                n += 1
                guard try await post(client, ring.next(), "/v1/incidents", "bench-agent-token", opening(id)).status == 201 else { continue }
                load.incidents += 1
                for body in [readLogs, events, forbidden, restart] {
                    let began = ContinuousClock.now
                    let reply = try await post(client, ring.next(), "/v1/incidents/\(id)/events", "bench-agent-token", body)
                    _ = load.histogram.record(GatewayLoad.microseconds(ContinuousClock.now - began))
                    load.proposals += reply.status == 200 ? 1 : 0
                }
                let view = try await get(client, ring.next(), "/v1/incidents/\(id)", "bench-agent-token")
                guard let digest = view.digest else { continue }
                _ = try await post(client, ring.next(), "/v1/incidents/\(id)/approvals", "bench-alice-token", #"{"verdict":"approve","digest":"\#(digest)"}"#)
                // The executor: the role is active (4/0), the restart ran (4/1), its result.
                _ = try await post(client, ring.next(), "/v1/effects/\(id)/4/0/ack", "bench-executor-token", #"{"ok":true}"#)
                _ = try await post(client, ring.next(), "/v1/effects/\(id)/4/1/ack", "bench-executor-token", #"{"ok":true}"#)
                _ = try await post(client, ring.next(), "/v1/incidents/\(id)/events", "bench-executor-token", #"{"result":{"status":"succeeded"}}"#)
            }
            return load
        }
        total.elapsed = elapsed
        return total
    }

    /// Opens `count` incidents and leaves them open (investigating).
    static func openMany(_ client: HTTPClient, port: Int, count: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<32 {
                group.addTask {
                    for n in stride(from: worker, to: count, by: 32) {
                        _ = try await post(client, port, "/v1/incidents", "bench-agent-token", opening("INC-OPEN-\(n)"))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func opening(_ id: String) -> String {
        #"{"incident":"\#(id)","runbook":"aks_crashloop_backoff","context":{"environment":"dev"},"alert":{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"aks-pod-crashloop-cart","severity":"Sev2","monitorCondition":"Fired","firedDateTime":"2026-06-03T11:30:00Z","alertTargetIDs":["/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/resourceGroups/rg-shop-dev/providers/Microsoft.ContainerService/managedClusters/aks-shop-dev"]}}}}"#
    }

    struct Reply {
        var status: UInt
        var body: String
        /// `pending.digest` of an incident.
        var digest: String? {
            guard let range = body.range(of: #""digest":""#) else { return nil }
            return String(body[range.upperBound...].prefix(64))
        }
    }

    static func post(_ client: HTTPClient, _ port: Int, _ path: String, _ token: String, _ body: String) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(client, request)
    }

    static func get(_ client: HTTPClient, _ port: Int, _ path: String, _ token: String) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        return try await send(client, request)
    }

    static func send(_ client: HTTPClient, _ request: HTTPClientRequest) async throws -> Reply {
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: response.status.code, body: String(buffer: body))
    }

    static func config(in folder: URL, webhook: String, extra: String = "") throws {
        func hex(_ token: String) -> String { EffectReceiver.hex(SHA256.hash(data: Array(token.utf8))) }
        let text = """
            tokens:
              - {name: agent-runtime, role: agent, sha256: "\(hex("bench-agent-token"))"}
              - {name: alice@contoso.com, role: approver, sha256: "\(hex("bench-alice-token"))"}
              - {name: executor, role: executor, sha256: "\(hex("bench-executor-token"))"}
            executors:
              webhook: {url: "\(webhook)", secret_env: REIN_WEBHOOK_SECRET}
            \(extra)
            """
        try text.write(to: folder.appendingPathComponent("rein-serve.yaml"), atomically: true, encoding: .utf8)
    }
}

/// The replicas' ports, one request after the other.
struct RoundRobin {
    let ports: [Int]
    var turn: Int

    mutating func next() -> Int {
        turn += 1
        return ports[turn % ports.count]
    }
}

/// The `rein-serve` process under test.
struct Server {
    let process: Process
    let port: Int

    /// Starts `rein-serve` with the configuration in `folder`, its database there (`store`:
    /// other store arguments, none when the configuration names a database).
    static func start(binaries: URL, folder: URL, client: HTTPClient, store: [String]? = nil) async throws -> Server {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("rein-serve")
        process.arguments = [
            "--config", folder.appendingPathComponent("rein-serve.yaml").path, "--bundle", repository.appendingPathComponent("policies").path,
            "--bundle", repository.appendingPathComponent("runbooks").path, "--listen", "127.0.0.1:\(port)",
        ] + (store ?? ["--data", folder.appendingPathComponent("data").path])
        process.environment = ProcessInfo.processInfo.environment.merging(["REIN_WEBHOOK_SECRET": EffectReceiver.secret]) { $1 }
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        for _ in 0..<6000 {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            if let response = try? await client.execute(request, timeout: .seconds(1)), response.status == .ok {
                _ = try? await response.body.collect(upTo: 1 << 16)
                return Server(process: process, port: port)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        process.terminate()
        throw BenchError.notReady
    }

    /// VmRSS of the process, in KiB.
    func residentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

enum BenchError: Error {
    case notReady
}
