import ReinSyntax

/// A runbook or tool may only tighten policy (Grammar/README.md §8): its
/// `max_iterations`, approval `timeout` and `elevate … for` may not exceed the tightest
/// policy value (nor, for an elevation, its identity's `max_activation`). One mistake gives
/// one diagnostic, against the tightest bound, with a note where that bound is set. Values are
/// quoted as written (`120m`, `3600s`, `1_000`), never re-rendered (`2h`).
extension CheckerContext {
    mutating func checkIterationsWithinPolicy(_ value: Int64, literal: Literal) {
        guard let limit = model.limits.maxIterations, value > limit.value else { return }
        error(
            .loosensPolicy, "`max_iterations \(quoted(literal.span))` is above the policy's `max_iterations \(quoted(limit.span))`",
            at: literal.span,
            notes: [DiagnosticNote("policy `\(limit.policy)` sets `max_iterations` here", at: limit.span)],
            help: "a runbook may only tighten policy; use at most `\(quoted(limit.span))`")
    }

    mutating func checkApprovalTimeoutWithinPolicy(_ value: DurationValue, literal: Literal) {
        guard let limit = model.limits.approvalTimeout, value > limit.value else { return }
        error(
            .loosensPolicy,
            "approval `timeout \(quoted(literal.span))` is longer than the policy's `approval_timeout \(quoted(limit.span))`",
            at: literal.span,
            notes: [DiagnosticNote("policy `\(limit.policy)` sets `approval_timeout` here", at: limit.span)],
            help: "a runbook may only tighten policy; use at most `\(quoted(limit.span))`")
    }

    mutating func checkElevationWithinLimits(_ value: DurationValue, literal: Literal, identity: IdentityModel) {
        let policyLimit = model.limits.maxElevation.flatMap { value > $0.value ? $0 : nil }
        let identityLimit = identity.maxActivation.flatMap { value > $0 ? $0 : nil }
        if let policyLimit, identityLimit.map({ policyLimit.value <= $0 }) ?? true {
            error(
                .loosensPolicy,
                "`elevate … for \(quoted(literal.span))` is longer than the policy's `max_elevation \(quoted(policyLimit.span))`",
                at: literal.span,
                notes: [DiagnosticNote("policy `\(policyLimit.policy)` sets `max_elevation` here", at: policyLimit.span)],
                help: "a tool may only tighten policy; use at most `\(quoted(policyLimit.span))`")
        } else if let identityLimit {
            let limitSpan = maxActivationSpans[identity.name]
            let written = limitSpan.map { quoted($0) } ?? identityLimit.description
            error(
                .exceedsMaxActivation,
                "`elevate … for \(quoted(literal.span))` is longer than identity `\(identity.name)`'s `max_activation \(written)`",
                at: literal.span,
                notes: [DiagnosticNote("`max_activation` is set here", at: limitSpan ?? identity.span)],
                help: "use at most `\(written)`, or raise the identity's `max_activation`")
        }
    }
}
