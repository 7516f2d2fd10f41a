import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import ReinAdapters
import Synchronization

/// The signing keys an issuer publishes: its OpenID metadata (`jwks_uri`), then the key set,
/// fetched at first use and kept. A token that names a key not in the set makes it fetched
/// again, at most once a minute (keys roll over; a flood of unknown `kid`s must not become a
/// flood of fetches). Each key keeps its `endorsements` (the channels Bot Framework signs for).
public final class OpenIDKeySet: Sendable {
    /// A key: the collection that verifies with it, and its endorsements.
    struct Key: Sendable {
        let verifier: JWTKeyCollection
        let endorsements: [String]
    }

    static let refetchInterval: Int64 = 60

    let metadataURL: String
    private let client: HTTPClient
    private let state = Mutex<(keys: [String: Key], fetchedAt: Int64?, fetching: Task<[String: Key], any Error>?)>(([:], nil, nil))

    public init(metadataURL: String, client: HTTPClient) {
        self.metadataURL = metadataURL
        self.client = client
    }

    /// The key `kid`, fetching the set when it is not known (and was not fetched in the last minute).
    func key(_ kid: String, now: Int64) async throws(InboundTokenError) -> Key {
        let decision = state.withLock { state -> Result<Key, InboundTokenError>? in
            if let key = state.keys[kid] { return .success(key) }
            if let fetchedAt = state.fetchedAt, now - fetchedAt < Self.refetchInterval, state.fetching == nil {
                return .failure(InboundTokenError("the signing key `\(kid)` is not among the issuer's keys"))
            }
            return nil
        }
        if let decision { return try decision.get() }
        let task = state.withLock { state in
            if let running = state.fetching { return running }
            let task = Task { try await self.fetch() }
            state.fetching = task
            return task
        }
        let keys: [String: Key]
        do {
            keys = try await task.value
        } catch {
            state.withLock { $0.fetching = nil }
            throw InboundTokenError("the issuer's signing keys could not be fetched: \(error)")
        }
        state.withLock { state in
            state.keys = keys
            state.fetchedAt = now
            state.fetching = nil
        }
        guard let key = keys[kid] else { throw InboundTokenError("the signing key `\(kid)` is not among the issuer's keys") }
        return key
    }

    private func fetch() async throws -> [String: Key] {
        guard case .object(let metadata) = try await json(metadataURL), case .string(let jwksURI)? = metadata["jwks_uri"] else {
            throw InboundTokenError("the OpenID metadata at \(metadataURL) has no `jwks_uri`")
        }
        guard case .object(let set) = try await json(jwksURI), case .array(let entries)? = set["keys"] else {
            throw InboundTokenError("the key set at \(jwksURI) has no `keys`")
        }
        var keys: [String: Key] = [:]
        for entry in entries {
            guard case .object(let fields) = entry, case .string(let kid)? = fields["kid"], fields["kty"] == .string("RSA"),
                case .string(let modulus)? = fields["n"], case .string(let exponent)? = fields["e"],
                let publicKey = try? Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
            else { continue }
            let verifier = JWTKeyCollection()
            await verifier.add(rsa: publicKey, digestAlgorithm: .sha256)
            var endorsements: [String] = []
            if case .array(let items)? = fields["endorsements"] {
                endorsements = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            }
            keys[kid] = Key(verifier: verifier, endorsements: endorsements)
        }
        return keys
    }

    private func json(_ url: String) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        guard response.status == .ok, case .success(let value) = JSONReader.parse(bytes, maxBytes: 1 << 20) else {
            throw InboundTokenError("\(url) answered HTTP \(response.status.code) without JSON")
        }
        return value
    }
}
