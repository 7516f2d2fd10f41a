import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ReinAdapters
import ReinServer
import ServiceLifecycle
import Synchronization

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The example bundle (policies/ and runbooks/), compiled once.
let exampleBundle: HostBundle = {
    let paths = ["policies", "runbooks"].map { repositoryRoot.appendingPathComponent($0).path }
    guard let loaded = try? HostBundle.load(paths), let bundle = loaded.bundle else {
        preconditionFailure("the example bundle does not compile")
    }
    return bundle
}()

/// A token's SHA-256 in hex, as the configuration holds it.
func sha256Hex(_ token: String) -> String {
    SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
}

/// The callers of the tests: each role's token is `ROLE-token`; approvers' are `approver:NAME`.
func tokenTable(approvers: [String] = ["alice@contoso.com", "bob@contoso.com"]) -> TokenTable {
    var entries: [TokenTable.Entry] = []
    for (name, role) in [
        ("agent-runtime", Role.agent), ("other-agent", .agent), ("executor", .executor), ("dashboards", .reader), ("ops", .admin),
        ("action-group", .alert),
    ] {
        entries.append(TokenTable.Entry(principal: Principal(name: name, role: role), sha256Hex: sha256Hex("\(name)-token"))!)
    }
    for name in approvers {
        entries.append(TokenTable.Entry(principal: Principal(name: name, role: .approver), sha256Hex: sha256Hex("approver:\(name)"))!)
    }
    return TokenTable(entries)
}

/// A server on an ephemeral loopback port over a SQLite store in a fresh folder, with a manual
/// clock, driven through a real HTTP client.
final class TestServer: Sendable {
    let port: Int
    let host: SessionHost
    let clock: ManualClock
    let folder: URL
    /// Where its incidents are stored.
    let store: any SessionStore
    /// Hands alert-opened incidents off (when the server was started with `handoffTo`).
    let handoff: HandoffDispatcher?
    static let handoffSecret = "test-handoff-secret"
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    let client: HTTPClient
    private let stopped = Mutex(false)

