import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback Entra ID and Instance Metadata Service, as strict as the real ones about what
/// Rein sends. Anything else gets the error Entra would give, and is counted as a refusal.
/// - `POST /{tenant}/oauth2/v2.0/token`: `application/x-www-form-urlencoded` only, no key
///   given twice, `grant_type=client_credentials`, a registered `client_id` of that tenant, a
///   `scope` that is one of the audiences Rein uses + `/.default`, and exactly one credential:
///   the app's `client_secret`, or a `client_assertion` (type jwt-bearer) signed PS256 by the
///   app's certificate, with `x5t#S256` its thumbprint, `aud` this endpoint, `iss` = `sub` =
///   the client id, a `jti` never seen before, `nbf` not in the future and `exp` in the future
///   but at most ten minutes after `nbf`.
/// - `GET /metadata/identity/oauth2/token` (IMDS): header `Metadata: true`, `api-version`
///   2018-02-01, a `resource`, and a `client_id` only of a user-assigned identity it knows.
/// - `GET /msi/token` (App Service): header `X-IDENTITY-HEADER` equal to its secret,
///   `api-version` 2019-08-01, a `resource`.
final class FakeEntra: Sendable {
    struct App: Sendable {
        var tenant: String
        var clientID: String
        var secret: String? = nil
        var certificatePEM: String? = nil
    }

    static let audiences: Set<String> = [
        "https://management.azure.com/", "https://api.botframework.com", "https://storage.azure.com/", "https://api.loganalytics.io",
    ]
    static let userAssigned = "5a7b1c2d-0000-4000-8000-000000000001"
    static let identityHeader = "fake-identity-header-secret"

    struct Issued: Sendable, Equatable {
        var client: String
        var resource: String
    }

    private struct State {
        var issued: [Issued] = []
        /// Each token given out, and the resource it is for.
        var audiences: [String: String] = [:]
        /// When each token given out expires.
        var expiries: [String: Int64] = [:]
        var refusals: [String] = []
        var seenJTIs: Set<String> = []
        var counter = 0
    }

    let apps: [App]
    /// The fake's clock, in seconds since the epoch (the tests' manual clock).
    let now: @Sendable () -> Int64
    /// How long its tokens live, and how long it takes to answer.
    let lifetime: Int64
    let delay: Duration
    private let state = Mutex(State())
    private let group = Mutex<ServiceGroup?>(nil)
    private let portBox = Mutex(0)

    var port: Int { portBox.withLock { $0 } }
    var authority: String { "http://127.0.0.1:\(port)" }
    var issued: [Issued] { state.withLock { $0.issued } }
    /// The resource a token was issued for; nil for a token this fake never gave out, or one that
    /// has expired (the services it plays refuse both).
    func resource(of token: String) -> String? {
        let now = now()
        return state.withLock { state in
            guard let expiry = state.expiries[token], now < expiry else { return nil }
            return state.audiences[token]
        }
    }
    /// Every access token it issued.
    var issuedTokens: [String] { state.withLock { Array($0.audiences.keys) } }
    var refusals: [String] { state.withLock { $0.refusals } }

    init(apps: [App], now: @escaping @Sendable () -> Int64, lifetime: Int64 = 3600, delay: Duration = .zero) {
        self.apps = apps
        self.now = now
        self.lifetime = lifetime
        self.delay = delay
    }

