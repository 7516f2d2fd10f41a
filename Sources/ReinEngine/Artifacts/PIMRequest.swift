import ReinSemantics

/// The Azure PIM `roleAssignmentScheduleRequests` PUT for an elevation (docs/FORMATS.md §7): the
/// engine activates an existing eligibility, never creates one, and ends it afterwards.
public enum PIMRequest {
    public enum RequestType: String, Sendable {
        case activate = "SelfActivate"
        case deactivate = "SelfDeactivate"
    }

    /// The ARM scope an eligibility applies to, from the alert's target resource id
    /// (`alertTargetIDs[0]`); nil when the target does not hold that scope.
    public static func scope(_ word: String, target: String) -> String? {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        // "", "subscriptions", SUB, "resourceGroups", RG, "providers", …
        guard parts.count >= 3, parts[0].isEmpty, parts[1].lowercased() == "subscriptions", !parts[2].isEmpty else {
            return nil
        }
        let subscription = "/subscriptions/\(parts[2])"
        switch word {
        case ElevationScope.subscription.rawValue: return subscription
        case ElevationScope.resourceGroup.rawValue:
            guard parts.count >= 5, parts[3].lowercased() == "resourcegroups", !parts[4].isEmpty else { return nil }
            return "\(subscription)/resourceGroups/\(parts[4])"
        case ElevationScope.resource.rawValue:
            guard parts.count >= 8, parts[3].lowercased() == "resourcegroups", parts[5].lowercased() == "providers",
                parts.dropFirst().allSatisfy({ !$0.isEmpty })
            else { return nil }
            return target
        default: return nil
        }
    }

    /// The request. `sha1` is SHA-1 (for the name-based UUID of the request, version 5, so a
    /// retry is idempotent); `start` is the approval that completed the count (activation only).
    public static func request(
        _ type: RequestType, plan: ElevationPlan, target: ElevationTarget, incident: String, digest: String,
        start: Timestamp?, sha1: ([UInt8]) -> [UInt8]
    ) -> JSONValue {
        let guid = uuidV5(name: "rein:\(digest):\(type.rawValue)", sha1: sha1)
        var properties: [(key: String, value: JSONValue)] = [
            ("principalId", .string(target.principal)),
            ("roleDefinitionId", .string("\(target.scope)/providers/Microsoft.Authorization/roleDefinitions/\(target.roleGUID)")),
            ("requestType", .string(type.rawValue)),
            ("justification", .string("Incident Remediation: \(incident)")),
            ("ticketInfo", .object(JSONObject(["ticketNumber": .string(incident), "ticketSystem": .string("rein")]))),
        ]
        if type == .activate, let start {
            properties.append(
                (
                    "scheduleInfo",
                    .object(JSONObject([
                        "startDateTime": .string(start.description),
                        "expiration": .object(JSONObject(["type": .string("AfterDuration"), "duration": .string(plan.duration.iso8601)])),
                    ]))
                ))
        }
        return .object(JSONObject([
            "method": .string("PUT"),
            "path": .string("\(target.scope)/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/\(guid)?api-version=2020-10-01"),
            "body": .object(JSONObject(["properties": .object(JSONObject(entries: properties))])),
        ]))
    }

    /// RFC 9562 name-based UUID, version 5 (SHA-1), in the URL namespace.
    public static func uuidV5(name: String, sha1: ([UInt8]) -> [UInt8]) -> String {
        let namespace: [UInt8] = [
            0x6B, 0xA7, 0xB8, 0x11, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8,
        ]
        var bytes = Array(sha1(namespace + Array(name.utf8)).prefix(16))
        bytes += Array(repeating: 0, count: Swift.max(0, 16 - bytes.count))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}

/// Where an elevation lands: the identity's principal, the role definition and the ARM scope.
public struct ElevationTarget: Sendable, Hashable {
    public var principal: String
    public var roleGUID: String
    public var scope: String
}

extension CompiledPolicy {
    /// The principal, role GUID and scope of `plan` for an alert target; nil when the identity
    /// has no principal or eligibility for the role, or the target does not hold the scope.
    public func elevationTarget(for plan: ElevationPlan, alertTarget: String) -> ElevationTarget? {
        guard let identity = model.identity(named: plan.identity), let principal = identity.principal,
            let eligibility = identity.eligibilities.first(where: { $0.role.name.isExactly(plan.role) }),
            let scope = PIMRequest.scope(eligibility.scope.rawValue, target: alertTarget)
        else { return nil }
        return ElevationTarget(principal: principal, roleGUID: eligibility.role.guid, scope: scope)
    }
}
