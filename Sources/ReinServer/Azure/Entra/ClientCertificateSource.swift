import Crypto
import Foundation
import JWTKit

/// `client_credentials` with a client assertion: a short-lived JWT signed PS256 with the
/// certificate's private key, whose header names the certificate by its SHA-256 thumbprint
/// (`x5t#S256`), addressed to the token endpoint itself (`aud`), from the app (`iss` = `sub` =
/// the client id), with a fresh `jti`, `nbf` now and `exp` five minutes on.
struct ClientCertificateSource: TokenSource {
    let endpoint: TokenEndpoint
    let keys: JWTKeyCollection
    /// base64url of the SHA-256 of the certificate's DER.
    let thumbprint: String

    static let assertionLifetime: Int64 = 300

    /// Reads the PEM file (the certificate and its RSA private key); throws with what is wrong.
    init(endpoint: TokenEndpoint, pem: String) async throws(EntraError) {
        let name = endpoint.name
        guard let certificate = Self.block("CERTIFICATE", in: pem), let der = Data(base64Encoded: certificate, options: .ignoreUnknownCharacters) else {
            throw EntraError("the certificate file of `\(name)` has no `BEGIN CERTIFICATE` block")
        }
        guard let key = Self.block("PRIVATE KEY", in: pem) ?? Self.block("RSA PRIVATE KEY", in: pem) else {
            throw EntraError("the certificate file of `\(name)` has no private key (`BEGIN PRIVATE KEY`)")
        }
        let label = pem.contains("BEGIN RSA PRIVATE KEY") ? "RSA PRIVATE KEY" : "PRIVATE KEY"
        let keys = JWTKeyCollection()
        do {
            let privateKey = try Insecure.RSA.PrivateKey(pem: "-----BEGIN \(label)-----\n\(key)\n-----END \(label)-----\n")
            await keys.add(pss: privateKey, digestAlgorithm: .sha256)
        } catch {
            throw EntraError("the private key of `\(name)` cannot be read as RSA: \(error)")
        }
        self.endpoint = endpoint
        self.keys = keys
        thumbprint = Self.base64URL(Array(SHA256.hash(data: der)))
    }

    func fetch(audience: String, now: Int64) async throws(EntraError) -> AccessToken {
        var header = JWTHeader()
        header.typ = "JWT"
        header.x5tS256 = thumbprint
        let (clientID, at) = (endpoint.clientID, { (seconds: Int64) in Date(timeIntervalSince1970: TimeInterval(seconds)) })
        let assertion: String
        do {
            assertion = try await keys.sign(
                ClientAssertion(
                    aud: AudienceClaim(value: endpoint.url), iss: IssuerClaim(value: clientID), sub: SubjectClaim(value: clientID),
                    jti: IDClaim(value: UUID().uuidString.lowercased()), nbf: NotBeforeClaim(value: at(now)),
                    exp: ExpirationClaim(value: at(now + Self.assertionLifetime))),
                header: header)
        } catch {
            throw EntraError("a token for `\(endpoint.name)` (\(audience)): the client assertion could not be signed: \(error)")
        }
        return try await endpoint.token(
            audience: audience, now: now,
            credential: [("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion)])
    }

    /// The base64 body of the first `-----BEGIN LABEL-----` block.
    static func block(_ label: String, in pem: String) -> String? {
        guard let begin = pem.range(of: "-----BEGIN \(label)-----"), let end = pem.range(of: "-----END \(label)-----", range: begin.upperBound..<pem.endIndex)
        else { return nil }
        return pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The claims of a client assertion.
struct ClientAssertion: JWTPayload {
    var aud: AudienceClaim
    var iss: IssuerClaim
    var sub: SubjectClaim
    var jti: IDClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
