import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ReinAdapters
import ServiceLifecycle
import Synchronization
import Testing

@testable import ReinServer

/// Incidents that alerts open are handed to the agent runtime: signed, keyed by the incident,
/// with its runbook and MCP URL; at least once, retried with back-off, across a restart.
@Suite("rein serve: hand-offs to the agent runtime")
struct HandoffTests {
    /// A strict receiver of hand-offs: it checks the method, content type, signature of the exact
    /// bytes, the key against the body's incident and the body's shape, and refuses (503) while
    /// `down`.
    final class Receiver: Sendable {
        private let state = Mutex((received: [[String: String]](), violations: [String](), refused: 0, down: false))
        private let group = Mutex<ServiceGroup?>(nil)
        var received: [[String: String]] { state.withLock { $0.received } }
        var violations: [String] { state.withLock { $0.violations } }
        var refused: Int { state.withLock { $0.refused } }
        func set(down: Bool) { state.withLock { $0.down = down } }

        func start() async throws -> String {
            let router = Router()
            router.post("/handoff") { request, _ -> Response in
                let body = Array(try await request.body.collect(upTo: 1 << 16).readableBytesView)
                let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(TestServer.handoffSecret.utf8)))
                let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: String]
                return self.state.withLock { state in
                    if state.down {
                        state.refused += 1
                        return Response(status: .serviceUnavailable)
                    }
                    guard request.headers[.contentType] == "application/json", request.headers[HTTPField.Name("Rein-Signature")!] == expected,
                        let object, Set(object.keys) == ["incident", "runbook", "mcp"],
                        request.headers[HTTPField.Name("Idempotency-Key")!] == object["incident"]
                    else {
                        state.violations.append(String(decoding: body, as: UTF8.self))
                        return Response(status: .badRequest)
                    }
                    state.received.append(object)
                    return Response(status: .ok)
                }
            }
            let (port, group, _) = try await LoopbackApp.start(router, name: "handoff-receiver")
            self.group.withLock { $0 = group }
            return "http://127.0.0.1:\(port)/handoff"
        }

        func stop() async {
            await group.withLock { $0 }?.triggerGracefulShutdown()
        }
    }

    static let config = AlertsConfig(owner: "agent-runtime", secureWebhook: nil, line: 1, column: 1)
    static let incident = "c0ffee01-aaaa-4bbb-8ccc-000000000001"
    static let expected = ["incident": incident, "runbook": "aks_crashloop_backoff", "mcp": "https://rein.test/v1/incidents/\(incident)/mcp"]

    @Test func anIncidentAnAlertOpensIsHandedOffOnceSignedAndKeyed() async throws {
        let receiver = Receiver()
        let url = try await receiver.start()
        let server = try await TestServer.start(at: APITests.weekday, alerts: Self.config, handoffTo: url)
        do {
            #expect(try await AlertIntakeTests.post(server, AlertIntakeTests.alert()).status == 201)
            try await EffectDeliveryTests.eventually("the hand-off is received") { receiver.received.count == 1 }
            #expect(receiver.received == [Self.expected])
            // The same alert again opens nothing, and hands nothing off again.
            #expect(try await AlertIntakeTests.post(server, AlertIntakeTests.alert()).status == 200)
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.received.count == 1 && receiver.violations.isEmpty)
            // An incident an agent opens itself is not handed off.
            #expect(try await server.post("/v1/incidents", token: "agent-runtime-token", try APITests.opening(id: "INC-OWN")).status == 201)
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.received.count == 1)
        } catch {
            try await server.stop()
            await receiver.stop()
            throw error
        }
        try await server.stop()
        await receiver.stop()
    }

    @Test func aRefusedHandOffIsRetriedAfterABackOffAndAfterARestart() async throws {
        let receiver = Receiver()
        let url = try await receiver.start()
        receiver.set(down: true)
        let first = try await TestServer.start(at: APITests.weekday, alerts: Self.config, handoffTo: url)
        do {
            #expect(try await AlertIntakeTests.post(first, AlertIntakeTests.alert()).status == 201)
            try await EffectDeliveryTests.eventually("the first attempt is refused and recorded") {
                try await first.host.services.store.pendingHandoffs().map(\.attempts) == [1]
            }
            // The next attempt waits for its back-off (at most a second after the first failure).
            try await Task.sleep(for: .milliseconds(200))
            #expect(receiver.refused == 1)
            first.clock.advance(to: Timestamp(seconds: APITests.weekday.seconds + 2))
            try await EffectDeliveryTests.eventually("the second attempt is refused") { receiver.refused == 2 }
            // The refusal is recorded once the answer is in: the attempt count and the next time.
            try await EffectDeliveryTests.eventually("two attempts are recorded") {
                try await first.host.services.store.pendingHandoffs().map(\.attempts) == [2]
            }
        } catch {
            try await first.stop()
            await receiver.stop()
            throw error
        }
        try await first.stop()
        // Restarted with the receiver back: the stored hand-off goes out.
        receiver.set(down: false)
        let second = try await TestServer.start(at: Timestamp(seconds: APITests.weekday.seconds + 600), folder: first.folder, alerts: Self.config, handoffTo: url)
        do {
            try await EffectDeliveryTests.eventually("the hand-off is delivered after the restart") { receiver.received.count == 1 }
            #expect(receiver.received == [Self.expected] && receiver.violations.isEmpty)
            try await EffectDeliveryTests.eventually("it is no longer pending") { try await second.host.services.store.pendingHandoffs().isEmpty }
        } catch {
            try await second.stop()
            await receiver.stop()
            throw error
        }
        try await second.stop()
        await receiver.stop()
    }
}
