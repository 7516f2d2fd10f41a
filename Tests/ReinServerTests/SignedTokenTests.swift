import AsyncHTTPClient
import Foundation
import ReinAdapters
import Testing

@testable import ReinServer

/// Inbound bearer tokens (secure webhooks, Bot Framework): only RS256 tokens signed by a key the
/// issuer publishes, from an accepted issuer, for an accepted audience, within their lifetime.
@Suite("Signed inbound tokens")
struct SignedTokenTests {
    static let now: Int64 = 1_780_000_000
    static let issuer = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/"
    static let audience = "https://rein.contoso.com/alerts"

    static func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = ["iss": issuer, "aud": audience, "exp": now + 3600, "nbf": now - 60, "appid": "461e8683-5575-4561-ac7f-899cc907d62a"]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    func withVerifier(_ body: (SignedTokenVerifier, FakeOpenID) async throws -> Void) async throws {
        try await FakeOpenID.with { issuer, client in
            try await body(
                SignedTokenVerifier(keys: OpenIDKeySet(metadataURL: issuer.metadataURL, client: client), issuers: [Self.issuer], audiences: [Self.audience]),
                issuer)
        }
    }

    /// The refusal of `token`, or nil when it verifies.
    static func refusal(_ verifier: SignedTokenVerifier, _ token: String, at now: Int64 = now) async -> String? {
        do {
            _ = try await verifier.verify(token, now: now)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aTokenSignedByThePublishedKeyVerifies() async throws {
        try await withVerifier { verifier, issuer async throws in
            let verified = try await verifier.verify(try await FakeOpenID.sign(Self.claims()), now: Self.now)
            #expect(verified.string("appid") == "461e8683-5575-4561-ac7f-899cc907d62a" && verified.endorsements == ["msteams"])
            #expect(issuer.keyFetches == 1)
            // The keys are kept: a second token fetches nothing.
            _ = try await verifier.verify(try await FakeOpenID.sign(Self.claims(["aud": [Self.audience, "other"]])), now: Self.now)
            #expect(issuer.keyFetches == 1)
        }
    }

    @Test func forgedExpiredAndMisaddressedTokensAreRefused() async throws {
        try await withVerifier { verifier, _ async throws in
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(), stranger: true)) == "the token's signature does not verify")
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["exp": Self.now - 301]))) == "the token has expired")
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["exp": Self.now - 299]))) == nil)  // within the skew
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["nbf": Self.now + 301]))) == "the token is not valid yet")
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["exp": Int64.max]))) == nil)
            #expect(await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["exp": "tomorrow"]))) == "the token has no `exp` in seconds")
            #expect(
                await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["aud": "https://elsewhere"])))
                    == "the token is for another audience (`https://elsewhere`)")
            #expect(
                await Self.refusal(verifier, try await FakeOpenID.sign(Self.claims(["iss": "https://sts.windows.net/evil/"])))
                    == "the token's issuer `https://sts.windows.net/evil/` is not accepted")
        }
    }

    @Test func unsignedAndOtherAlgorithmsAreRefused() async throws {
        try await withVerifier { verifier, issuer async throws in
            let none = try FakeOpenID.handMade(header: ["alg": "none", "kid": FakeOpenID.kid], claims: Self.claims())
            #expect(await Self.refusal(verifier, none) == "the token is not signed RS256")
            let hmac = try FakeOpenID.handMade(header: ["alg": "HS256", "kid": FakeOpenID.kid], claims: Self.claims(), signature: "c2lnbmF0dXJl")
            #expect(await Self.refusal(verifier, hmac) == "the token is not signed RS256")
            let unsigned = try FakeOpenID.handMade(header: ["alg": "RS256", "kid": FakeOpenID.kid], claims: Self.claims())
            #expect(await Self.refusal(verifier, unsigned) == "the token's signature does not verify")
            #expect(await Self.refusal(verifier, "not.a.jwt.at-all") == "not a JWT")
            #expect(await Self.refusal(verifier, "") == "not a JWT")
            #expect(issuer.keyFetches == 1)
        }
    }

    @Test func anUnknownKeyFetchesTheKeysAgainAtMostOnceAMinute() async throws {
        try await withVerifier { verifier, issuer async throws in
            let unknown = try await FakeOpenID.sign(Self.claims(), kid: "rolled-over-key")
            #expect(await Self.refusal(verifier, unknown) == "the signing key `rolled-over-key` is not among the issuer's keys")
            #expect(issuer.keyFetches == 1)
            #expect(await Self.refusal(verifier, unknown, at: Self.now + 30) == "the signing key `rolled-over-key` is not among the issuer's keys")
            #expect(issuer.keyFetches == 1)
            #expect(await Self.refusal(verifier, unknown, at: Self.now + 61) != nil)
            #expect(issuer.keyFetches == 2)
        }
    }
}
