import AsyncHTTPClient
import Crypto
import NIOCore
import ReinAdapters
import Synchronization

/// Signed `POST`s of JSON to one URL, as Rein's webhooks send them: `Rein-Signature:
/// sha256=<HMAC-SHA256 of the exact body>` and `Idempotency-Key`, no redirects followed, a
/// timeout per attempt. Any 2xx means the receiver has it; anything else is a failed attempt.
final class SignedPoster: Sendable {
    let url: String
    private let secret: [UInt8]
    private let timeout: TimeAmount
    /// Made at the first post (a poster never used holds no connections).
    private let client = Mutex<HTTPClient?>(nil)

    init(url: String, secret: [UInt8], timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }

    /// The `Rein-Signature` value of `body`.
    static func signature(_ body: [UInt8], secret: [UInt8]) -> String {
        "sha256=" + Hashing.hex(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)))
    }

    /// Posts `body` keyed by `key`; throws unless the answer is a 2xx.
    func post(_ body: [UInt8], key: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Rein-Signature", value: Self.signature(body, secret: secret))
        request.headers.add(name: "Idempotency-Key", value: key)
        request.headers.add(name: "User-Agent", value: "rein-serve")
        request.body = .bytes(ByteBuffer(bytes: body))
        let client = self.client.withLock { client in
            if let client { return client }
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            client = made
            return made
        }
        let response = try await client.execute(request, timeout: timeout)
        // Read (at most 64 KiB of) the answer so the connection can be kept.
        _ = try? await response.body.collect(upTo: 1 << 16)
        guard (200..<300).contains(response.status.code) else {
            throw WebhookError(message: "\(url) answered \(response.status.code)")
        }
    }

    func shutdown() async {
        let client = self.client.withLock { client in
            defer { client = nil }
            return client
        }
        try? await client?.shutdown()
    }
}
