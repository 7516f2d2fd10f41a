/// An action that waits for approval (docs/FORMATS.md §3, §6): what will run, under which digest,
/// until when, and who has approved it so far.
public struct PendingApproval: Sendable, Hashable {
    public var tool: String
    public var kind: ProposalKind
    /// The validated args with defaults filled.
    public var args: JSONObject
    public var thought: String?
    /// The iteration of the proposal that asked for it.
    public var iteration: Int64
    /// SHA-256 hex of the canonical `{"args","bundle","incident","iteration","tool"}`.
    public var digest: String
    /// The proposal's time plus the approval timeout; an approval exactly at it is on time.
    public var deadline: Timestamp
    public var approval: ApprovalRequirement
    /// A remediation's elevation; nil for a tool call.
    public var elevation: ElevationPlan?
    /// A tool call's identity; nil for a remediation.
    public var identity: String?
    /// The people whose approvals counted, in order.
    public var approvedBy: [String]

    public init(
        tool: String, kind: ProposalKind, args: JSONObject, thought: String?, iteration: Int64, digest: String,
        deadline: Timestamp, approval: ApprovalRequirement, elevation: ElevationPlan?, identity: String?,
        approvedBy: [String]
    ) {
        self.tool = tool
        self.kind = kind
        self.args = args
        self.thought = thought
        self.iteration = iteration
        self.digest = digest
        self.deadline = deadline
        self.approval = approval
        self.elevation = elevation
        self.identity = identity
        self.approvedBy = approvedBy
    }
}

/// Where a session stands (the interpreter's whole state between two events).
public struct IncidentState: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case investigating
        case awaitingApproval(PendingApproval)
        case executing(PendingApproval)
        case closed(SessionOutcome)
    }

    public var phase: Phase
    /// Proposals made so far (each one is an iteration, allowed or denied).
    public var iteration: Int64
    public var denials: Int64
    /// The tools run so far, in order (`session.tools` in rules).
    public var toolsRun: [String]

    public init() {
        phase = .investigating
        iteration = 0
        denials = 0
        toolsRun = []
    }

    /// The pending action, while one awaits approval or executes.
    public var pending: PendingApproval? {
        switch phase {
        case .awaitingApproval(let pending), .executing(let pending): pending
        case .investigating, .closed: nil
        }
    }

    /// True while an approved remediation runs (its elevation active).
    public var isExecuting: Bool {
        if case .executing = phase { return true }
        return false
    }

    public var outcome: SessionOutcome? {
        if case .closed(let outcome) = phase { return outcome }
        return nil
    }
}

/// What a proposal gets in a session (``Interpreter/assess(_:at:in:)``).
public struct Assessment: Sendable, Hashable {
    public var decision: Decision
    /// The validated args with defaults filled (what rules would read; complete when allowed).
    public var args: JSONObject
    /// The action that now awaits approval, for a `require_approval`.
    public var pending: PendingApproval?
}
