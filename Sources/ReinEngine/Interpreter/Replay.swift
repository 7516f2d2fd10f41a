import ReinSemantics
import ReinSyntax

/// An incident as recorded (docs/FORMATS.md §3), already read and validated by an adapter.
public struct RecordedIncident: Sendable, Hashable {
    public var incident: String
    /// The runbook named by the recording; nil: chosen by trigger.
    public var runbook: String?
    public var context: JSONObject?
    /// The alert payload as received (common alert schema).
    public var alert: JSONObject
    public var events: [SessionEvent]
    /// The digest of the bundle the session was recorded under (64 lowercase hex), when the
    /// recording says: the replay's approval digests are computed with it, so a recorded approval
    /// stays bound to its action under an edited bundle. nil: the current bundle's digest.
    public var bundle: String?

    public init(
        incident: String, runbook: String?, context: JSONObject?, alert: JSONObject, events: [SessionEvent],
        bundle: String? = nil
    ) {
        self.incident = incident
        self.runbook = runbook
        self.context = context
        self.alert = alert
        self.events = events
        self.bundle = bundle
    }
}

/// A replayed incident: the runbook it ran, how it ended, what each event did, every effect in
/// order (audit entries included, each with the time of the event that caused it).
public struct ReplayResult: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var index: Int
        public var event: SessionEvent
        public var report: StepReport
    }

    public struct TimedEffect: Sendable, Hashable {
        public var at: Timestamp
        public var effect: SessionEffect
        /// The index of the step whose event caused it; nil for the opening alert, a deadline
        /// and the end of the recording.
        public var step: Int?
    }

    public var incident: String
    public var runbook: String
    /// The bundle digest the approval digests were computed with: the recording's `bundle`, else
    /// the one the replay was given.
    public var bundle: String
    public var outcome: SessionOutcome
    public var steps: [Step]
    public var effects: [TimedEffect]

    /// What each approval and rejection (by step index) was given for in this replay: the action
    /// pending when it arrived, or nothing. Another replay of the same recording takes these
    /// (``Replay/run(_:policy:bundleDigest:sha256:explain:approvalsGivenFor:)``) so that an
    /// approval without a digest counts there only for the same action.
    public var approvalBindings: [Int: ApprovalBinding] {
        var bindings: [Int: ApprovalBinding] = [:]
        for step in steps {
            switch step.event {
            case .approve, .reject: bindings[step.index] = step.report.pendingAction.map(ApprovalBinding.action) ?? .nothing
            default: continue
            }
        }
        return bindings
    }
}

/// Why an incident cannot be replayed (the rest of a batch still is).
public struct ReplayFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Runs a recorded incident through the ``Interpreter``: picks the runbook, feeds the events in
/// order through a ``Session`` (which fires the approval deadline when the next event, or the end
/// of the recording, comes after it), and ends the session. Pure: the same incident and bundle give the same result.
public enum Replay {
    /// `bundleDigest`: the current bundle's; a recording's own `bundle` takes its place in the
    /// approval digests. `explain`: decisions carry their trace (which checks and rules ran).
    /// `approvalsGivenFor`: for `rein diff`, what each recorded approval or rejection (by step
    /// index) was given for under the base bundle (``ReplayResult/approvalBindings``); one that
    /// carries no digest then counts only for that same action.
    public static func run(
        _ recorded: RecordedIncident, policy: CompiledPolicy, bundleDigest: String,
        sha256: @escaping @Sendable ([UInt8]) -> String, explain: Bool = false,
        approvalsGivenFor: [Int: ApprovalBinding] = [:]
    ) -> Result<ReplayResult, ReplayFailure> {
        for (index, pair) in zip(recorded.events, recorded.events.dropFirst()).enumerated() where pair.1.at < pair.0.at {
            return .failure(ReplayFailure(message: "event \(index + 1) is earlier than event \(index): times must not go back"))
        }
        let start = recorded.events.first?.at ?? Timestamp(seconds: 0)
        let name: String
        if let named = recorded.runbook {
            name = named
        } else if let triggered = policy.runbookTriggered(by: recorded.alert, context: recorded.context, at: start) {
            name = triggered
        } else {
            let rule = alertRule(recorded.alert).map { "`\($0)`" } ?? "(none)"
            return .failure(ReplayFailure(message: "no runbook matches alert rule \(rule)"))
        }
        guard
            var machine = Interpreter(
                policy: policy, incident: recorded.incident, runbook: name, alert: recorded.alert,
                context: recorded.context, bundleDigest: recorded.bundle ?? bundleDigest, sha256: sha256)
        else { return .failure(ReplayFailure(message: "runbook `\(name)` is not declared")) }
        machine.explain = explain

        var session = Session(machine, openedAt: start)
        for (index, event) in recorded.events.enumerated() {
            session.apply(event, givenFor: approvalsGivenFor[index])
        }
        session.finish(at: recorded.events.last?.at ?? start)
        guard let outcome = session.state.outcome else {
            return .failure(ReplayFailure(message: "the session did not end"))
        }
        return .success(
            ReplayResult(
                incident: recorded.incident, runbook: name, bundle: machine.bundleDigest, outcome: outcome,
                steps: session.steps, effects: session.effects))
    }

    private static func alertRule(_ alert: JSONObject) -> String? {
        guard case .object(let data)? = alert["data"], case .object(let essentials)? = data["essentials"],
            case .string(let rule)? = essentials["alertRule"]
        else { return nil }
        return rule
    }
}

extension CompiledPolicy {
    /// The first runbook in bundle order whose `trigger` matches the alert (a trigger that fails
    /// to evaluate does not match; a runbook without one matches nothing), or nil. A trigger
    /// reads the incident's `context` as a proposal does (declared keys, defaults filled); a key
    /// that is missing or invalid there makes a trigger that reads it fail.
    public func runbookTriggered(by alert: JSONObject, context: JSONObject?, at now: Timestamp) -> String? {
        var ignored: [Reason] = []
        var trace = TraceRecorder(enabled: false)
        let environment = EvaluationEnvironment(
            args: ValueTable(), toolName: "", toolEffect: nil, alert: alert,
            context: checkContext(context, reasons: &ignored, trace: &trace), session: SessionState(), now: now)
        for scope in scopes {
            guard let runbook = scope.model, let trigger = runbook.trigger else { continue }
            if (try? ExpressionEvaluator.boolValue(trigger, environment)) == true { return runbook.name }
        }
        return nil
    }
}

extension CompiledPolicy {
    /// What recorded incidents can exercise, in bundle order: tools (not queries), queries,
    /// runbooks, and rules (each by its location and a short description).
    public var coverageItems: (tools: [String], queries: [String], runbooks: [String], rules: [(at: String, summary: String)]) {
        let tools = toolList.filter { $0.model.kql == nil }.map(\.model.name)
        let queries = toolList.filter { $0.model.kql != nil }.map(\.model.name)
        return (tools, queries, scopes.compactMap { $0.model?.name }, rules.map { ($0.location, $0.summary) })
    }
}
