import Crypto
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Synchronization

/// The webhook the benchmarked server delivers its effects to, in the load generator's process:
/// it checks each post's signature, as a real receiver would, and counts what it took.
final class EffectReceiver: Sendable {
    static let secret = "bench-webhook-secret"
    private let counts = Mutex((received: 0, refused: 0))
    private let group: Mutex<ServiceGroup?> = Mutex(nil)

    var received: Int { counts.withLock { $0.received } }
    var refused: Int { counts.withLock { $0.refused } }

    /// Bytes as lowercase hex (the receiver shares the CPU with the server: no `String(format:)`).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Starts listening on loopback; the port.
    func start() async throws -> Int {
        let router = Router()
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let mac = HMAC<SHA256>.authenticationCode(for: Array(body.readableBytesView), using: SymmetricKey(data: Array(Self.secret.utf8)))
            let signed = request.headers[HTTPField.Name("Rein-Signature")!] == "sha256=" + Self.hex(mac)
            self.counts.withLock { signed ? ($0.received += 1) : ($0.refused += 1) }
            return Response(status: signed ? .ok : .unauthorized)
        }
        let (port, group) = try await serveOnLoopback(router, name: "bench-receiver")
        self.group.withLock { $0 = group }
        return port
    }

    func stop() async {
        let group = self.group.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}
