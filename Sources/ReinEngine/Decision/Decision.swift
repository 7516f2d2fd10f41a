import ReinSemantics

/// Why a proposal was denied: the closed set of reason codes of docs/FORMATS.md §2.
///
/// The raw value is the code exactly as it appears in decision JSON. The cases are declared in the
/// order the spec lists them, which is also the collection order of Grammar/README.md §13 (steps 1–5),
/// except that `malformed_proposal` always stands alone.
public enum ReasonCode: String, Sendable, Hashable, CaseIterable {
    /// The proposal is not well formed (docs/FORMATS.md §1); given alone, without `at`.
    case malformedProposal = "malformed_proposal"
    /// A host asked about a session that has ended.
    case sessionClosed = "session_closed"
    /// A proposal arrived while an approval is pending or a remediation is executing.
    case approvalPending = "approval_pending"
    /// The session's iteration is at or beyond the smallest `max_iterations`.
    case iterationLimit = "iteration_limit"
    /// The proposed tool is not declared; given without `at`.
    case unknownTool = "unknown_tool"
    /// The named runbook is not declared.
    case unknownRunbook = "unknown_runbook"
    /// A tool call not in `investigate`, or a remediation not in `remediate`.
    case notInRunbook = "not_in_runbook"
    /// A write tool proposed as a plain tool call.
    case writeNeedsRemediation = "write_needs_remediation"
    /// An argument the tool does not declare.
    case unknownArg = "unknown_arg"
    /// A declared argument that the proposal leaves out.
    case missingArg = "missing_arg"
    /// An argument given more than once.
    case duplicateArg = "duplicate_arg"
    /// An argument value of the wrong JSON type.
    case typeMismatch = "type_mismatch"
    /// An argument value outside its declared bounds, length or enum.
    case outOfBounds = "out_of_bounds"
    /// A `name` or `namespace` value that is not a valid name.
    case invalidName = "invalid_name"
    /// A string value that does not match its declared pattern.
    case patternMismatch = "pattern_mismatch"
    /// A namespace value the policy forbids.
    case forbiddenNamespace = "forbidden_namespace"
    /// The proposal's context has offending keys (at most one such reason, naming them all).
    case invalidContext = "invalid_context"
    /// A matching `deny` rule; the message is its `because`.
    case rule = "rule"
    /// A `deny` or `require approvals` rule that failed at run time (fail closed).
    case evaluationError = "evaluation_error"
}

/// One reason for a deny.
public struct Reason: Sendable, Hashable {
    /// The reason code.
    public var code: ReasonCode
    /// A human-readable explanation, emitted verbatim (JSON-escaped).
    public var message: String
    /// `path:line:col` of the declaration, argument or rule that caused the reason; `nil` (and
    /// omitted from JSON) for ``ReasonCode/unknownTool`` and ``ReasonCode/malformedProposal``.
    public var at: String?

    public init(code: ReasonCode, message: String, at: String? = nil) {
        self.code = code
        self.message = message
        self.at = at
    }
}

/// The approval a `require_approval` decision asks for.
public struct ApprovalRequirement: Sendable, Hashable {
    /// How many distinct approvers must approve (at least 1).
    public var approvers: Int
    /// How long the approval may stay pending; emitted as ISO-8601 (`PT15M`).
    public var timeout: DurationValue
    /// The approval channel (the runbook's); `nil` (and omitted) when there is none.
    public var channel: String?

    public init(approvers: Int, timeout: DurationValue, channel: String? = nil) {
        self.approvers = approvers
        self.timeout = timeout
        self.channel = channel
    }
}

/// The just-in-time elevation a remediation will request once approved.
public struct ElevationPlan: Sendable, Hashable {
    /// The identity that will be elevated.
    public var identity: String
    /// The role to activate, e.g. `Azure Kubernetes Service Cluster Admin Role`.
    public var role: String
    /// The scope word, e.g. `resource` (the resolved ARM scope appears only in the PIM request).
    public var scope: String
    /// min(tool `for`, policy `max_elevation`, identity `max_activation`); emitted as ISO-8601.
    public var duration: DurationValue

    public init(identity: String, role: String, scope: String, duration: DurationValue) {
        self.identity = identity
        self.role = role
        self.scope = scope
        self.duration = duration
    }
}

/// One step of an `--explain` trace: a check or rule evaluated, in order.
public struct TraceEntry: Sendable, Hashable {
    /// What was checked (e.g. a check name or a rule description).
    public var check: String
    /// `path:line:col` of the check's source, when it has one; omitted from JSON when `nil`.
    public var at: String?
    /// The outcome of the check.
    public var result: String

    public init(check: String, at: String? = nil, result: String) {
        self.check = check
        self.at = at
        self.result = result
    }
}

/// The outcome of deciding one proposal.
public enum Verdict: Sendable, Hashable {
    /// Allowed; the tool runs as the given standing identity.
    case allow(identity: String)
    /// Denied, with every reason collected in Grammar/README.md §13 order (never empty when produced by
    /// the evaluator).
    case deny([Reason])
    /// Needs approval. A remediation carries an elevation plan and no identity; a tool call carries
    /// no elevation and the identity it will run as.
    case requireApproval(ApprovalRequirement, elevation: ElevationPlan?, identity: String?)

    /// The `decision` word of docs/FORMATS.md §2: `allow`, `deny` or `require_approval`.
    public var word: String {
        switch self {
        case .allow: return "allow"
        case .deny: return "deny"
        case .requireApproval: return "require_approval"
        }
    }
}

/// The decision for one proposal (docs/FORMATS.md §2).
public struct Decision: Sendable, Hashable {
    /// The proposal's `id`, echoed.
    public var id: String
    /// The verdict.
    public var verdict: Verdict
    /// With `--explain`, every check and rule evaluated, in order; `nil` (and omitted) otherwise.
    public var trace: [TraceEntry]?

    public init(id: String, verdict: Verdict, trace: [TraceEntry]? = nil) {
        self.id = id
        self.verdict = verdict
        self.trace = trace
    }
}
