import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ReinAdapters
import ReinServer
import ServiceLifecycle
import Synchronization

/// A webhook receiver on a loopback port, as strict about what Rein sends as a real one should
/// be: `POST /hook`, `Content-Type: application/json`, a `Rein-Signature` that is the HMAC-SHA256
/// of the exact body with the shared secret, an `Idempotency-Key` that is the effect's id, and a
/// body of exactly `{"effect":{…},"incident":"…"}` with the effect's id, type and no delivery
/// state. Anything else is refused (400) and recorded as a violation. It can be told to fail
/// the next attempts (503), as a receiver that is down would.
final class WebhookReceiver: Sendable {
    let inbox: WebhookInbox
    let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [WebhookInbox.Received] { inbox.received }
    var violations: [String] { inbox.violations }
    /// Attempts it answered with 503.
    var refused: Int { inbox.refused }
    /// Answers the next `count` attempts with 503.
    func fail(next count: Int) { inbox.fail(next: count) }
    /// The ids received of effects of `type`, in order.
    func ids(_ type: String) -> [String] { received.filter { $0.type == type }.map(\.id) }

    private init(inbox: WebhookInbox, port: Int, group: ServiceGroup, running: Task<Void, any Error>) {
        self.inbox = inbox
        self.port = port
        self.group = group
        self.running = running
    }

    /// Starts a receiver on an ephemeral loopback port.
    static func start(secret: String = "test-webhook-secret") async throws -> WebhookReceiver {
        let inbox = WebhookInbox(secret: Array(secret.utf8))
        let router = Router()
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return Response(status: inbox.handle(request, body: Array(body.readableBytesView)))
        }
        let (port, group, running) = try await LoopbackApp.start(router, name: "webhook-receiver")
        return WebhookReceiver(inbox: inbox, port: port, group: group, running: running)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// The executors of a host that posts to this receiver, retrying after 1 s, 2 s, … up to 8 s
    /// (of the host's clock).
    func executors(activationTimeout: Int64 = 120) -> EffectExecutors {
        EffectExecutors(
            webhook: WebhookExecutor(url: url, secret: inbox.secret), activationTimeout: activationTimeout,
            retry: RetrySchedule(initial: 1000, cap: 8000))
    }
}

/// What the receiver took and refused.
final class WebhookInbox: Sendable {
    struct Received: Sendable {
        var id: String
        var incident: String
        var type: String
        var effect: JSONObject
    }

    private struct State {
        var received: [Received] = []
        var violations: [String] = []
        var failuresLeft = 0
        var refused = 0
    }

    let secret: [UInt8]
    private let state = Mutex(State())

    static let effectTypes: Set<String> = ["send_approval_card", "activate_role", "execute", "deactivate_role", "page"]

    init(secret: [UInt8]) {
        self.secret = secret
    }

    var received: [Received] { state.withLock { $0.received } }
    var violations: [String] { state.withLock { $0.violations } }
    var refused: Int { state.withLock { $0.refused } }
    func fail(next count: Int) { state.withLock { $0.failuresLeft = count } }

    func handle(_ request: Request, body: [UInt8]) -> HTTPResponse.Status {
        var problems: [String] = []
        if request.method != .post { problems.append("method \(request.method)") }
        if request.uri.path != "/hook" { problems.append("path \(request.uri.path)") }
        if request.headers[.contentType] != "application/json" { problems.append("content type \(request.headers[.contentType] ?? "none")") }
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        let signature = request.headers[HTTPField.Name("Rein-Signature")!] ?? ""
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        if signature != expected { problems.append("signature `\(signature)`") }
        var received: Received?
        if case .success(.object(let root)) = JSONReader.parse(body), root.entries.map(\.key).sorted() == ["effect", "incident"],
            case .object(let effect)? = root["effect"], case .string(let incident)? = root["incident"],
            case .string(let id)? = effect["id"], case .string(let type)? = effect["type"]
        {
            if key != id { problems.append("Idempotency-Key `\(key ?? "none")` for effect `\(id)`") }
            if !id.hasPrefix(incident + "/") { problems.append("effect `\(id)` of incident `\(incident)`") }
            if !Self.effectTypes.contains(type) { problems.append("effect type `\(type)`") }
            if effect["delivery"] != nil { problems.append("a delivery state in effect `\(id)`") }
            received = Received(id: id, incident: incident, type: type, effect: effect)
        } else {
            problems.append("body `\(String(decoding: body, as: UTF8.self))`")
        }
        return state.withLock { state in
            guard problems.isEmpty, let received else {
                state.violations += problems
                return .badRequest
            }
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                state.refused += 1
                return .serviceUnavailable
            }
            state.received.append(received)
            return .ok
        }
    }
}
