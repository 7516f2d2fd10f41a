import AsyncHTTPClient
import HTTPTypes
import Logging
import ReinAdapters

/// `POST /v1/alerts`: Azure Monitor action-group webhooks in the common alert schema.
/// - Authenticated by a token of role `alert` (a bearer token, or `?token=`, which is all an
///   action group's plain webhook can send), or, with `alerts.secure_webhook`, by the Entra ID
///   token the Action Groups app gets for the receiver: signed by the tenant's keys, from the
///   tenant's v1 or v2 issuer, for the app's identifier URI or client id, `appid`/`azp` the
///   Action Groups app, with the `ActionGroupsSecureWebhook` role.
/// - `Fired`: opens the incident whose id is the last path segment of `essentials.alertId`, owned
///   by `alerts.owner`, with the context read from `customProperties` (the keys the bundle
///   declares; others ignored), the runbook chosen by its trigger. A repeated notification is
///   answered with the incident (200), whatever its body.
/// - `Resolved`: recorded in the open incident as an observation, `alert resolved at …`; it
///   does not close it.
/// - A transient failure of Rein's own is 503, which action groups retry (never 500).
/// - With `agents`, each incident it opens is handed to the agent runtime (``HandoffDispatcher``).
public struct AlertIntake: Sendable {
    let host: SessionHost
    let tokens: TokenTable
    let config: AlertsConfig?
    let verifier: SignedTokenVerifier?
    let clock: any HostClock
    let logger: Logger
    /// Hands each incident it opens to the agent runtime (`agents`), when configured.
    let handoff: HandoffDispatcher?

    public init(
        host: SessionHost, tokens: TokenTable, config: AlertsConfig?, verifier: SignedTokenVerifier?, clock: any HostClock, logger: Logger,
        handoff: HandoffDispatcher? = nil
    ) {
        self.host = host
        self.tokens = tokens
        self.config = config
        self.verifier = verifier
        self.clock = clock
        self.logger = logger
        self.handoff = handoff
    }

    /// The verifier of secure-webhook tokens for `webhook`'s app, with keys from its metadata.
    public static func verifier(_ webhook: AlertsConfig.SecureWebhook, authority: String, keys client: HTTPClient) -> SignedTokenVerifier {
        let metadata = webhook.openIDMetadata ?? "\(authority)/\(webhook.tenant)/v2.0/.well-known/openid-configuration"
        return SignedTokenVerifier(
            keys: OpenIDKeySet(metadataURL: metadata, client: client),
            issuers: ["https://sts.windows.net/\(webhook.tenant)/", "https://login.microsoftonline.com/\(webhook.tenant)/v2.0"],
            audiences: [webhook.identifierURI, webhook.clientID])
    }

    /// Answers one notification.
    func receive(authorization: String?, queryToken: String?, body: [UInt8]) async throws(APIError) -> (JSONValue, HTTPResponse.Status) {
        guard let config else { throw APIError(.notFound, "not_found", "alerts are not configured here (`alerts` in rein-serve.yaml)") }
        try await authenticate(authorization: authorization, queryToken: queryToken)
        let alert = try Self.read(body)
        let owner = Principal(name: config.owner, role: .agent)
        switch alert.condition {
        case "Fired":
            if let existing = try await view(alert.incident, owner: owner) { return (existing, .ok) }
            let keys = Set(host.currentPolicy.contextKeys)
            let context = alert.customProperties.map { JSONObject(entries: $0.entries.filter { keys.contains($0.key) }) } ?? JSONObject(entries: [])
            if let problem = host.currentPolicy.contextProblem(context) {
                throw APIError(.unprocessableContent, "unprocessable", "the alert's `customProperties`: \(problem)")
            }
            let opening = JSONValue.object(
                JSONObject(entries: [("incident", .string(alert.incident)), ("context", .object(context)), ("alert", .object(alert.body))]))
            do {
                let body = handoff.map { dispatcher in { @Sendable (incident: String, runbook: String) in dispatcher.body(incident: incident, runbook: runbook) } }
                let (view, created) = try await host.open(SourceFile(path: "alert.json", bytes: JSONWriter.encode(opening)), by: owner, handoff: body)
                if created { await handoff?.notify() }
                return (view, created ? .created : .ok)
            } catch {
                throw Self.answer(error)
            }
        default:
            guard case .object(let existing)? = try await view(alert.incident, owner: owner), existing["phase"] != .string("closed") else {
                return (.object(JSONObject(entries: [("incident", .string(alert.incident)), ("recorded", .bool(false))])), .ok)
            }
            let at = alert.resolvedAt ?? clock.now().rfc3339
            let event = JSONValue.object(JSONObject(entries: [("observe", .object(JSONObject(entries: [("output", .string("alert resolved at \(at)"))])))]))
            do {
                return (try await host.post(event: SourceFile(path: "alert.json", bytes: JSONWriter.encode(event)), to: alert.incident, by: owner), .ok)
            } catch {
                throw Self.answer(error)
            }
        }
    }

    /// The incident as its owner sees it, nil when there is none; a conflict when another
    /// agent opened an incident with that id.
    private func view(_ id: String, owner: Principal) async throws(APIError) -> JSONValue? {
        do {
            return try await host.view(id, by: owner, after: nil, wait: .zero)
        } catch .notFound(_) {
            return nil
        } catch .forbidden(_) {
            throw APIError(.conflict, "conflict", "incident `\(id)` exists and was opened by another agent")
        } catch {
            throw Self.answer(error)
        }
    }

    /// A host error as the answer to an action group: its own failures are 503, so that the
    /// action group tries again.
    static func answer(_ error: HostError) -> APIError {
        if case .storage = error { return APIError(.serviceUnavailable, "unavailable", "the alert could not be stored now; try again") }
        return APIError(error)
    }

    private func authenticate(authorization: String?, queryToken: String?) async throws(APIError) {
        let forbidden = APIError(.forbidden, "forbidden", "only an alert token or an action group's secure webhook posts alerts")
        if let authorization {
            guard authorization.hasPrefix("Bearer "), authorization.utf8.count > 7 else { throw .unauthorized }
            let token = String(authorization.dropFirst(7))
            if let principal = tokens.principal(forToken: token) {
                guard principal.role == .alert else { throw forbidden }
                return
            }
            guard let verifier, token.split(separator: ".", omittingEmptySubsequences: false).count == 3 else { throw .unauthorized }
            do throws(InboundTokenError) {
                let verified = try await verifier.verify(token, now: clock.now().seconds)
                guard verified.string("appid") ?? verified.string("azp") == AlertsConfig.actionGroupsApp else {
                    throw InboundTokenError("the token was not obtained by the Action Groups app")
                }
                guard verified.strings("roles").contains(AlertsConfig.webhookRole) else {
                    throw InboundTokenError("the token lacks the `\(AlertsConfig.webhookRole)` role")
                }
            } catch {
                logger.warning("secure webhook refused", metadata: ["why": "\(error.message)"])
                throw .unauthorized
            }
            return
        }
        guard let queryToken, let principal = tokens.principal(forToken: queryToken) else { throw .unauthorized }
        guard principal.role == .alert else { throw forbidden }
    }
}
