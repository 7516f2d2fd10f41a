import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import ReinAdapters
import Synchronization

/// The built-in executor: `POST` of `{"effect":{…},"incident":"…"}` to one URL, signed with
/// `Rein-Signature: sha256=<HMAC-SHA256 of the body>` and keyed by `Idempotency-Key: <effect id>`.
/// Any 2xx means the receiver has it; anything else (or no answer within the timeout) is a
/// failed attempt.
public final class WebhookExecutor: EffectExecutor {
    private let url: String
    private let secret: [UInt8]
    /// Made at the first delivery (an executor never used holds no connections).
    private let client = Mutex<HTTPClient?>(nil)
    private let timeout: TimeAmount

    /// A webhook to `url` signing with `secret`; `timeout` for each attempt.
    public init(url: String, secret: [UInt8], timeout: TimeAmount = .seconds(10)) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }

    /// The body posted for `delivery`, and its signature header's value.
    public static func signedBody(_ delivery: EffectDelivery, secret: [UInt8]) -> (body: [UInt8], signature: String) {
        let body = JSONWriter.encode(
            .object(JSONObject(entries: [("effect", delivery.effect), ("incident", .string(delivery.incident))])))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return (body, "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
    }

    public func deliver(_ delivery: EffectDelivery) async throws {
        let (body, signature) = Self.signedBody(delivery, secret: secret)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Rein-Signature", value: signature)
        request.headers.add(name: "Idempotency-Key", value: delivery.id)
        request.headers.add(name: "User-Agent", value: "rein-serve")
        request.body = .bytes(ByteBuffer(bytes: body))
        let client = self.client.withLock { client in
            if let client { return client }
            // Redirects are not followed: the signed effect goes to the configured URL or nowhere.
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
            throw WebhookError(message: "the webhook answered \(response.status.code)")
        }
    }

    public func shutdown() async {
        let client = self.client.withLock { client in
            defer { client = nil }
            return client
        }
        try? await client?.shutdown()
    }
}

/// A webhook attempt that did not get a 2xx.
struct WebhookError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
