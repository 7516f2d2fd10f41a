/// One thing that happens to an incident's session, at a time (docs/FORMATS.md §3). Time arrives in
/// the events: the interpreter reads no clock.
public enum SessionEvent: Sendable, Hashable {
    /// The agent proposes a tool call or a remediation.
    case propose(at: Timestamp, ProposedAction)
    /// What a tool returned to the agent (recorded; it changes nothing).
    case observe(at: Timestamp, output: String)
    /// A person approves the pending action; `digest` binds the approval to one action.
    case approve(at: Timestamp, by: String, digest: String?)
    /// A person rejects the pending action.
    case reject(at: Timestamp, by: String, comment: String?, digest: String?)
    /// How the executed remediation ended, with the executor's own words when it gave some.
    case result(at: Timestamp, succeeded: Bool, detail: String? = nil)
    /// The approval deadline passed (the driver sends it at the deadline).
    case deadline(at: Timestamp)
    /// The recording ended.
    case end(at: Timestamp)

    public var at: Timestamp {
        switch self {
        case .propose(let at, _), .observe(let at, _), .approve(let at, _, _), .reject(let at, _, _, _),
            .result(let at, _, _), .deadline(let at), .end(let at):
            at
        }
    }
}

/// A proposal as the agent makes it during a session: the session fills in the rest (its
/// runbook, iteration, denials, tools run, the alert and the context).
public struct ProposedAction: Sendable, Hashable {
    public var thought: String?
    /// `tool_call` (`tool:` in a recording) or `remediation` (`remediate:`).
    public var kind: ProposalKind
    public var tool: String
    public var args: JSONObject

    public init(thought: String?, kind: ProposalKind, tool: String, args: JSONObject) {
        self.thought = thought
        self.kind = kind
        self.tool = tool
        self.args = args
    }
}

/// How a session ended (docs/FORMATS.md §4).
public struct SessionOutcome: Sendable, Hashable {
    public enum Result: String, Sendable, Hashable {
        case remediated
        case failed
        case noAction = "no_action"
    }

    public enum Reason: String, Sendable, Hashable {
        case completed
        case executionFailed = "execution_failed"
        case executionUnconfirmed = "execution_unconfirmed"
        case investigationOnly = "investigation_only"
        case approvalTimeout = "approval_timeout"
        case approvalRejected = "approval_rejected"
        case iterationLimit = "iteration_limit"
    }

    public var result: Result
    public var reason: Reason

    public init(_ result: Result, _ reason: Reason) {
        self.result = result
        self.reason = reason
    }
}

/// What the session asks the outside world to do, in order. The interpreter only describes;
/// adapters render (the card, the PIM request) and act.
public enum SessionEffect: Sendable, Hashable {
    /// Run a tool as a standing identity (or, after an approved tool call, as the identity the
    /// decision named). `args` are the validated args with defaults filled.
    case runTool(tool: String, identity: String, args: JSONObject)
    /// Ask for approval of the pending action.
    case sendApprovalCard(PendingApproval)
    /// Activate the PIM eligibility for the approved remediation, from `start`.
    case activateRole(ElevationPlan, start: Timestamp, digest: String)
    /// Run the approved remediation as the elevated identity.
    case execute(tool: String, identity: String, args: JSONObject)
    /// End the activation (after the remediation, whatever its result).
    case deactivateRole(ElevationPlan, digest: String)
    /// Page the on-call (`P1`, `P2`, `P3`).
    case page(priority: String, summary: String)
    /// An entry for the audit log: its type and data (the chain is the adapter's).
    case audit(type: String, data: JSONObject)
}

/// What the replay shows for one event (docs/FORMATS.md §4 `steps`).
public struct StepReport: Sendable, Hashable {
    /// A proposal's decision.
    public var decision: Decision?
    /// An approval or rejection: whether it counted, and why (always said when it did not).
    public var accepted: Bool?
    /// Why an approval or rejection counted or not, or why an event was ignored.
    public var why: String?
    /// The event changed nothing: the session had already closed, or a result came while nothing
    /// was executing.
    public var ignored: Bool
    /// An approval or rejection: the action pending when it arrived (nil: none was).
    public var pendingAction: ActionKey?

    public init(
        decision: Decision? = nil, accepted: Bool? = nil, why: String? = nil, ignored: Bool = false,
        pendingAction: ActionKey? = nil
    ) {
        self.decision = decision
        self.accepted = accepted
        self.why = why
        self.ignored = ignored
        self.pendingAction = pendingAction
    }
}
