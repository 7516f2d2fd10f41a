import ReinSemantics

/// Renders a ``Decision`` as one line of decision JSON, byte-exact to docs/FORMATS.md §2.
///
/// Keys appear in the documented order — `id`, `decision`, then `identity` (allow), `reasons`
/// (deny) or `approval`, `elevation`, `identity` (require_approval), and finally `trace` — with no
/// insignificant whitespace. Optional members (`at`, `channel`, `elevation`, `identity`, `trace`)
/// are omitted when `nil`. Every string goes through ``JSONString/append(_:to:)``: `"` and `\` are
/// escaped, control characters become `\n`-style or `\u00XX` escapes, and everything else
/// (including non-ASCII such as U+2028) is kept as UTF-8. Durations are ISO-8601 (`PT15M`).
public enum DecisionEncoder {
    /// The decision as a single JSON object, without a trailing newline.
    public static func jsonLine(_ decision: Decision) -> String {
        var out: [UInt8] = []
        append(decision, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the decision's JSON object (no newline) to UTF-8 `out`.
    public static func append(_ decision: Decision, to out: inout [UInt8]) {
        out += #"{"id":"#.utf8
        JSONString.append(decision.id, to: &out)
        appendWord(decision.verdict.word, to: &out)
        switch decision.verdict {
        case .allow(let identity):
            member("identity", identity, &out)
        case .deny(let reasons):
            out += #","reasons":["#.utf8
            for (index, reason) in reasons.enumerated() {
                if index > 0 { out.append(0x2C) }
                out += #"{"code":"#.utf8
                JSONString.append(reason.code.rawValue, to: &out)
                member("message", reason.message, &out)
                if let at = reason.at { member("at", at, &out) }
                out.append(0x7D)
            }
            out.append(0x5D)
        case .requireApproval(let approval, let elevation, let identity):
            appendApproval(approval, to: &out)
            if let elevation { appendElevation(elevation, to: &out) }
            if let identity { member("identity", identity, &out) }
        }
        if let trace = decision.trace {
            out += #","trace":["#.utf8
            for (index, entry) in trace.enumerated() {
                if index > 0 { out.append(0x2C) }
                out += #"{"check":"#.utf8
                JSONString.append(entry.check, to: &out)
                if let at = entry.at { member("at", at, &out) }
                member("result", entry.result, &out)
                out.append(0x7D)
            }
            out.append(0x5D)
        }
        out.append(0x7D)
    }

    // The pieces below are also rendered once per bundle as templates for decisions the fast
    // path confirms, so both paths write the same bytes by construction.

    /// `,"decision":"WORD"`.
    static func appendWord(_ word: String, to out: inout [UInt8]) {
        member("decision", word, &out)
    }

    /// `,"approval":{…}`.
    static func appendApproval(_ approval: ApprovalRequirement, to out: inout [UInt8]) {
        out += #","approval":{"approvers":"#.utf8
        out += String(approval.approvers).utf8
        member("timeout", approval.timeout.iso8601, &out)
        if let channel = approval.channel { member("channel", channel, &out) }
        out.append(0x7D)
    }

    /// `,"elevation":{…}`.
    static func appendElevation(_ elevation: ElevationPlan, to out: inout [UInt8]) {
        out += #","elevation":{"identity":"#.utf8
        JSONString.append(elevation.identity, to: &out)
        member("role", elevation.role, &out)
        member("scope", elevation.scope, &out)
        member("duration", elevation.duration.iso8601, &out)
        out.append(0x7D)
    }

    /// `,"identity":"NAME"`.
    static func appendIdentity(_ identity: String, to out: inout [UInt8]) {
        member("identity", identity, &out)
    }

    /// Appends `,"key":"value"`.
    private static func member(_ key: StaticString, _ value: String, _ out: inout [UInt8]) {
        out.append(0x2C)
        out.append(0x22)
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22)
        out.append(0x3A)
        JSONString.append(value, to: &out)
    }
}
