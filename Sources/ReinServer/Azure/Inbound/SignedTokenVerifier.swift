import Foundation
import JWTKit
import ReinAdapters

/// Why an inbound bearer token is refused (said in the log, never to the caller, who gets 401).
public struct InboundTokenError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(_ message: String) {
        self.message = message
    }
}

/// A token that verified: its claims, and the endorsements of the key that signed it.
public struct VerifiedToken: Sendable {
    public let claims: JSONObject
    public let endorsements: [String]

    /// A string claim.
    public func string(_ name: String) -> String? {
        if case .string(let text)? = claims[name] { return text }
        return nil
    }

    /// A claim that is a string or an array of strings, as a list.
    public func strings(_ name: String) -> [String] {
        switch claims[name] {
        case .string(let text)?: [text]
        case .array(let items)?: items.compactMap { if case .string(let text) = $0 { text } else { nil } }
        default: []
        }
    }
}

/// Verifies the bearer tokens Azure services send Rein (secure webhooks, Bot Framework):
/// RS256 only (`none` and every other algorithm refused), signed by a key the issuer
/// publishes, issued by one of `issuers` for one of `audiences`, and within `exp` / `nbf`
/// with `skew` seconds of tolerance. Callers check their own claims on what it returns.
public struct SignedTokenVerifier: Sendable {
    public let keys: OpenIDKeySet
    public let issuers: [String]
    public let audiences: [String]
    public let skew: Int64

    public init(keys: OpenIDKeySet, issuers: [String], audiences: [String], skew: Int64 = 300) {
        self.keys = keys
        self.issuers = issuers
        self.audiences = audiences
        self.skew = skew
    }

    /// Verifies `token` at `now` (seconds since the epoch).
    public func verify(_ token: String, now: Int64) async throws(InboundTokenError) -> VerifiedToken {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 16 << 10, parts.count == 3, case .object(let header)? = Self.decode(parts[0]),
            case .object(let claims)? = Self.decode(parts[1])
        else { throw InboundTokenError("not a JWT") }
        guard header["alg"] == .string("RS256") else { throw InboundTokenError("the token is not signed RS256") }
        guard case .string(let kid)? = header["kid"] else { throw InboundTokenError("the token names no signing key (`kid`)") }
        let key = try await keys.key(kid, now: now)
        do {
            _ = try await key.verifier.verify(token, as: UncheckedPayload.self)
        } catch {
            throw InboundTokenError("the token's signature does not verify")
        }
        let verified = VerifiedToken(claims: claims, endorsements: key.endorsements)
        guard case .integer(let expiry)? = Self.seconds(claims["exp"]) else { throw InboundTokenError("the token has no `exp` in seconds") }
        guard now - skew <= expiry else { throw InboundTokenError("the token has expired") }
        if case .integer(let start)? = Self.seconds(claims["nbf"]), now + skew < start {
            throw InboundTokenError("the token is not valid yet")
        }
        guard let issuer = verified.string("iss"), issuers.contains(issuer) else {
            throw InboundTokenError("the token's issuer `\(verified.string("iss") ?? "")` is not accepted")
        }
        guard verified.strings("aud").contains(where: audiences.contains) else {
            throw InboundTokenError("the token is for another audience (`\(verified.strings("aud").joined(separator: "`, `"))`)")
        }
        return verified
    }

    /// The JSON of a base64url part.
    static func decode(_ part: Substring) -> JSONValue? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), case .success(let value) = JSONReader.parse(Array(data), maxBytes: 16 << 10) else { return nil }
        return value
    }

    /// A NumericDate claim as whole seconds (a JSON integer, or a number with a fraction).
    static func seconds(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .integer?: value
        case .number(let text)?: Double(text).flatMap { $0.isFinite && abs($0) < 1e15 ? JSONValue.integer(Int64($0)) : nil }
        default: nil
        }
    }
}

/// The payload as jwt-kit sees it: nothing checked there (the verifier checks the claims
/// itself, against the host's clock).
struct UncheckedPayload: JWTPayload {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
