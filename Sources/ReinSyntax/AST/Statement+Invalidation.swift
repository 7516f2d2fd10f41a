extension Statement {
    /// Marks a rule or trigger whose line had trailing junk: its condition becomes `.invalid`,
    /// so that the checker reports nothing more about a half-read expression.
    mutating func invalidateCondition() {
        switch kind {
        case .trigger(let condition):
            kind = .trigger(Expr(.invalid, span: condition.span))
        case .deny(var rule):
            rule.condition = Expr(.invalid, span: rule.condition.span)
            kind = .deny(rule)
        case .requireApprovals(var rule):
            rule.condition = Expr(.invalid, span: rule.condition.span)
            kind = .requireApprovals(rule)
        default:
            break
        }
    }
}
