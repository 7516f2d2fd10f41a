import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback OpenID issuer: its metadata (`GET /.well-known/openid-configuration`, naming
/// `jwks_uri`) and its key set (`GET /keys`, the test key of Tests/Corpus/azure), counting how
/// often the keys are fetched. `signer` signs tokens with that key as the issuer would, or with
/// a key it never published.
final class FakeOpenID: Sendable {
    static let kid = "rein-test-key-1"
    private let fetches = Mutex(0)
    private let group = Mutex<ServiceGroup?>(nil)
    private let portBox = Mutex(0)

    var port: Int { portBox.withLock { $0 } }
    var metadataURL: String { "http://127.0.0.1:\(port)/.well-known/openid-configuration" }
    var keyFetches: Int { fetches.withLock { $0 } }

    func start() async throws {
        let keys = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Corpus/azure/test-keys.jwks.json"))
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ in
            let body = #"{"issuer":"https://api.botframework.com","jwks_uri":"http://127.0.0.1:\#(self.port)/keys"}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/keys") { _, _ in
            self.fetches.withLock { $0 += 1 }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: keys)))
        }
        let (port, group, _) = try await LoopbackApp.start(router, name: "fake-openid")
        portBox.withLock { $0 = port }
        self.group.withLock { $0 = group }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Runs `body` with a started issuer and an HTTP client for its keys; both stopped after.
    static func with(_ body: (FakeOpenID, HTTPClient) async throws -> Void) async throws {
        let issuer = FakeOpenID()
        try await issuer.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await body(issuer, client)
        } catch {
            try await client.shutdown()
            await issuer.stop()
            throw error
        }
        try await client.shutdown()
        await issuer.stop()
    }

    /// Signs `claims` RS256 with the published test key (or, `stranger`, with a key nobody
    /// published, under the same `kid`).
    static func sign(_ claims: [String: Any], kid: String = FakeOpenID.kid, stranger: Bool = false) async throws -> String {
        let pem = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Tests/Corpus/azure/\(stranger ? "test-stranger.pem" : "test-client.pem")"), encoding: .utf8)
        guard let begin = pem.range(of: "-----BEGIN PRIVATE KEY-----") else { throw TestServerError.badBundle }
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: String(pem[begin.lowerBound...])), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        return try await keys.sign(AnyClaims(claims: claims), kid: JWKIdentifier(string: kid))
    }

    /// A token with `alg` in its header and the given signature, built by hand.
    static func handMade(header: [String: Any], claims: [String: Any], signature: String = "") throws -> String {
        func part(_ object: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: object).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return "\(try part(header)).\(try part(claims)).\(signature)"
    }

    /// Claims of any shape, encoded as given.
    struct AnyClaims: JWTPayload, @unchecked Sendable {
        let claims: [String: Any]

        init(claims: [String: Any]) {
            self.claims = claims
        }

        init(from decoder: any Decoder) throws {
            claims = [:]
        }

        func encode(to encoder: any Encoder) throws {
            let data = try JSONSerialization.data(withJSONObject: claims)
            let value = try JSONDecoder().decode(JSONCodable.self, from: data)
            try value.encode(to: encoder)
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Any JSON, through Codable.
    enum JSONCodable: Codable {
        case string(String), number(Double), integer(Int64), bool(Bool), array([JSONCodable]), object([String: JSONCodable]), null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int64.self) { self = .integer(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else if let value = try? container.decode([JSONCodable].self) { self = .array(value) }
            else { self = .object(try container.decode([String: JSONCodable].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }
    }
}
