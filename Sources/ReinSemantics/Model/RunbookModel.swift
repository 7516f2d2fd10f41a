import ReinSyntax

/// A runbook's `approval { … }` block.
public struct ApprovalModel: Sendable, Hashable {
    /// The Teams channel id.
    public var channel: String
    /// Distinct approvers needed (≥ 1).
    public var approvers: Int64
    /// Approver identity globs (≥ 1).
    public var allow: [String]
    public var timeout: DurationValue
    /// What happens on timeout: always no action, optionally with a page.
    public var onTimeout: TimeoutAction
    /// The `approval` keyword.
    public var span: SourceSpan

    public init(
        channel: String, approvers: Int64, allow: [String], timeout: DurationValue, onTimeout: TimeoutAction,
        span: SourceSpan
    ) {
        self.channel = channel
        self.approvers = approvers
        self.allow = allow
        self.timeout = timeout
        self.onTimeout = onTimeout
        self.span = span
    }
}

/// A checked `runbook`.
public struct RunbookModel: Sendable, Hashable {
    public var name: String
    public var doc: String?
    public var title: String?
    public var description: String?
    /// Typed over `alert`, `context` and `now` only.
    public var trigger: CheckedExpr?
    /// The runbook's own `max_iterations`, if written.
    public var maxIterations: Int64?
    /// The runbook's `max_iterations` statement, from its keyword (with `maxIterations`).
    public var maxIterationsSpan: SourceSpan?
    /// Read tools and queries the agent may call, in the order listed.
    public var investigate: [String]
    /// Write tools the agent may propose, in the order listed.
    public var remediate: [String]
    /// Present whenever `remediate` is non-empty (in a bundle without errors).
    public var approval: ApprovalModel?
    /// Indices into `SemanticModel.rules` of this runbook's own rules, in source order.
    public var ruleIndices: [Int]
    /// The runbook's name in the source.
    public var span: SourceSpan
    /// The whole declaration, from its keyword to its closing brace.
    public var declarationSpan: SourceSpan

    public init(
        name: String, doc: String?, title: String?, description: String?, trigger: CheckedExpr?,
        maxIterations: Int64?, investigate: [String], remediate: [String], approval: ApprovalModel?,
        ruleIndices: [Int], span: SourceSpan, declarationSpan: SourceSpan
    ) {
        self.name = name
        self.doc = doc
        self.title = title
        self.description = description
        self.trigger = trigger
        self.maxIterations = maxIterations
        self.investigate = investigate
        self.remediate = remediate
        self.approval = approval
        self.ruleIndices = ruleIndices
        self.span = span
        self.declarationSpan = declarationSpan
    }
}
