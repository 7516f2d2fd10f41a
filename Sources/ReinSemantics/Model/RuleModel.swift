import ReinSyntax

/// What a rule applies to.
public enum RuleTargetModel: Sendable, Hashable {
    /// `*` (also `require approvals` without `for`): every tool that has every arg the rule
    /// reads, with the type it reads it at (`RuleModel.argUses`); for other tools the rule
    /// does not match (Grammar/README.md §11).
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
    /// `.int`, `.duration`, `.bool` or `.string` (which covers string, name, namespace and
    /// enums); in a `*` rule also `.any`, for an arg compared only with other args
    /// (`args.a == args.b`, `args.a < args.b`, `args.a in [args.b]`): the rule applies to tools
    /// that have the arg at any type. The comparison itself is typed at run time, and values
    /// of different types there (or not both ints or both durations for `<`, `<=`, `>`,
    /// `>=`) are an `evaluation_error` (Grammar/README.md §13).
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
    /// Every `args.NAME` the condition reads with the type it is read at, first use first;
    /// `.any` only for an arg that is read at no other type.
    ///
    /// For a `*` rule, this decides which tools the rule applies to: a tool must have each
    /// of these args, at the type given (any type for `.any`). An arg read at two types
    /// appears once per type, so that no tool matches: such a rule never applies (the checker
    /// warns with `rein.check.arg-type-conflict`). For named targets the types are those of
    /// the targets' args.
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
