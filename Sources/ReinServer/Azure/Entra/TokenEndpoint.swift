/// A tenant's token endpoint (`{authority}/{tenant}/oauth2/v2.0/token`) for one app:
/// `client_credentials` with whichever credential the source gives.
struct TokenEndpoint: Sendable {
    let name: String
    let url: String
    let clientID: String
    let requests: TokenRequests

    /// A token for `audience`, the app proving itself with `credential` (form fields).
    func token(audience: String, now: Int64, credential: [(String, String)]) async throws(EntraError) -> AccessToken {
        let what = "a token for `\(name)` (\(audience))"
        let form = [("grant_type", "client_credentials"), ("client_id", clientID)] + credential + [("scope", ClientSecretSource.scope(of: audience))]
        let answer = try await requests.post(url, form: form, what: what)
        return try TokenRequests.token(in: answer, now: now, what: what)
    }
}

/// `client_credentials` with a client secret.
struct ClientSecretSource: TokenSource {
    let endpoint: TokenEndpoint
    let secret: String

    func fetch(audience: String, now: Int64) async throws(EntraError) -> AccessToken {
        try await endpoint.token(audience: audience, now: now, credential: [("client_secret", secret)])
    }
}
