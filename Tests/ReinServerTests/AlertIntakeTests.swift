import AsyncHTTPClient
import Foundation
import NIOCore
import ReinAdapters
import Testing

@testable import ReinServer

/// `POST /v1/alerts`: action-group webhooks open incidents (idempotent per alert), resolutions are
/// recorded, and only an alert token or a valid secure-webhook token gets in.
@Suite("rein serve: Azure Monitor alerts")
struct AlertIntakeTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    static let secure = AlertsConfig.SecureWebhook(
        tenant: tenant, identifierURI: "api://rein-alerts", clientID: "3c4d5e6f-0000-4000-8000-0000000000aa", openIDMetadata: nil)

    /// A Fired (or Resolved) crash-loop alert with `customProperties`.
    static func alert(id: String = "c0ffee01-aaaa-4bbb-8ccc-000000000001", condition: String = "Fired", properties: String = #"{"environment":"dev","team":"payments"}"#, severity: String = "Sev2") -> String {
        let resolved = condition == "Resolved" ? #","resolvedDateTime":"2026-06-03T12:05:00Z""# : ""
        return #"{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertId":"/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/providers/Microsoft.AlertsManagement/alerts/\#(id)","alertRule":"aks-pod-crashloop-cart","severity":"\#(severity)","signalType":"Log","monitorCondition":"\#(condition)","monitoringService":"Log Analytics","firedDateTime":"2026-06-03T11:29:00Z"\#(resolved),"alertTargetIDs":["/subscriptions/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/resourceGroups/rg-shop-dev/providers/Microsoft.ContainerService/managedClusters/aks-shop-dev"]},"alertContext":{},"customProperties":\#(properties)}}"#
    }

    static let config = AlertsConfig(owner: "agent-runtime", secureWebhook: nil, line: 1, column: 1)

    static func post(_ server: TestServer, _ body: String, query: String = "?token=action-group-token", bearer: String? = nil) async throws -> TestServer.Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/alerts\(query)")
        request.method = .POST
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await server.client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return TestServer.Reply(status: Int(response.status.code), body: String(buffer: collected))
    }

    static func incidentCount(_ server: TestServer) async throws -> Int {
        try await server.get("/v1/incidents", token: "dashboards-token")["incidents"]?.arrayValue.count ?? -1
    }

    @Test func aFiredAlertOpensItsIncidentOnceAndAResolutionIsRecorded() async throws {
        try await TestServer.with(at: APITests.weekday, alerts: Self.config) { server async throws in
            let opened = try await Self.post(server, Self.alert())
            #expect(opened.status == 201, "\(opened.body)")
            #expect(opened["incident"] == .string("c0ffee01-aaaa-4bbb-8ccc-000000000001") && opened["runbook"] == .string("aks_crashloop_backoff"))
            // The context holds the keys the bundle declares; `team` is not one of them.
            let opening = try await server.get("/v1/incidents/c0ffee01-aaaa-4bbb-8ccc-000000000001/recording", token: "agent-runtime-token")
            #expect(opening["context"] == .object(JSONObject(entries: [("environment", .string("dev"))])), "\(opening.body)")
            // The owner works it like any incident it opened.
            #expect(try await server.post("/v1/incidents/c0ffee01-aaaa-4bbb-8ccc-000000000001/events", token: "agent-runtime-token", APITests.readLogs).status == 200)
            // The same alert again, or updated: the same incident.
            #expect(try await Self.post(server, Self.alert()).status == 200)
            #expect(try await Self.post(server, Self.alert(severity: "Sev1"), query: "", bearer: "action-group-token").status == 200)
            #expect(try await Self.incidentCount(server) == 1)
            // Resolved: an observation, and the incident stays open.
            let resolved = try await Self.post(server, Self.alert(condition: "Resolved"))
            #expect(resolved.status == 200)
            let recording = try await server.get("/v1/incidents/c0ffee01-aaaa-4bbb-8ccc-000000000001/recording", token: "dashboards-token")
            #expect(recording["events"]?.arrayValue.last?["observe"]?["output"] == .string("alert resolved at 2026-06-03T12:05:00Z"), "\(recording.body)")
            let after = try await server.get("/v1/incidents/c0ffee01-aaaa-4bbb-8ccc-000000000001", token: "dashboards-token")
            #expect(after["phase"] == .string("investigating"))
            // A resolution for no incident records nothing.
            let unknown = try await Self.post(server, Self.alert(id: "never-fired", condition: "Resolved"))
            #expect(unknown.status == 200 && unknown["recorded"] == .bool(false))
        }
    }

    @Test func whatIsNotAnAlertOrMatchesNoRunbookIsRefused() async throws {
        try await TestServer.with(at: APITests.weekday, alerts: Self.config) { server async throws in
            #expect(try await Self.post(server, "not json").status == 400)
            #expect(try await Self.post(server, #"{"schemaId":"Microsoft.Insights/activityLogs","data":{}}"#).status == 422)
            let noRule = Self.alert().replacingOccurrences(of: "aks-pod-crashloop-cart", with: "some-other-rule")
            let refused = try await Self.post(server, noRule)
            #expect(refused.status == 422 && refused.body.contains("no runbook matches"), "\(refused.body)")
            #expect(try await Self.post(server, Self.alert(properties: #"{"environment":"moon"}"#)).status == 422)
            #expect(try await Self.post(server, Self.alert(id: "bad id with spaces")).status == 422)
            #expect(try await Self.post(server, Self.alert(properties: "null")).status == 422)  // no environment: the context is invalid
            #expect(try await Self.incidentCount(server) == 0)
        }
    }

    @Test func onlyAnAlertTokenGetsIn() async throws {
        try await TestServer.with(at: APITests.weekday, alerts: Self.config) { server async throws in
            #expect(try await Self.post(server, Self.alert(), query: "").status == 401)
            #expect(try await Self.post(server, Self.alert(), query: "?token=wrong").status == 401)
            #expect(try await Self.post(server, Self.alert(), query: "?token=agent-runtime-token").status == 403)
            #expect(try await Self.post(server, Self.alert(), query: "", bearer: "executor-token").status == 403)
            #expect(try await Self.post(server, Self.alert(), query: "", bearer: "a.b.c").status == 401)  // no secure webhook configured
            // And an alert token reads and posts nothing else.
            #expect(try await server.get("/v1/incidents", token: "action-group-token").status == 403)
            #expect(try await Self.incidentCount(server) == 0)
        }
        try await TestServer.with(at: APITests.weekday) { server async throws in
            #expect(try await Self.post(server, Self.alert()).status == 404)
        }
    }

    @Test func aSecureWebhookTokenMustBeTheActionGroupsOwnForThisApp() async throws {
        try await FakeOpenID.with { issuer, client in
            var secure = Self.secure
            secure.openIDMetadata = issuer.metadataURL
            let config = AlertsConfig(owner: "agent-runtime", secureWebhook: secure, line: 1, column: 1)
            let verifier = AlertIntake.verifier(secure, authority: EntraConfig.defaultAuthority, keys: client)
            let now = APITests.weekday.seconds
            func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
                var claims: [String: Any] = [
                    "iss": "https://sts.windows.net/\(Self.tenant)/", "aud": "api://rein-alerts", "appid": AlertsConfig.actionGroupsApp,
                    "roles": [AlertsConfig.webhookRole], "exp": now + 3600, "nbf": now - 60,
                ]
                for (key, value) in changes { claims[key] = value }
                return claims
            }
            try await TestServer.with(at: APITests.weekday, alerts: config, alertVerifier: verifier) { server in
                for (what, token) in [
                    ("forged", try await FakeOpenID.sign(claims(), stranger: true)),
                    ("expired", try await FakeOpenID.sign(claims(["exp": now - 600]))),
                    ("another audience", try await FakeOpenID.sign(claims(["aud": "api://someone-else"]))),
                    ("another tenant", try await FakeOpenID.sign(claims(["iss": "https://sts.windows.net/00000000-0000-0000-0000-000000000000/"]))),
                    ("another app", try await FakeOpenID.sign(claims(["appid": "00000000-0000-0000-0000-000000000001"]))),
                    ("no webhook role", try await FakeOpenID.sign(claims(["roles": ["Reader"]]))),
                    ("unsigned", try FakeOpenID.handMade(header: ["alg": "none", "kid": FakeOpenID.kid], claims: claims())),
                ] {
                    let refused = try await Self.post(server, Self.alert(), query: "", bearer: token)
                    #expect(refused.status == 401, "\(what): \(refused.status)")
                }
                #expect(try await Self.incidentCount(server) == 0)
                // A v1 token for the identifier URI, and a v2 token for the client id.
                #expect(try await Self.post(server, Self.alert(), query: "", bearer: try await FakeOpenID.sign(claims())).status == 201)
                let v2 = claims([
                    "iss": "https://login.microsoftonline.com/\(Self.tenant)/v2.0", "aud": Self.secure.clientID, "azp": AlertsConfig.actionGroupsApp,
                    "appid": NSNull(),
                ])
                #expect(try await Self.post(server, Self.alert(id: "second"), query: "", bearer: try await FakeOpenID.sign(v2)).status == 201)
            }
        }
    }
}
