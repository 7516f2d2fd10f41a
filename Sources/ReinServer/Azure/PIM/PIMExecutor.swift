import AsyncHTTPClient
import NIOCore
import ReinAdapters
import Synchronization

/// Activates and deactivates PIM roles (`activate_role`, `deactivate_role`) through Azure
/// Resource Manager, as the identity the request's `principalId` belongs to (SelfActivate: the
/// remediator activates its own eligibility), and acknowledges each effect with the outcome.
/// - Schedule requests are not idempotent, so every attempt first GETs the request by its name
///   and PUTs it only when that is 404; otherwise it reads the request's status.
/// - Activation: `Provisioned` is done; a pending status is polled every 2 seconds; a failed
///   status, a refusal, or no `Provisioned` within the activation timeout is an elevation that
///   failed (and the host records that nothing ran).
/// - Deactivation: Azure refuses one within five minutes of the activation
///   (`ActiveDurationTooShort`), so that answer is tried again later (30 s doubling to 2 min).
///   An activation that already ended counts as released.
/// - 429 and 5xx wait for `Retry-After` (else five seconds); no answer waits five seconds.
/// - Every call and PIM's answer is an `elevation` entry of the incident's audit log.
public final class PIMExecutor: EffectExecutor {
    static let pending: Set<String> = [
        "Accepted", "PendingEvaluation", "Granted", "PendingProvisioning", "PendingApproval", "PendingApprovalProvisioning",
        "PendingAdminDecision", "AdminApproved", "ProvisioningStarted", "PendingScheduleCreation", "ScheduleCreated",
        "PendingExternalProvisioning",
    ]
    static let pollInterval: Int64 = 2
    static let transientWait: Int64 = 5
    /// How long a deactivation is tried before the role is left to expire on its own.
    static let deactivationLimit: Int64 = 1800

    let arm: ARMClient
    /// The Entra identity of each principal (lowercased object id), from the bundle.
    let identities: [String: String]
    let clock: any HostClock
    /// Seconds an activation may take.
    let activationTimeout: Int64
    private let host = Mutex<SessionHost?>(nil)