    func start() async throws {
        let router = Router()
        router.post("/:tenant/oauth2/v2.0/token") { request, context in
            let tenant = context.parameters.get("tenant") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            return await self.token(tenant: tenant, contentType: request.headers[.contentType], body: String(buffer: body))
        }
        router.get("/metadata/identity/oauth2/token") { request, _ in
            guard request.headers[HTTPField.Name("Metadata")!] == "true" else {
                return self.refuse(400, "invalid_request", "Required metadata header not specified")
            }
            return await self.managed(request.uri.queryParameters, version: "2018-02-01")
        }
        router.get("/msi/token") { request, _ in
            guard request.headers[HTTPField.Name("X-IDENTITY-HEADER")!] == Self.identityHeader else {
                return self.refuse(401, "invalid_request", "X-IDENTITY-HEADER is missing or wrong")
            }
            return await self.managed(request.uri.queryParameters, version: "2019-08-01")
        }
        let (port, group, _) = try await LoopbackApp.start(router, name: "fake-entra")
        portBox.withLock { $0 = port }
        self.group.withLock { $0 = group }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    // MARK: - The token endpoint

    private func token(tenant: String, contentType: String?, body: String) async -> Response {
        guard contentType?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return refuse(400, "invalid_request", "AADSTS900144: the request body must be application/x-www-form-urlencoded")
        }
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard parts.count == 2, form[parts[0]] == nil else { return refuse(400, "invalid_request", "AADSTS90014: a malformed or repeated parameter") }
            form[parts[0]] = parts[1]
        }
        guard form["grant_type"] == "client_credentials" else {
            return refuse(400, "unsupported_grant_type", "AADSTS70003: only client_credentials is expected from Rein")
        }
        guard let clientID = form["client_id"], let app = apps.first(where: { $0.clientID == clientID && $0.tenant == tenant }) else {
            return refuse(400, "unauthorized_client", "AADSTS700016: application `\(form["client_id"] ?? "")` was not found in tenant `\(tenant)`")
        }
        guard let scope = form["scope"], let resource = Self.audiences.first(where: { ($0.hasSuffix("/") ? $0 + ".default" : $0 + "/.default") == scope })
        else {
            return refuse(400, "invalid_scope", "AADSTS1002012: the scope `\(form["scope"] ?? "")` is not valid")
        }
        let allowed: Set<String> = ["grant_type", "client_id", "scope", "client_secret", "client_assertion", "client_assertion_type"]
        guard Set(form.keys).isSubset(of: allowed) else { return refuse(400, "invalid_request", "AADSTS90014: unexpected parameters") }
        switch (form["client_secret"], form["client_assertion"]) {
        case (let secret?, nil):
            guard form["client_assertion_type"] == nil, let expected = app.secret, secret == expected else {
                return refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
            }
        case (nil, let assertion?):
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                return refuse(400, "invalid_request", "AADSTS50027: client_assertion_type must be jwt-bearer")
            }
            if let problem = await checkAssertion(assertion, app: app, endpoint: "\(authority)/\(tenant)/oauth2/v2.0/token") {
                return refuse(401, "invalid_client", problem)
            }
        default:
            return refuse(401, "invalid_client", "AADSTS7000218: the request needs exactly one of client_secret and client_assertion")
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        let token = state.withLock { state -> String in
            state.counter += 1
            state.issued.append(Issued(client: clientID, resource: resource))
            state.audiences["fake-access-token-\(state.counter)"] = resource
            state.expiries["fake-access-token-\(state.counter)"] = now() + lifetime
            return "fake-access-token-\(state.counter)"
        }
        return json(200, ["token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token])
    }

    /// What is wrong with a client assertion, or nil.
    private func checkAssertion(_ assertion: String, app: App, endpoint: String) async -> String? {
        guard let pem = app.certificatePEM, let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = pem.range(of: "-----END CERTIFICATE-----"),
            let certificate = try? Insecure.RSA.PublicKey(certificatePEM: String(pem[begin.lowerBound..<end.upperBound]) + "\n")
        else {
            return "AADSTS700027: the app has no certificate registered"
        }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.json(base64URL: String(parts[0])), let claims = Self.json(base64URL: String(parts[1])) else {
            return "AADSTS50012: the client assertion is not a JWT"
        }
        guard header["alg"] as? String == "PS256" else { return "AADSTS5002730: the client assertion must be signed PS256" }
        guard header["x5t#S256"] as? String == Self.thumbprint(pem) else {
            return "AADSTS700027: the certificate with thumbprint `\(header["x5t#S256"] as? String ?? "")` is not registered for the app"
        }
        let keys = JWTKeyCollection()
        await keys.add(pss: certificate, digestAlgorithm: .sha256)
        do {
            _ = try await keys.verify(assertion, as: UncheckedClaims.self)
        } catch {
            return "AADSTS700027: the client assertion's signature does not verify"
        }
        guard claims["aud"] as? String == endpoint else { return "AADSTS700027: the assertion's aud is not this token endpoint" }
        guard claims["iss"] as? String == app.clientID, claims["sub"] as? String == app.clientID else {
            return "AADSTS700027: the assertion's iss and sub must be the client id"
        }
        guard let jti = claims["jti"] as? String, !jti.isEmpty, state.withLock({ $0.seenJTIs.insert(jti).inserted }) else {
            return "AADSTS700023: the assertion's jti is missing or was used before"
        }
        let now = now()
        guard let nbf = (claims["nbf"] as? NSNumber)?.int64Value, let exp = (claims["exp"] as? NSNumber)?.int64Value, nbf <= now + 60, exp > now,
            exp - nbf <= 600
        else {
            return "AADSTS700024: the assertion is not within its valid time range"
        }
        return nil
    }

    /// Claims read without checks (the fake checks them itself, against its own clock).
    struct UncheckedClaims: JWTPayload {
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    // MARK: - Managed identities

    private func managed(_ query: Hummingbird.Parameters, version: String) async -> Response {
        guard query["api-version"].map(String.init) == version else {
            return refuse(400, "invalid_request", "api-version \(version) is required")
        }
        guard let resource = query["resource"].map(String.init), Self.audiences.contains(resource) else {
            return refuse(400, "invalid_resource", "AADSTS500011: the resource is not known")
        }
        let client = query["client_id"].map(String.init)
        if let client, client != Self.userAssigned {
            return refuse(400, "invalid_request", "Identity not found")
        }
        let token = state.withLock { state -> String in
            state.counter += 1
            state.issued.append(Issued(client: client ?? "system-assigned", resource: resource))
            state.audiences["fake-managed-token-\(state.counter)"] = resource
            state.expiries["fake-managed-token-\(state.counter)"] = now() + lifetime
            return "fake-managed-token-\(state.counter)"
        }
        return json(200, ["access_token": token, "expires_on": String(now() + lifetime), "resource": resource, "token_type": "Bearer"])
    }

    // MARK: - Helpers

    private func refuse(_ status: Int, _ error: String, _ description: String) -> Response {
        state.withLock { $0.refusals.append("\(error): \(description)") }
        return json(status, ["error": error, "error_description": description + "\r\nTrace ID: 00000000-0000-0000-0000-000000000000"])
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(base64URL text: String) -> [String: Any]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// base64url of the SHA-256 of the PEM's certificate.
    static func thumbprint(_ pem: String) -> String? {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"), let end = pem.range(of: "-----END CERTIFICATE-----"),
            let der = Data(base64Encoded: pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace })
        else { return nil }
        return Data(SHA256.hash(data: der)).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
