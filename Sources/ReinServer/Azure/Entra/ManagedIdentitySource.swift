import ReinAdapters

/// The machine's managed identity: the Azure Instance Metadata Service
/// (`GET {imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`, header
/// `Metadata: true`), or, on App Service, Functions and Container Apps, the endpoint in
/// `IDENTITY_ENDPOINT` with the `X-IDENTITY-HEADER` from `IDENTITY_HEADER` (api-version
/// 2019-08-01). `client_id` chooses among user-assigned identities.
struct ManagedIdentitySource: TokenSource {
    enum Endpoint: Sendable {
        case imds(base: String)
        case appService(url: String, header: String)
    }

    let name: String
    let endpoint: Endpoint
    let clientID: String?
    let requests: TokenRequests

    func fetch(audience: String, now: Int64) async throws(EntraError) -> AccessToken {
        let what = "a managed-identity token for `\(name)` (\(audience))"
        var query = [("resource", audience)]
        if let clientID { query.append(("client_id", clientID)) }
        let answer: JSONObject
        switch endpoint {
        case .imds(let base):
            answer = try await requests.get(
                "\(base)/metadata/identity/oauth2/token?\(TokenRequests.form([("api-version", "2018-02-01")] + query))", headers: [("Metadata", "true")], what: what)
        case .appService(let url, let header):
            answer = try await requests.get(
                "\(url)?\(TokenRequests.form([("api-version", "2019-08-01")] + query))", headers: [("X-IDENTITY-HEADER", header)], what: what)
        }
        return try TokenRequests.token(in: answer, now: now, what: what)
    }
}
