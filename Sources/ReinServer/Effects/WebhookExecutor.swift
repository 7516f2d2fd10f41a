import NIOCore
import ReinAdapters

/// The built-in executor: `POST` of `{"effect":{…},"incident":"…"}` to one URL, signed with
/// `Rein-Signature: sha256=<HMAC-SHA256 of the body>` and keyed by `Idempotency-Key: <effect id>`.
/// Any 2xx means the receiver has it; anything else (or no answer within the timeout) is a
/// failed attempt.
public final class WebhookExecutor: EffectExecutor {
    private let poster: SignedPoster
    private let secret: [UInt8]

    /// A webhook to `url` signing with `secret`; `timeout` for each attempt.
    public init(url: String, secret: [UInt8], timeout: TimeAmount = .seconds(10)) {
        poster = SignedPoster(url: url, secret: secret, timeout: timeout)
        self.secret = secret
    }

    /// The body posted for `delivery`, and its signature header's value.
    public static func signedBody(_ delivery: EffectDelivery, secret: [UInt8]) -> (body: [UInt8], signature: String) {
        let body = JSONWriter.encode(
            .object(JSONObject(entries: [("effect", delivery.effect), ("incident", .string(delivery.incident))])))
        return (body, SignedPoster.signature(body, secret: secret))
    }

    public func deliver(_ delivery: EffectDelivery) async throws {
        try await poster.post(Self.signedBody(delivery, secret: secret).body, key: delivery.id)
    }

    public func shutdown() async {
        await poster.shutdown()
    }
}

/// A webhook attempt that did not get a 2xx.
struct WebhookError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
