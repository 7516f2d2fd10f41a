import ReinSemantics

/// Renders a ``Decision`` as one line of decision JSON, byte-exact to FORMATS.md §2.
///
/// Keys appear in the documented order — `id`, `decision`, then `identity` (allow), `reasons`
/// (deny) or `approval`, `elevation`, `identity` (require_approval), and finally `trace` — with no
/// insignificant whitespace. Optional members (`at`, `channel`, `elevation`, `identity`, `trace`)
/// are omitted when `nil`. Every string goes through ``JSONString/quote(_:)``: `"` and `\` are
/// escaped, control characters become `\n`-style or `\u00XX` escapes, and everything else
/// (including non-ASCII such as U+2028) is kept as UTF-8. Durations are ISO-8601 (`PT15M`).
public enum DecisionEncoder {
    /// The decision as a single JSON object, without a trailing newline.
    public static func jsonLine(_ decision: Decision) -> String {
        var out = "{\"id\":" + JSONString.quote(decision.id)
        out += ",\"decision\":" + JSONString.quote(decision.verdict.word)
        switch decision.verdict {
        case .allow(let identity):
            out += ",\"identity\":" + JSONString.quote(identity)
        case .deny(let reasons):
            out += ",\"reasons\":["
            out += reasons.map(encode(_:)).joined(separator: ",")
            out += "]"
        case .requireApproval(let approval, let elevation, let identity):
            out += ",\"approval\":" + encode(approval)
            if let elevation { out += ",\"elevation\":" + encode(elevation) }
            if let identity { out += ",\"identity\":" + JSONString.quote(identity) }
        }
        if let trace = decision.trace {
            out += ",\"trace\":["
            out += trace.map(encode(_:)).joined(separator: ",")
            out += "]"
        }
        return out + "}"
    }

    private static func encode(_ reason: Reason) -> String {
        var out = "{\"code\":" + JSONString.quote(reason.code.rawValue)
        out += ",\"message\":" + JSONString.quote(reason.message)
        if let at = reason.at { out += ",\"at\":" + JSONString.quote(at) }
        return out + "}"
    }

    private static func encode(_ approval: ApprovalRequirement) -> String {
        var out = "{\"approvers\":" + String(approval.approvers)
        out += ",\"timeout\":" + JSONString.quote(approval.timeout.iso8601)
        if let channel = approval.channel { out += ",\"channel\":" + JSONString.quote(channel) }
        return out + "}"
    }

    private static func encode(_ elevation: ElevationPlan) -> String {
        "{\"identity\":" + JSONString.quote(elevation.identity)
            + ",\"role\":" + JSONString.quote(elevation.role)
            + ",\"scope\":" + JSONString.quote(elevation.scope)
            + ",\"duration\":" + JSONString.quote(elevation.duration.iso8601) + "}"
    }

    private static func encode(_ entry: TraceEntry) -> String {
        var out = "{\"check\":" + JSONString.quote(entry.check)
        if let at = entry.at { out += ",\"at\":" + JSONString.quote(at) }
        return out + ",\"result\":" + JSONString.quote(entry.result) + "}"
    }
}
