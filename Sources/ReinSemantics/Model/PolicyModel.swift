import ReinSyntax

/// A value a policy sets, with where it is set (for "tighter than policy" notes).
public struct PolicyLimit<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    /// The policy that sets it.
    public var policy: String
    /// The value in the source (where "tighter than policy" notes point).
    public var span: SourceSpan
    /// The whole setting, from its keyword (where the evaluator's reasons point).
    public var statementSpan: SourceSpan

    public init(value: Value, policy: String, span: SourceSpan, statementSpan: SourceSpan? = nil) {
        self.value = value
        self.policy = policy
        self.span = span
        self.statementSpan = statementSpan ?? span
    }
}

/// A checked `policy`. All policies apply to every runbook.
public struct PolicyModel: Sendable, Hashable {
    public var name: String
    public var doc: String?
    /// `forbid namespace` values, in source order (duplicates dropped).
    public var forbiddenNamespaces: [String]
    public var maxIterations: Int64?
    public var maxElevation: DurationValue?
    public var approvalTimeout: DurationValue?
    /// Context keys declared by this policy (also merged into `SemanticModel.context`).
    public var context: [ArgModel]
    /// Indices into `SemanticModel.rules` of this policy's rules, in source order.
    public var ruleIndices: [Int]
    /// The policy's name in the source.
    public var span: SourceSpan
    /// The whole declaration, from its keyword to its closing brace.
    public var declarationSpan: SourceSpan

    public init(
        name: String, doc: String?, forbiddenNamespaces: [String], maxIterations: Int64?,
        maxElevation: DurationValue?, approvalTimeout: DurationValue?, context: [ArgModel],
        ruleIndices: [Int], span: SourceSpan, declarationSpan: SourceSpan? = nil
    ) {
        self.name = name
        self.doc = doc
        self.forbiddenNamespaces = forbiddenNamespaces
        self.maxIterations = maxIterations
        self.maxElevation = maxElevation
        self.approvalTimeout = approvalTimeout
        self.context = context
        self.ruleIndices = ruleIndices
        self.span = span
        self.declarationSpan = declarationSpan ?? span
    }
}

/// The tightest value of each policy limit across the bundle (the smallest one wins).
public struct PolicyLimits: Sendable, Hashable {
    public var maxIterations: PolicyLimit<Int64>?
    public var maxElevation: PolicyLimit<DurationValue>?
    public var approvalTimeout: PolicyLimit<DurationValue>?

    public init(
        maxIterations: PolicyLimit<Int64>? = nil, maxElevation: PolicyLimit<DurationValue>? = nil,
        approvalTimeout: PolicyLimit<DurationValue>? = nil
    ) {
        self.maxIterations = maxIterations
        self.maxElevation = maxElevation
        self.approvalTimeout = approvalTimeout
    }
}
