import ReinAdapters

/// Where the action an approval card asks about stands, read from the incident's session (pure):
/// what the card shows once redrawn.
enum CardStatus: Sendable, Hashable {
    /// Still waiting: who approved so far, and how many more approvals are needed.
    case waiting(approvedBy: [String], needed: Int)
    /// Approved: the remediation runs (its elevation active).
    case running(approvedBy: [String])
    /// Approved: the tool call ran.
    case toolRan(approvedBy: [String])
    /// Approved and executed, successfully or not.
    case executed(approvedBy: [String], succeeded: Bool, detail: String?)
    case rejected(by: String, comment: String?)
    /// Nobody approved in time; `page`: the priority paged, if any.
    case expired(page: String?)
    /// The session ended otherwise before the approvals were in (why, as the outcome's reason).
    case closed(reason: String)

    /// Whether the buttons still mean anything.
    var isWaiting: Bool {
        if case .waiting = self { return true }
        return false
    }

    /// Whether it can no longer change: the action was decided and, when it ran, finished.
    var isFinal: Bool {
        switch self {
        case .waiting, .running: false
        case .toolRan, .executed, .rejected, .expired, .closed: true
        }
    }

    /// The status of the card asking to approve the action with `digest`; nil when the session
    /// never sent one.
    static func of(digest: String, in session: Session) -> CardStatus? {
        var card: PendingApproval?
        var lastCard: String?
        var page: String?
        for timed in session.effects {
            switch timed.effect {
            case .sendApprovalCard(let pending):
                if pending.digest == digest, card == nil { card = pending }
                lastCard = pending.digest
            case .page(let priority, _) where card != nil:
                page = priority
            default:
                break
            }
        }
        guard let card else { return nil }
        var approvers: [String] = []
        var rejection: (by: String, comment: String?)?
        var result: (succeeded: Bool, detail: String?)?
        for step in session.steps {
            switch step.event {
            case .approve(_, let by, let given) where given == digest && step.report.accepted == true:
                approvers.append(by)
            case .reject(_, let by, let comment, let given) where given == digest && step.report.accepted == true:
                rejection = rejection ?? (by, comment)
            case .result(_, let succeeded, let detail) where !step.report.ignored && approvers.count >= card.approval.approvers:
                result = (succeeded, detail)
            default:
                break
            }
        }
        if let pending = session.state.pending, pending.digest == digest {
            if session.state.isExecuting { return .running(approvedBy: pending.approvedBy) }
            return .waiting(approvedBy: pending.approvedBy, needed: max(0, pending.approval.approvers - pending.approvedBy.count))
        }
        if let rejection { return .rejected(by: rejection.by, comment: rejection.comment) }
        if approvers.count >= card.approval.approvers {
            guard card.kind == .remediation else { return .toolRan(approvedBy: approvers) }
            if let result { return .executed(approvedBy: approvers, succeeded: result.succeeded, detail: result.detail) }
            if case .closed(let outcome) = session.state.phase {
                return .executed(approvedBy: approvers, succeeded: outcome.result == .remediated, detail: outcome.reason.rawValue)
            }
            return .running(approvedBy: approvers)
        }
        if case .closed(let outcome) = session.state.phase {
            if outcome.reason == .approvalTimeout, lastCard == digest { return .expired(page: page) }
            return .closed(reason: outcome.reason.rawValue)
        }
        // A later proposal took its place (a session waits for one approval at a time).
        return .closed(reason: "superseded")
    }
}