    public init(endpoint: String, tokens: EntraTokens, identities: [String: String], clock: any HostClock, activationTimeout: Int64) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        arm = ARMClient(
            endpoint: endpoint, client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration), tokens: tokens,
            timeout: .seconds(30))
        self.identities = Dictionary(identities.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.activationTimeout = activationTimeout
    }

    /// The Entra identity of each principal that holds eligibilities in `policy` (the identity
    /// of the same name in `tokens`), and what is missing for the others.
    public static func identities(in policy: CompiledPolicy, signingInAs tokens: EntraTokens) -> (identities: [String: String], problems: [String]) {
        var identities: [String: String] = [:]
        var problems: [String] = []
        for identity in policy.identities where !identity.eligibilities.isEmpty {
            guard let principal = identity.principal else {
                problems.append("identity `\(identity.name)` has eligibilities but no `principal` in the bundle")
                continue
            }
            guard tokens.has(identity.name) else {
                problems.append("identity `\(identity.name)` has eligibilities but no entry in `entra.identities` to activate them as")
                continue
            }
            identities[principal] = identity.name
        }
        return (identities, problems)
    }

    /// The host whose effects it acknowledges.
    public func attach(_ host: SessionHost) { self.host.withLock { $0 = host } }

    public func deliver(_ delivery: EffectDelivery) async throws {
        guard let host = host.withLock({ $0 }) else { throw PIMError("the PIM executor is not attached to a host") }
        let outcome: (ok: Bool, error: String?)
        if case .object(let effect) = delivery.effect, case .object(let request)? = effect["request"], case .string(let path)? = request["path"],
            let body = request["body"], case .object(let fields) = body, case .object(let properties)? = fields["properties"],
            case .string(let principal)? = properties["principalId"]
        {
            if let identity = identities[principal.lowercased()] {
                let call = Call(host: host, incident: delivery.incident, path: path, body: body, identity: identity)
                outcome = delivery.type == "activate_role" ? try await activate(call) : try await deactivate(call)
            } else {
                outcome = (false, "no Entra identity is configured for principal `\(principal)`")
            }
        } else {
            outcome = (false, "the effect carries no PIM request")
        }
        if let refused = await host.acknowledgeNatively(delivery.id, ok: outcome.ok, error: outcome.error) {
            // Acknowledged meanwhile, or no longer waited for (the activation timed out).
            throw PIMError("the outcome could not be recorded: \(refused)")
        }
    }

    public func shutdown() async {
        try? await arm.client.shutdown()
    }

    /// One schedule request of an effect: where it goes, as whom, and for which incident's audit.
    struct Call: Sendable {
        let host: SessionHost
        let incident: String
        let path: String
        let body: JSONValue
        let identity: String
    }

    /// One GET-or-PUT (PUT only when the GET is 404); nil (after waiting, with `failure` saying
    /// why) when nothing answered. Cancellation (shutdown) is thrown: the delivery is tried again
    /// at the next start.
    private func attempt(_ call: Call, failure: inout String) async throws -> ARMClient.Answer? {
        do {
            let existing = try await arm.get(call.path, as: call.identity)
            await audit(call, "GET", existing)
            guard existing.status == 404 else { return existing }
            let made = try await arm.put(call.path, body: call.body, as: call.identity)
            await audit(call, "PUT", made)
            return made
        } catch let error as CancellationError {
            throw error
        } catch {
            failure = "\(error)"
            try await wait(Self.transientWait)
            return nil
        }
    }

    /// An `elevation` audit entry: the call and what PIM answered.
    private func audit(_ call: Call, _ method: String, _ answer: ARMClient.Answer) async {
        var entries: [(key: String, value: JSONValue)] = [
            ("call", .string(method)), ("path", .string(call.path)), ("identity", .string(call.identity)), ("status", .integer(Int64(answer.status))),
        ]
        if let status = answer.scheduleStatus { entries.append(("answer", .string(status))) }
        if (400...599).contains(answer.status) { entries.append(("error", .string(answer.error))) }
        await call.host.audit(call.incident, type: "elevation", data: JSONObject(entries: entries))
    }

    private func activate(_ call: Call) async throws -> (ok: Bool, error: String?) {
        let deadline = clock.now().seconds + activationTimeout
        var last = "no answer"
        while clock.now().seconds < deadline {
            guard let answer = try await attempt(call, failure: &last) else { continue }
            switch answer.status {
            case 200, 201:
                guard let status = answer.scheduleStatus else { return (false, "PIM answered without a status") }
                if status == "Provisioned" { return (true, nil) }
                guard Self.pending.contains(status) else { return (false, "PIM: the activation is \(status)") }
                last = "still \(status)"
                try await wait(Self.pollInterval)
            case 429, 500...599:
                last = answer.error
                try await wait(answer.retryAfter ?? Self.transientWait)
            default:
                return (false, "PIM refused the activation: \(answer.error)")
            }
        }
        return (false, "PIM: the role was not provisioned within \(activationTimeout)s (\(last))")
    }

    private func deactivate(_ call: Call) async throws -> (ok: Bool, error: String?) {
        let deadline = clock.now().seconds + Self.deactivationLimit
        var tooShortWait: Int64 = 30
        var last = "no answer"
        while clock.now().seconds < deadline {
            guard let answer = try await attempt(call, failure: &last) else { continue }
            switch (answer.status, answer.errorCode) {
            case (200, _), (201, _), (202, _):
                return (true, nil)
            case (_, "ActiveDurationTooShort"?):
                last = answer.error
                try await wait(tooShortWait)
                tooShortWait = min(tooShortWait * 2, 120)
            case (_, "RoleAssignmentDoesNotExist"?), (404, _):
                // The activation ended on its own: the role is released.
                return (true, nil)
            case (429, _), (500...599, _):
                last = answer.error
                try await wait(answer.retryAfter ?? Self.transientWait)
            default:
                return (false, "PIM refused the deactivation: \(answer.error)")
            }
        }
        return (false, "PIM: the role could not be released within \(Self.deactivationLimit)s (\(last)); it expires on its own")
    }

    private func wait(_ seconds: Int64) async throws {
        try await clock.sleep(until: Timestamp(seconds: clock.now().seconds + seconds))
    }
}

struct PIMError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
