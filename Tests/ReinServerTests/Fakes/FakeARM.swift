import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback Azure Resource Manager for PIM schedule requests, as strict as ARM about what Rein
/// sends, and as unforgiving:
/// - only `GET` and `PUT` of `…/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{name}`
///   with `api-version=2020-10-01`, and a bearer token the fake Entra issued for ARM (a token
///   for another audience is refused, as ARM refuses it);
/// - a `PUT` body with `principalId` (the remediator's), `roleDefinitionId`, a `justification`,
///   `requestType` `SelfActivate` (with `scheduleInfo`) or `SelfDeactivate`;
/// - a request name PUT twice is refused (schedule requests are not idempotent);
/// - a deactivation within five minutes of the activation is refused, `ActiveDurationTooShort`;
/// - an activation goes through the statuses of `script`, one per GET, and stays at the last.
final class FakeARM: Sendable {
    struct Call: Sendable, Equatable {
        var method: String
        var kind: String
        var answer: Int
    }

    private struct Stored {
        var type: String
        var statuses: [String]
        var created: Int64
    }

    private struct State {
        var requests: [String: Stored] = [:]
        var calls: [Call] = []
        var refusals: [String] = []
        var activatedAt: Int64?
        var throttle = 0
    }

    let principal: String
    let script: [String]
    let validToken: @Sendable (String) -> Bool
    let now: @Sendable () -> Int64
    private let state = Mutex(State())
    private let group = Mutex<ServiceGroup?>(nil)
    private let portBox = Mutex(0)

    var endpoint: String { "http://127.0.0.1:\(portBox.withLock { $0 })" }
    var calls: [Call] { state.withLock { $0.calls } }
    var refusals: [String] { state.withLock { $0.refusals } }
    /// The next `count` requests are answered 429 with `Retry-After: 1`.
    func throttle(_ count: Int) { state.withLock { $0.throttle = count } }

    init(principal: String, script: [String], validToken: @escaping @Sendable (String) -> Bool, now: @escaping @Sendable () -> Int64) {
        self.principal = principal
        self.script = script
        self.validToken = validToken
        self.now = now
    }

    func start() async throws {
        let router = Router()
        router.get("**") { request, _ in self.handle(request, body: nil) }
        router.put("**") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            return self.handle(request, body: Data(buffer: body))
        }
        let (port, group, _) = try await LoopbackApp.start(router, name: "fake-arm")
        portBox.withLock { $0 = port }
        self.group.withLock { $0 = group }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    private func handle(_ request: Request, body: Data?) -> Response {
        let method = request.method == .put ? "PUT" : "GET"
        let path = request.uri.path
        guard let range = path.range(of: "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/"), path.hasPrefix("/subscriptions/") else {
            return refuse(404, "InvalidResourceType", "not a role assignment schedule request: \(path)")
        }
        let name = String(path[range.upperBound...])
        guard UUID(uuidString: name) != nil else { return refuse(400, "InvalidRequestName", "the name must be a GUID") }
        guard request.uri.queryParameters.get("api-version") == "2020-10-01" else {
            return refuse(400, "InvalidApiVersionParameter", "api-version 2020-10-01 is expected")
        }
        guard let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
            validToken(String(authorization.dropFirst(7)))
        else {
            return refuse(401, "InvalidAuthenticationToken", "the access token is invalid")
        }
        let throttled = state.withLock { state -> Bool in
            guard state.throttle > 0 else { return false }
            state.throttle -= 1
            return true
        }
        if throttled {
            state.withLock { $0.calls.append(Call(method: method, kind: "throttled", answer: 429)) }
            return Response(status: .tooManyRequests, headers: [.retryAfter: "1"])
        }
        if method == "GET" { return get(name) }
        return put(name, body: body ?? Data())
    }

    private func get(_ name: String) -> Response {
        state.withLock { state -> Response in
            guard var request = state.requests[name] else {
                state.calls.append(Call(method: "GET", kind: "none", answer: 404))
                return json(404, ["error": ["code": "RoleAssignmentScheduleRequestNotFound", "message": "not found"]])
            }
            let status = request.statuses.count > 1 ? request.statuses.removeFirst() : request.statuses[0]
            state.requests[name] = request
            if request.type == "SelfActivate", status == "Provisioned", state.activatedAt == nil { state.activatedAt = now() }
            state.calls.append(Call(method: "GET", kind: "\(request.type) \(status)", answer: 200))
            return json(200, ["name": name, "properties": ["status": status, "requestType": request.type]])
        }
    }

    private func put(_ name: String, body: Data) -> Response {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], let properties = object["properties"] as? [String: Any],
            let type = properties["requestType"] as? String, ["SelfActivate", "SelfDeactivate"].contains(type),
            properties["principalId"] as? String == principal, (properties["roleDefinitionId"] as? String)?.contains("/roleDefinitions/") == true,
            (properties["justification"] as? String)?.isEmpty == false
        else {
            return refuse(400, "InvalidRequest", "the schedule request body is not valid")
        }
        if type == "SelfActivate" {
            guard let schedule = properties["scheduleInfo"] as? [String: Any], schedule["startDateTime"] is String,
                (schedule["expiration"] as? [String: Any])?["duration"] is String
            else { return refuse(400, "InvalidRequest", "a SelfActivate needs scheduleInfo with an expiration") }
        }
        return state.withLock { state -> Response in
            guard state.requests[name] == nil else {
                state.calls.append(Call(method: "PUT", kind: type, answer: 400))
                return json(400, ["error": ["code": "RoleAssignmentRequestExists", "message": "The role assignment request already exists."]])
            }
            if type == "SelfDeactivate" {
                guard let activated = state.activatedAt else {
                    state.calls.append(Call(method: "PUT", kind: type, answer: 400))
                    return json(400, ["error": ["code": "RoleAssignmentDoesNotExist", "message": "The role assignment does not exist."]])
                }
                guard now() >= activated + 300 else {
                    state.calls.append(Call(method: "PUT", kind: type, answer: 400))
                    return json(400, ["error": ["code": "ActiveDurationTooShort", "message": "The role was activated less than 5 minutes ago."]])
                }
                state.requests[name] = Stored(type: type, statuses: ["Revoked"], created: now())
                state.calls.append(Call(method: "PUT", kind: type, answer: 201))
                return json(201, ["name": name, "properties": ["status": "Revoked", "requestType": type]])
            }
            let first = script.first ?? "Provisioned"
            state.requests[name] = Stored(type: type, statuses: Array(script.dropFirst()).isEmpty ? [first] : Array(script.dropFirst()), created: now())
            if first == "Provisioned" { state.activatedAt = now() }
            state.calls.append(Call(method: "PUT", kind: "\(type) \(first)", answer: 201))
            return json(201, ["name": name, "properties": ["status": first, "requestType": type]])
        }
    }

    private func refuse(_ status: Int, _ code: String, _ message: String) -> Response {
        state.withLock { $0.refusals.append("\(code): \(message)") }
        return json(status, ["error": ["code": code, "message": message]])
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