    /// Starts a server; `folder` reuses a database (a restart).
    static func start(
        at time: Timestamp = Timestamp(seconds: 1_780_000_000), clock clockGiven: ManualClock? = nil, folder: URL? = nil,
        tokens: TokenTable = tokenTable(), bundlePaths: [String]? = nil, auditFile: String? = nil, executors: EffectExecutors? = nil,
        mcp: MCPConfig = MCPConfig(), alerts: AlertsConfig? = nil, alertVerifier: SignedTokenVerifier? = nil, handoffTo: String? = nil,
        azure: (executors: AzureExecutors, keys: HTTPClient)? = nil, store given: (any SessionStore)? = nil, logger: Logger = Logger(label: "rein"),
        beforeStart: (SessionHost) async throws -> Void = { _ in }
    ) async throws -> TestServer {
        let folder = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("rein-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = clockGiven ?? ManualClock(time)
        let store: any SessionStore
        if let given { store = given } else { store = try await TestStores.store(folder: folder) }
        var sink: AuditFileSink?
        if let auditFile { sink = try await AuditFileSink.open(auditFile, store: store) }
        let host: SessionHost
        if let bundlePaths {
            let loaded = try HostBundle.load(bundlePaths)
            guard let bundle = loaded.bundle else { throw TestServerError.badBundle }
            host = SessionHost(bundle: bundle, store: store, clock: clock, auditFile: sink, logger: logger, executors: executors) {
                try HostBundle.load(bundlePaths)
            }
        } else {
            host = SessionHost(bundle: exampleBundle, store: store, clock: clock, auditFile: sink, logger: logger, executors: executors)
        }
        try await azure?.executors.attach(host)
        try await beforeStart(host)
        try await host.start()
        await azure?.executors.resume()
        var handoff: HandoffDispatcher?
        if let handoffTo {
            handoff = HandoffDispatcher(
                url: handoffTo, secret: Array(TestServer.handoffSecret.utf8), publicURL: "https://rein.test", store: store, clock: clock,
                logger: Logger(label: "rein-test"))
            await handoff?.start()
        }
        let intake = AlertIntake(
            host: host, tokens: tokens, config: alerts, verifier: alertVerifier, clock: clock, logger: Logger(label: "rein-test"), handoff: handoff)
        let (port, group, running) = try await LoopbackApp.start(
            APIRoutes(
                host: host, tokens: tokens, mcp: mcp, alerts: intake,
                teams: azure.flatMap { $0.executors.inbox(keys: $0.keys, host: host, clock: clock, logger: logger) }
            ).router(), name: "rein-test")
        return TestServer(port: port, host: host, clock: clock, folder: folder, store: store, group: group, running: running, handoff: handoff)
    }

    /// Runs `body` against a fresh server, stopping it afterwards whatever `body` does.
    static func with(
        at time: Timestamp = Timestamp(seconds: 1_780_000_000), bundlePaths: [String]? = nil, executors: EffectExecutors? = nil,
        mcp: MCPConfig = MCPConfig(), alerts: AlertsConfig? = nil, alertVerifier: SignedTokenVerifier? = nil,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await start(
            at: time, bundlePaths: bundlePaths, executors: executors, mcp: mcp, alerts: alerts, alertVerifier: alertVerifier)
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    private init(
        port: Int, host: SessionHost, clock: ManualClock, folder: URL, store: any SessionStore, group: ServiceGroup, running: Task<Void, any Error>,
        handoff: HandoffDispatcher?
    ) {
        self.store = store
        self.handoff = handoff
        self.port = port
        self.host = host
        self.clock = clock
        self.folder = folder
        self.group = group
        self.running = running
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Stops the server (graceful) and its timers; the folder stays for a restart.
    func stop() async throws {
        // A second stop (a test that restarted it, then the harness) does nothing.
        guard stopped.withLock({ stopped in defer { stopped = true }; return !stopped }) else { return }
        await handoff?.stop()
        try await client.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value
        await host.stop()
        await TestStores.close(store)
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var retryAfter: String? = nil
        var json: JSONValue? {
            if case .success(let value) = JSONReader.parse(body) { return value }
            return nil
        }
        /// `json[key]` of an object body.
        subscript(_ key: String) -> JSONValue? {
            if case .object(let object)? = json { return object[key] }
            return nil
        }
        var errorCode: String? {
            if case .object(let error)? = self["error"], case .string(let code)? = error["code"] { return code }
            return nil
        }
    }

    func call(
        _ method: HTTPMethod, _ path: String, token: String?, body: String? = nil, bytes: [UInt8]? = nil, accept: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        if let bytes { request.body = .bytes(ByteBuffer(bytes: bytes)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: collected), retryAfter: response.headers.first(name: "Retry-After"))
    }

    /// A request to `url` with extra headers: its status, JSON body, and `Mcp-Session-Id`.
    func raw(_ method: HTTPMethod, url: String, token: String, body: String?, headers: [(String, String)]) async throws -> (status: Int, json: JSONValue?, session: String?) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        let json: JSONValue? = if case .success(let value) = JSONReader.parse(String(buffer: collected)) { value } else { nil }
        return (Int(response.status.code), json, response.headers.first(name: "Mcp-Session-Id"))
    }

    /// A request to `url` with extra headers: its content type and its body as text.
    func rawText(_ method: HTTPMethod, url: String, token: String, body: String, headers: [(String, String)]) async throws -> (contentType: String?, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return (response.headers.first(name: "Content-Type"), String(buffer: collected))
    }

    func post(_ path: String, token: String?, _ body: String) async throws -> Reply {
        try await call(.POST, path, token: token, body: body)
    }

    func get(_ path: String, token: String?) async throws -> Reply {
        try await call(.GET, path, token: token)
    }
}

/// A Hummingbird application on an ephemeral loopback port, run in a service group.
enum LoopbackApp {
    /// Starts `router`'s application; its port, its group (to stop it) and the running task.
    static func start(_ router: Router<BasicRequestContext>, name: String) async throws -> (Int, ServiceGroup, Task<Void, any Error>) {
        var logger = Logger(label: name)
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestServerError.noPort }
        return (port, group, running)
    }
}

enum TestServerError: Error {
    case noPort
    case badBundle
}

extension JSONValue {
    /// `self[key]` of an object.
    subscript(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var arrayValue: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
