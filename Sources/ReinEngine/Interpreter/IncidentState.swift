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

extension PendingApproval {
    /// The action itself, the bundle aside (what a recorded approval is given for).
    public var action: ActionKey {
        ActionKey(tool: tool, kind: kind, iteration: iteration, args: CanonicalJSON.encode(.object(args)) ?? [])
    }
}

/// An action as an approval is given for it, whatever the bundle: the tool, the kind, the
/// iteration of the proposal, and the validated args (defaults filled, durations in ISO-8601) in
/// canonical form, so that the order of their declarations does not matter.
public struct ActionKey: Sendable, Hashable {
    public var tool: String
    public var kind: ProposalKind
    public var iteration: Int64
    /// The args' canonical JSON (RFC 8785).
    public var args: [UInt8]
}

/// What a recorded approval or rejection was given for, as another replay of the same recording
/// saw it (`rein diff`: the base bundle's replay). One without a digest then counts only for that
/// action: an approval is never carried over to a different one.
public enum ApprovalBinding: Sendable, Hashable {
    /// This action was pending.
    case action(ActionKey)
    /// Nothing was pending (or the session had ended).
    case nothing
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
