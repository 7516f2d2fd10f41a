import AsyncHTTPClient
import Foundation
import NIOCore
import ReinAdapters
import Synchronization

/// The tokens of every configured identity (`entra.identities`), per audience: fetched on
/// first use, kept until five minutes before they expire, and fetched once however many calls
/// want one at the same moment (the others wait for that fetch). Tokens are never logged.
public final class EntraTokens: Sendable {
    /// A token is fetched again this long before it expires.
    public static let refreshMargin: Int64 = 300

    private let sources: [String: any TokenSource]
    private let clock: any HostClock
    private let cache = Mutex<[String: Entry]>([:])
    private let client: HTTPClient?

    private enum Entry {
        case ready(AccessToken)
        case fetching(Task<AccessToken, any Error>)
    }

    init(sources: [String: any TokenSource], clock: any HostClock, client: HTTPClient?) {
        self.sources = sources
        self.clock = clock
        self.client = client
    }

    /// The identities of `config`, their secrets read from `environment` and their certificates
    /// from their files. Throws one message per identity that cannot be used, with its place in
    /// `path`. `timeout`: of each request to Entra or the metadata service.
    public static func make(
        _ config: EntraConfig, environment: [String: String], clock: any HostClock, path: String, timeout: TimeAmount = .seconds(10)
    ) async throws(ConfigError) -> EntraTokens {
        let client = TokenRequests.makeClient()
        let requests = TokenRequests(client: client, timeout: timeout)
        var sources: [String: any TokenSource] = [:]
        var problems: [String] = []
        for identity in config.identities {
            let place = "\(path):\(identity.line):\(identity.column): identity `\(identity.name)`"
            switch identity.credential {
            case .clientSecret(let tenant, let clientID, let secretEnv):
                guard let secret = environment[secretEnv], !secret.isEmpty else {
                    problems.append("\(place): the variable `\(secretEnv)` that holds its client secret is not set")
                    continue
                }
                let endpoint = TokenEndpoint(
                    name: identity.name, url: "\(config.authority)/\(tenant)/oauth2/v2.0/token", clientID: clientID, requests: requests)
                sources[identity.name] = ClientSecretSource(endpoint: endpoint, secret: secret)
            case .certificate(let tenant, let clientID, let file):
                guard let pem = try? String(contentsOfFile: file, encoding: .utf8) else {
                    problems.append("\(place): its certificate file `\(file)` cannot be read")
                    continue
                }
                do {
                    let endpoint = TokenEndpoint(
                        name: identity.name, url: "\(config.authority)/\(tenant)/oauth2/v2.0/token", clientID: clientID, requests: requests)
                    sources[identity.name] = try await ClientCertificateSource(endpoint: endpoint, pem: pem)
                } catch {
                    problems.append("\(place): \(error.message)")
                }
            case .managedIdentity(let clientID):
                let endpoint: ManagedIdentitySource.Endpoint =
                    if let url = environment["IDENTITY_ENDPOINT"], let header = environment["IDENTITY_HEADER"], !url.isEmpty, !header.isEmpty {
                        .appService(url: url, header: header)
                    } else {
                        .imds(base: config.imds)
                    }
                sources[identity.name] = ManagedIdentitySource(name: identity.name, endpoint: endpoint, clientID: clientID, requests: requests)
            }
        }
        guard problems.isEmpty else {
            try? await client.shutdown()
            throw ConfigError(messages: problems)
        }
        return EntraTokens(sources: sources, clock: clock, client: client)
    }

    /// Whether an identity of that name is configured.
    public func has(_ identity: String) -> Bool { sources[identity] != nil }

    /// A token of `identity` for `audience`: the cached one while it has more than
    /// ``refreshMargin`` left, else a new one (a single fetch for every caller waiting).
    public func token(for identity: String, audience: String) async throws(EntraError) -> AccessToken {
        guard let source = sources[identity] else { throw EntraError("no Entra identity `\(identity)` is configured") }
        let key = identity + "\u{0}" + audience
        let now = clock.now().seconds
        let task = cache.withLock { cache -> Task<AccessToken, any Error>? in
            switch cache[key] {
            case .ready(let token)? where token.expiresAt - Self.refreshMargin > now: return nil
            case .fetching(let task)?: return task
            default:
                let task = Task { () async throws -> AccessToken in try await source.fetch(audience: audience, now: now) }
                cache[key] = .fetching(task)
                return task
            }
        }
        guard let task else {
            if case .ready(let token)? = cache.withLock({ $0[key] }) { return token }
            return try await self.token(for: identity, audience: audience)
        }
        do {
            let token = try await task.value
            cache.withLock { cache in
                if case .fetching(let running)? = cache[key], running == task { cache[key] = .ready(token) }
            }
            return token
        } catch {
            cache.withLock { cache in
                if case .fetching(let running)? = cache[key], running == task { cache[key] = nil }
            }
            throw (error as? EntraError) ?? EntraError("a token for `\(identity)` (\(audience)): \(error)")
        }
    }

    /// Closes the HTTP client.
    public func shutdown() async {
        try? await client?.shutdown()
    }
}
