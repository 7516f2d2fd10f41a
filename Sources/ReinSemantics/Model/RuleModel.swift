import ReinSyntax

/// What a rule applies to.
public enum RuleTargetModel: Sendable, Hashable {
    /// `*` (also `require approvals` without `for`): every tool that has every arg the rule
    /// reads, with the type it reads it at (`RuleModel.argUses`).
    case all
    /// Named tools or queries, in the order written.
    case tools([String])
}

/// What a rule does when its condition holds.
public enum RuleAction: Sendable, Hashable {
    /// `deny … [because "MSG"]`.
    case deny(message: String?)
    /// `require approvals N`.
    case requireApprovals(Int64)
}

/// Where a rule is declared.
public enum RuleOwner: Sendable, Hashable {
    case policy(String)
    case runbook(String)
}

/// An arg a rule reads, and the type it reads it at.
public struct ArgUse: Sendable, Hashable {
    public var name: String
    /// `.string` covers string, name, namespace and enums.
    public var type: ValueType

    public init(name: String, type: ValueType) {
        self.name = name
        self.type = type
    }
}

/// A checked `deny` or `require approvals` rule.
public struct RuleModel: Sendable, Hashable {
    public var action: RuleAction
    public var owner: RuleOwner
    public var target: RuleTargetModel
    /// A bool-typed condition.
    public var condition: CheckedExpr
    /// Every `args.NAME` the condition reads, first use first.
    public var argUses: [ArgUse]
    /// The rule statement (its `deny` / `require` keyword starts it): the rule's location.
    public var span: SourceSpan

    public init(
        action: RuleAction, owner: RuleOwner, target: RuleTargetModel, condition: CheckedExpr, argUses: [ArgUse],
        span: SourceSpan
    ) {
        self.action = action
        self.owner = owner
        self.target = target
        self.condition = condition
        self.argUses = argUses
        self.span = span
    }

    /// True for rules declared in a policy (they apply to every runbook).
    public var isPolicyRule: Bool {
        if case .policy = owner { return true }
        return false
    }
}
