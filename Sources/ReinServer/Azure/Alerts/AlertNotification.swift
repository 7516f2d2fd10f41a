import ReinAdapters

/// One notification of the common alert schema, as much of it as Rein reads: the incident id
/// (the last path segment of `essentials.alertId`), `monitorCondition`, `customProperties`
/// (absent or `null`: none), `resolvedDateTime`, and the whole body, kept as the incident's alert.
struct AlertNotification: Sendable {
    var incident: String
    var condition: String
    var customProperties: JSONObject?
    var resolvedAt: String?
    var body: JSONObject
}

extension AlertIntake {
    static let schemaID = "azureMonitorCommonAlertSchema"

    /// Reads a notification; 400 for a body that is not one JSON object, 422 for one that is
    /// not a common-schema alert Rein can act on.
    static func read(_ bytes: [UInt8]) throws(APIError) -> AlertNotification {
        guard case .success(.object(let body)) = JSONReader.parse(bytes, maxBytes: 1 << 20), body.duplicateKeys.isEmpty else {
            throw APIError(.badRequest, "bad_request", "the body must be one JSON object, without duplicate keys")
        }
        func unprocessable(_ message: String) -> APIError { APIError(.unprocessableContent, "unprocessable", message) }
        guard body["schemaId"] == .string(schemaID) else { throw unprocessable("`schemaId` must be `\(schemaID)` (the common alert schema)") }
        guard case .object(let data)? = body["data"], case .object(let essentials)? = data["essentials"] else {
            throw unprocessable("the alert has no `data.essentials`")
        }
        guard case .string(let alertID)? = essentials["alertId"], let last = alertID.split(separator: "/").last else {
            throw unprocessable("the alert has no `data.essentials.alertId`")
        }
        let incident = String(last)
        let safe = (1...128).contains(incident.utf8.count)
            && incident.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2E || byte == 0x5F
                    || byte == 0x3A || byte == 0x2D
            }
        guard safe else { throw unprocessable("the last segment of `alertId` is not usable as an incident id (1 to 128 letters, digits, `.`, `_`, `:` or `-`)") }
        guard case .string(let condition)? = essentials["monitorCondition"], ["Fired", "Resolved"].contains(condition) else {
            throw unprocessable("`data.essentials.monitorCondition` must be `Fired` or `Resolved`")
        }
        var properties: JSONObject?
        switch data["customProperties"] {
        case nil, .null?: break
        case .object(let given)?: properties = given
        default: throw unprocessable("`data.customProperties` must be an object or null")
        }
        var resolved: String?
        if case .string(let text)? = essentials["resolvedDateTime"] { resolved = text }
        return AlertNotification(incident: incident, condition: condition, customProperties: properties, resolvedAt: resolved, body: body)
    }
}
