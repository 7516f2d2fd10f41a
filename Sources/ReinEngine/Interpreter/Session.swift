/// One incident's session driven event by event: the interpreter's state, the steps so far and
/// every effect with its time. `rein replay` builds one from a recording; the live server builds
/// one as events arrive and its clock passes deadlines — the same driver, so a live session and
/// the replay of its recording are the same steps, effects and outcome.
///
/// The approval deadline is the driver's to fire: before an event that comes after it, when the
/// host's clock passes it, or when a recording ends. Pure: no clock, no I/O.
public struct Session: Sendable {
    public let machine: Interpreter
    public private(set) var state: IncidentState
    public private(set) var steps: [ReplayResult.Step] = []
    /// Every effect so far, in order, audit entries included.
    public private(set) var effects: [ReplayResult.TimedEffect]

    /// A session opened at `openedAt`, with the opening alert's audit entry as its first effect.
    public init(_ machine: Interpreter, openedAt: Timestamp) {
        self.machine = machine
        let (state, opening) = machine.start()
        self.state = state
        self.effects = opening.map { ReplayResult.TimedEffect(at: openedAt, effect: $0, step: nil) }
    }

    /// When the pending approval times out; nil when none is pending.
    public var deadline: Timestamp? {
        guard case .awaitingApproval(let pending) = state.phase else { return nil }
        return pending.deadline
    }

    /// Applies the next event as step `steps.count`: first the deadline when the event comes
    /// after it, then the event. `givenFor`: for an approval or rejection, what another replay
    /// of the recording saw it given for (``Interpreter/step(_:_:givenFor:)``). Returns the
    /// step's index; its effects, the deadline's included, are those after `effects.count` as it
    /// was before the call.
    @discardableResult
    public mutating func apply(_ event: SessionEvent, givenFor: ApprovalBinding? = nil) -> Int {
        fireDeadline(before: event.at)
        let index = steps.count
        steps.append(ReplayResult.Step(index: index, event: event, report: feed(event, step: index, givenFor: givenFor)))
        return index
    }

    /// Fires the pending approval's deadline, stamped with the deadline itself, when `time` is
    /// later than it (an approval exactly at the deadline is on time) or is nil (the recording
    /// ended). True when it fired.
    @discardableResult
    public mutating func fireDeadline(before time: Timestamp?) -> Bool {
        guard let deadline, time.map({ $0 > deadline }) ?? true else { return false }
        _ = feed(.deadline(at: deadline), step: nil, givenFor: nil)
        return true
    }

    /// Ends a recording at `at` (its last event's time): a pending deadline fires, then the
    /// session closes as the interpreter closes an ended one.
    public mutating func finish(at: Timestamp) {
        fireDeadline(before: nil)
        _ = feed(.end(at: at), step: nil, givenFor: nil)
    }

    private mutating func feed(_ event: SessionEvent, step: Int?, givenFor: ApprovalBinding?) -> StepReport {
        let next = machine.step(state, event, givenFor: givenFor)
        state = next.state
        effects += next.effects.map { ReplayResult.TimedEffect(at: event.at, effect: $0, step: step) }
        return next.report
    }
}
