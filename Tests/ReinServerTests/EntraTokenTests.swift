import Foundation
import ReinAdapters
import Testing

@testable import ReinServer

/// Entra ID tokens for Rein's outgoing calls, against a strict loopback Entra: a client secret,
/// a certificate's signed assertion, a managed identity (IMDS and App Service); cached until
/// five minutes before expiry, fetched once under concurrency, never shown.
@Suite("Entra ID tokens")
struct EntraTokenTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let arm = "https://management.azure.com/"
    static let bot = "https://api.botframework.com"
    static let start = Timestamp(seconds: 1_780_000_000)

    static func pem(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/Corpus/azure/\(name)"), encoding: .utf8)
    }

    /// A fake Entra with a secret app and a certificate app, the tokens of `identities` (YAML),
    /// and the manual clock both read.
    func withEntra(
        _ identities: String, environment: [String: String] = ["REIN_REMEDIATOR_SECRET": "s3cr3t-value"], delay: Duration = .zero,
        _ body: (FakeEntra, EntraTokens, ManualClock) async throws -> Void
    ) async throws {
        let clock = ManualClock(Self.start)
        let entra = FakeEntra(
            apps: [
                FakeEntra.App(tenant: Self.tenant, clientID: "0b5c5e0a-0000-4000-8000-00000000000a", secret: "s3cr3t-value"),
                FakeEntra.App(tenant: Self.tenant, clientID: "9d1e7f3b-0000-4000-8000-00000000000b", certificatePEM: try Self.pem("test-client.pem")),
            ], now: { clock.now().seconds }, delay: delay)
        try await entra.start()
        let text = "entra:\n  authority: \(entra.authority)\n  imds: \(entra.authority)\n  identities:\n" + identities
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        let tokens = try await EntraTokens.make(config, environment: environment, clock: clock, path: "c.yaml")
        do {
            try await body(entra, tokens, clock)
        } catch {
            await tokens.shutdown()
            await entra.stop()
            throw error
        }
        await tokens.shutdown()
        await entra.stop()
    }

    static let remediator = "    remediator: {tenant: \(tenant), client_id: 0b5c5e0a-0000-4000-8000-00000000000a, secret_env: REIN_REMEDIATOR_SECRET}\n"

    @Test func aClientSecretTokenIsCachedUntilFiveMinutesBeforeItExpires() async throws {
        try await withEntra(Self.remediator) { entra, tokens, clock in
            let first = try await tokens.token(for: "remediator", audience: Self.arm)
            #expect(first.value == "fake-access-token-1" && first.expiresAt == Self.start.seconds + 3600)
            #expect(try await tokens.token(for: "remediator", audience: Self.arm).value == "fake-access-token-1")
            // Another audience is another token.
            #expect(try await tokens.token(for: "remediator", audience: Self.bot).value == "fake-access-token-2")
            clock.advance(to: Timestamp(seconds: Self.start.seconds + 3600 - 301))
            #expect(try await tokens.token(for: "remediator", audience: Self.arm).value == "fake-access-token-1")
            clock.advance(to: Timestamp(seconds: Self.start.seconds + 3600 - 300))
            #expect(try await tokens.token(for: "remediator", audience: Self.arm).value == "fake-access-token-3")
            #expect(entra.issued.map(\.resource) == [Self.arm, Self.bot, Self.arm])
            #expect(entra.refusals == [])
        }
    }

    @Test func callsAtTheSameMomentShareOneFetch() async throws {
        try await withEntra(Self.remediator, delay: .milliseconds(200)) { entra, tokens, _ in
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await tokens.token(for: "remediator", audience: Self.arm).value } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(values) == ["fake-access-token-1"] && values.count == 20)
            #expect(entra.issued.count == 1)
        }
    }

    @Test func aCertificateSignsAFreshAssertionForEachToken() async throws {
        let file = repositoryRoot.appendingPathComponent("Tests/Corpus/azure/test-client.pem").path
        let bot = "    bot: {tenant: \(Self.tenant), client_id: 9d1e7f3b-0000-4000-8000-00000000000b, certificate: \(file)}\n"
        try await withEntra(bot) { entra, tokens, _ async throws in
            #expect(try await tokens.token(for: "bot", audience: Self.bot).value == "fake-access-token-1")
            #expect(try await tokens.token(for: "bot", audience: Self.arm).value == "fake-access-token-2")
            #expect(entra.refusals == [])
        }
    }

    @Test func aCertificateTheAppDoesNotKnowIsRefusedAndSaysWhy() async throws {
        let file = repositoryRoot.appendingPathComponent("Tests/Corpus/azure/test-stranger.pem").path
        let bot = "    bot: {tenant: \(Self.tenant), client_id: 9d1e7f3b-0000-4000-8000-00000000000b, certificate: \(file)}\n"
        try await withEntra(bot) { entra, tokens, _ in
            do throws(EntraError) {
                _ = try await tokens.token(for: "bot", audience: Self.bot)
                Issue.record("a token was issued for an unknown certificate")
            } catch {
                #expect(error.message.hasPrefix("a token for `bot` (https://api.botframework.com): invalid_client: AADSTS700027"))
                #expect(!error.message.contains("Trace ID"))
            }
            #expect(entra.issued.isEmpty)
        }
    }

    @Test func aWrongSecretIsRefusedWithoutTheSecretInTheError() async throws {
        try await withEntra(Self.remediator, environment: ["REIN_REMEDIATOR_SECRET": "not-the-secret"]) { entra, tokens, _ in
            do throws(EntraError) {
                _ = try await tokens.token(for: "remediator", audience: Self.arm)
                Issue.record("a token was issued for a wrong secret")
            } catch {
                #expect(error.message == "a token for `remediator` (https://management.azure.com/): invalid_client: AADSTS7000215: Invalid client secret provided. (HTTP 401)")
                #expect(!error.message.contains("not-the-secret"))
            }
            // A failure is not cached: the next call asks again.
            await #expect(throws: EntraError.self) { _ = try await tokens.token(for: "remediator", audience: Self.arm) }
            #expect(entra.refusals.count == 2)
        }
    }

    @Test func managedIdentitiesAskTheMetadataService() async throws {
        let identities = "    observer: {managed_identity: true}\n    auditor: {managed_identity: {client_id: \(FakeEntra.userAssigned)}}\n"
        try await withEntra(identities) { entra, tokens, _ in
            let observer = try await tokens.token(for: "observer", audience: "https://api.loganalytics.io")
            #expect(observer.value == "fake-managed-token-1" && observer.expiresAt == Self.start.seconds + 3600)
            #expect(try await tokens.token(for: "auditor", audience: "https://storage.azure.com/").value == "fake-managed-token-2")
            #expect(entra.issued == [.init(client: "system-assigned", resource: "https://api.loganalytics.io"), .init(client: FakeEntra.userAssigned, resource: "https://storage.azure.com/")])
            #expect(entra.refusals == [])
        }
    }

    @Test func onAppServiceTheManagedIdentityEndpointComesFromTheEnvironment() async throws {
        let clock = ManualClock(Self.start)
        let entra = FakeEntra(apps: [], now: { clock.now().seconds })
        try await entra.start()
        let text = "entra:\n  identities:\n    observer: {managed_identity: true}\n"
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        let tokens = try await EntraTokens.make(
            config, environment: ["IDENTITY_ENDPOINT": "\(entra.authority)/msi/token", "IDENTITY_HEADER": FakeEntra.identityHeader], clock: clock,
            path: "c.yaml")
        #expect(try await tokens.token(for: "observer", audience: Self.arm).value == "fake-managed-token-1")
        #expect(entra.refusals == [])
        await tokens.shutdown()
        await entra.stop()
    }

    @Test func theFakeIsStrictAboutWhatItIsSent() async throws {
        let entra = FakeEntra(apps: [], now: { 0 })
        try await entra.start()
        let client = TokenRequests(client: TokenRequests.makeClient(), timeout: .seconds(10))
        let base = "\(entra.authority)/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F"
        await #expect(throws: EntraError.self) { _ = try await client.get(base, headers: [], what: "no Metadata header") }
        await #expect(throws: EntraError.self) { _ = try await client.get(base.replacingOccurrences(of: "2018-02-01", with: "2017-09-01"), headers: [("Metadata", "true")], what: "an old api-version") }
        await #expect(throws: EntraError.self) {
            _ = try await client.post("\(entra.authority)/\(Self.tenant)/oauth2/v2.0/token", form: [("grant_type", "password")], what: "another grant")
        }
        #expect(entra.refusals.count == 3)
        try await client.client.shutdown()
        await entra.stop()
    }

    @Test func aTokenIsNeverShown() {
        let token = AccessToken(value: "eyJ0eXAiOiJKV1Qi.secret.part", expiresAt: 1_780_003_600)
        #expect("\(token)" == "an access token expiring at 1780003600")
        #expect(String(reflecting: token) == "an access token expiring at 1780003600")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains("secret"), "\(dumped)")
    }

    @Test(arguments: [
        ("    x: {tenant: a/b, client_id: c, secret_env: S}\n", "c.yaml:3:17: `tenant` must be a GUID or a domain name, not `a/b`"),
        ("    x: {tenant: t, client_id: c, secret_env: S, certificate: f.pem}\n", "c.yaml:3:49: identity `x` has both `secret_env` and `certificate`: give one"),
        ("    x: {tenant: t, client_id: c}\n", "c.yaml:3:8: identity `x` needs `secret_env` (a client secret from the environment) or `certificate` (a PEM file)"),
        ("    x: {managed_identity: true, tenant: t}\n", "c.yaml:3:33: a managed identity takes no other key: its client id goes in `managed_identity: {client_id: …}`"),
        ("    x: {managed_identity: yes}\n", "c.yaml:3:27: `managed_identity` is `true` (system-assigned) or `{client_id: …}` (user-assigned)"),
    ])
    func identitiesAreReadStrictly(_ identity: String, _ expected: String) throws {
        let text = "entra:\n  identities:\n" + identity
        guard case .failure(let error) = ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))) else {
            Issue.record("accepted: \(identity)")
            return
        }
        #expect(error.messages.first == expected)
    }

    @Test func anUnsetSecretOrAnUnreadableCertificateStopsTheStart() async throws {
        let text = "entra:\n  identities:\n    remediator: {tenant: t, client_id: c, secret_env: NOT_SET}\n    bot: {tenant: t, client_id: c, certificate: /nonexistent.pem}\n"
        let config = try #require(try ServeConfig.read(SourceFile(path: "c.yaml", bytes: Array(text.utf8))).get().entra)
        do {
            _ = try await EntraTokens.make(config, environment: [:], clock: ManualClock(Self.start), path: "c.yaml")
            Issue.record("started without its secrets")
        } catch {
            #expect(
                error.messages == [
                    "c.yaml:3:5: identity `remediator`: the variable `NOT_SET` that holds its client secret is not set",
                    "c.yaml:4:5: identity `bot`: its certificate file `/nonexistent.pem` cannot be read",
                ])
        }
    }
}
