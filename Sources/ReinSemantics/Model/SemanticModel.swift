import ReinSyntax

/// Everything the checker resolved about a bundle, as plain values: what an evaluator
/// compiles from. Arrays are in bundle order (files in order, then source order); the
/// `…Index` tables map names to positions. Declarations that duplicate an earlier name
/// are left out. The model is complete only when the check reported no errors.
public struct SemanticModel: Sendable {
    public var identities: [IdentityModel] = []
    /// Tools and queries.
    public var tools: [ToolModel] = []
    public var runbooks: [RunbookModel] = []
    public var policies: [PolicyModel] = []
    /// Every policy's `context` declarations, merged (keys are unique across the bundle).
    public var context: [ArgModel] = []
    /// Every `deny` and `require approvals` rule of every policy and runbook, in bundle order.
    public var rules: [RuleModel] = []
    /// Every `forbid namespace` value of every policy, first occurrence first.
    public var forbiddenNamespaces: [String] = []
    /// The identity with standing roles: read tools run as it.
    public var standingIdentity: String?
    /// The tightest policy limits.
    public var limits = PolicyLimits()

    public var identityIndex: [String: Int] = [:]
    public var toolIndex: [String: Int] = [:]
    public var runbookIndex: [String: Int] = [:]
    public var policyIndex: [String: Int] = [:]
    public var contextIndex: [String: Int] = [:]

    /// `max_iterations` when neither a runbook nor any policy sets one.
    public static let defaultMaxIterations: Int64 = 10
    /// The approval timeout in policy-only mode when no policy sets `approval_timeout`.
    public static let defaultApprovalTimeout = DurationValue(seconds: 900)

    public init() {}

    /// The identity with this name, if declared.
    public func identity(named name: String) -> IdentityModel? { identityIndex[name].map { identities[$0] } }
    /// The tool or query with this name, if declared.
    public func tool(named name: String) -> ToolModel? { toolIndex[name].map { tools[$0] } }
    /// The runbook with this name, if declared.
    public func runbook(named name: String) -> RunbookModel? { runbookIndex[name].map { runbooks[$0] } }
    /// The policy with this name, if declared.
    public func policy(named name: String) -> PolicyModel? { policyIndex[name].map { policies[$0] } }
    /// The declaration of a context key, if any policy declares it.
    public func contextKey(named name: String) -> ArgModel? { contextIndex[name].map { context[$0] } }

    /// True when some policy forbids this namespace; compared exactly (see `ExactString`).
    public func isForbidden(namespace: String) -> Bool { forbiddenNamespaces.containsExactly(namespace) }

    /// The rules in force with a runbook (or none, for policy-only mode): every policy's
    /// plus the runbook's own, in bundle order.
    public func rulesInForce(runbook: String?) -> [RuleModel] {
        rules.filter { rule in
            switch rule.owner {
            case .policy: true
            case .runbook(let owner): owner == runbook
            }
        }
    }

    /// The smallest `max_iterations` of the runbook (if any) and every policy; 10 if none.
    public func effectiveMaxIterations(runbook: String?) -> Int64 {
        var values: [Int64] = []
        if let limit = limits.maxIterations { values.append(limit.value) }
        if let name = runbook, let own = self.runbook(named: name)?.maxIterations { values.append(own) }
        return values.min() ?? Self.defaultMaxIterations
    }

    /// The smallest of the runbook's approval `timeout` and every policy's `approval_timeout`;
    /// 15m when neither exists.
    public func effectiveApprovalTimeout(runbook: String?) -> DurationValue {
        var values: [DurationValue] = []
        if let limit = limits.approvalTimeout { values.append(limit.value) }
        if let name = runbook, let own = self.runbook(named: name)?.approval?.timeout { values.append(own) }
        return values.min() ?? Self.defaultApprovalTimeout
    }
}

/// The checker's output: its diagnostics (parse diagnostics are not repeated) and the model.
public struct CheckResult: Sendable {
    /// Checker diagnostics only, in output order (`sortedForOutput()`).
    public var diagnostics: [Diagnostic]
    public var model: SemanticModel

    public init(diagnostics: [Diagnostic], model: SemanticModel) {
        self.diagnostics = diagnostics
        self.model = model
    }

    /// True when any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
