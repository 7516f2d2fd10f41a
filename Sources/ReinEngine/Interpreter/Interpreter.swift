import ReinSemantics
import ReinSyntax

/// The runbook interpreter: one incident's session as a pure state machine (docs/FORMATS.md §3).
/// `step(state, event)` returns the next state, the effects to carry out in order (tool runs,
/// the approval card, the elevation and its end, the page, audit entries) and what the replay
/// shows for the event. No I/O, no clock: time arrives in the events, hashing is given.
///
/// Safety is the machine's, not the driver's: nothing executes without enough valid approvals
/// for the pending digest; an activation is always followed by its deactivation; a timeout, a
/// rejection and the iteration limit always end in no action.
public struct Interpreter: Sendable {
    public let policy: CompiledPolicy
    /// The incident's id (it names the session in digests, cards and the audit log).
    public let incident: String
    /// The runbook the session runs.
    public let runbook: RunbookModel
    public let alert: JSONObject
    public let context: JSONObject?
    /// The bundle digest approval digests are computed with (docs/FORMATS.md §6): a policy change
    /// invalidates pending approvals. A replay gives the recording's `bundle` when it has one.
    public let bundleDigest: String
    /// SHA-256 as lowercase hex (given by the adapter that links a crypto library).
    public let sha256: @Sendable ([UInt8]) -> String
    /// Decisions carry their `--explain` trace (for coverage: which rules were evaluated).
    public var explain = false

    /// nil when the bundle declares no runbook named exactly `runbook`.
    public init?(
        policy: CompiledPolicy, incident: String, runbook: String, alert: JSONObject, context: JSONObject?,
        bundleDigest: String, sha256: @escaping @Sendable ([UInt8]) -> String
    ) {
        guard let index = policy.runbookIndex(named: runbook), let model = policy.scopes[index].model else { return nil }
        self.policy = policy
        self.incident = incident
        self.runbook = model
        self.alert = alert
        self.context = context
        self.bundleDigest = bundleDigest
        self.sha256 = sha256
    }

    /// The session before any event, and the audit entry of the alert that opened it.
    public func start() -> (state: IncidentState, effects: [SessionEffect]) {
        (IncidentState(), [.audit(type: "alert", data: JSONObject(entries: [("runbook", .string(runbook.name)), ("alert", .object(alert))]))])
    }

    /// The next state after `event`, the effects in order, and the event's step report.
    /// `givenFor`: for an approval or rejection, what it was given for as another replay of the
    /// recording saw it (``ApprovalBinding``); without a digest it then counts only for that action.
    public func step(
        _ state: IncidentState, _ event: SessionEvent, givenFor: ApprovalBinding? = nil
    ) -> (state: IncidentState, effects: [SessionEffect], report: StepReport) {
        if case .closed = state.phase { return (state, [], StepReport(why: "the session had ended", ignored: true)) }
        var transition = Transition(state: state)
        switch event {
        case .propose(let at, let action): propose(action, at: at, &transition)
        case .observe: break
        case .approve(let at, let by, let digest):
            approve(by: by, digest: digest, givenFor: givenFor, at: at, &transition)
        case .reject(let at, let by, let comment, let digest):
            reject(by: by, comment: comment, digest: digest, givenFor: givenFor, at: at, &transition)
        case .result(_, let succeeded, let detail): result(succeeded: succeeded, detail: detail, &transition)
        case .deadline(let at): deadline(at: at, &transition)
        case .end: end(&transition)
        }
        return (transition.state, transition.effects, transition.report)
    }
}

/// One step in the making: the state as it changes, the effects so far, the report.
struct Transition {
    var state: IncidentState
    var effects: [SessionEffect] = []
    var report = StepReport()

    mutating func audit(_ type: String, _ entries: [(String, JSONValue)]) {
        effects.append(.audit(type: type, data: JSONObject(entries: entries.map { (key: $0.0, value: $0.1) })))
    }
}
