import ReinSemantics
import ReinSyntax

/// A checked bundle prepared for deciding proposals (Grammar/README.md §13).
///
/// Built once from a ``SemanticModel``: locations are resolved to `path:line:col`, `matching`
/// patterns compiled, each runbook's limits, timeout and tool lists resolved, each write tool's
/// elevation plan computed, and for each tool the rules that apply to it are listed in bundle
/// order (a `*` rule applies to a tool that has every arg in `argUses` at a compatible type). A
/// decision therefore looks up the tool and runbook once and never scans unrelated tools or
/// rules. `decide` is pure: no I/O, no clock (`now` comes from `proposal.at`, else the Unix
/// epoch).
///
/// Decisions (where the spec leaves a choice):
/// - `at` of `session_closed` / `approval_pending`: the runbook in use, else absent;
///   `iteration_limit`: the `max_iterations` value that gives the limit (a policy's, else the
///   runbook's; the runbook itself when the limit is the default);
///   `unknown_runbook`: absent (nothing is declared to point at).
/// - `not_in_runbook`: the runbook in use (policy-only mode: the tool);
///   `write_needs_remediation` and `unknown_arg`: the tool.
/// - `invalid_context`: the first offending declared context key, else the first policy
///   (absent when the bundle has no policy). Offending keys are listed declared keys first (in
///   declaration order), then undeclared keys in proposal order.
/// - A bundle the checker rejected may still compile; what cannot be decided then fails closed
///   with `evaluation_error` (no standing identity for an allow, no elevation for a remediation).
public struct CompiledPolicy: Sendable {
    // The compiled parts are immutable classes: a decision reads them through one reference
    // instead of copying (and reference-counting) every field.

    final class CompiledTool: Sendable {
        let model: ToolModel
        let location: String
        let args: [CompiledArg]
        /// The args' names and checks as plain values (fast path), in declaration order.
        let argNames: NameList
        let argChecks: [ArgCheck]
        /// Indices into `rules` of every rule that may apply to this tool, in bundle order (a
        /// runbook's rules apply only while that runbook is in use).
        let ruleIndices: [Int]
        /// The owning runbook of each of those rules (nil: a policy rule).
        let ruleOwners: [Int?]
        /// The remediation's elevation plan (write tools), or why there is none.
        let elevation: Result<ElevationPlan, EvaluationFailure>

        init(
            model: ToolModel, location: String, args: [CompiledArg], ruleIndices: [Int], ruleOwners: [Int?],
            elevation: Result<ElevationPlan, EvaluationFailure>
        ) {
            self.model = model
            self.location = location
            self.args = args
            argNames = NameList(args.map(\.model.name))
            argChecks = args.map(\.check)
            self.ruleIndices = ruleIndices
            self.ruleOwners = ruleOwners
            self.elevation = elevation
        }
    }

    final class CompiledRule: Sendable {
        let model: RuleModel
        let location: String
        /// The owning runbook's index, nil for a policy rule.
        let runbookIndex: Int?
        /// A short description for the trace: `deny scale_deployment`, `require approvals 2 for *`.
        let summary: String

        init(model: RuleModel, location: String, runbookIndex: Int?, summary: String) {
            self.model = model
            self.location = location
            self.runbookIndex = runbookIndex
            self.summary = summary
        }
    }

    /// A runbook's (or policy-only mode's) settings with every policy limit already folded in.
    final class Scope: Sendable {
        let model: RunbookModel?
        let location: String?
        let maxIterations: Int64
        /// Where `maxIterations` comes from: the policy setting when it is the limit, else the runbook.
        let maxIterationsLocation: String?
        let approvalTimeout: DurationValue
        /// Every rule in force (policy rules and this runbook's), in bundle order.
        let ruleIndices: [Int]

        init(
            model: RunbookModel?, location: String?, maxIterations: Int64, maxIterationsLocation: String?,
            approvalTimeout: DurationValue, ruleIndices: [Int]
        ) {
            self.model = model
            self.location = location
            self.maxIterations = maxIterations
            self.maxIterationsLocation = maxIterationsLocation
            self.approvalTimeout = approvalTimeout
            self.ruleIndices = ruleIndices
        }

        /// The approval a decision in this scope needs: approvers = the largest of the
        /// runbook's (1 without an approval block) and every matching `require approvals`;
        /// the scope's timeout; the runbook's channel.
        func approval(requiredApprovers: [Int64]) -> ApprovalRequirement {
            Self.approval(model: model, timeout: approvalTimeout, requiredApprovers: requiredApprovers)
        }

        private static func approval(
            model: RunbookModel?, timeout: DurationValue, requiredApprovers: [Int64]
        ) -> ApprovalRequirement {
            let approvers = Swift.max(model?.approval?.approvers ?? 1, requiredApprovers.max() ?? 1, 1)
            return ApprovalRequirement(
                approvers: Int(clamping: approvers), timeout: timeout, channel: model?.approval?.channel)
        }
    }

    let model: SemanticModel
    /// Every tool in bundle order, and a lookup by the exact UTF-8 of its name (the first of a
    /// repeated name wins); the same for runbooks, whose index is into `scopes`.
    let toolList: [CompiledTool]
    let toolTable: ByteTable
    let runbookTable: ByteTable
    let scopes: [Scope]
    let policyOnly: Scope
    let rules: [CompiledRule]
    let context: [CompiledArg]
    let firstPolicyLocation: String?

    // The fast path's plain-value tables (see CompiledPolicy+FastPath.swift).
    /// The context keys' names and checks.
    let contextNames: NameList
    let contextChecks: [ArgCheck]
    /// The forbidden namespaces (the fast path compares proposal bytes with them).
    let forbidden: NameList
    /// Per scope index (``scopeIndex(of:)``): its limit and tool lists.
    let scopeFacts: [ScopeFacts]
    let scopeLists: ScopeLists
    let templates: DecisionTemplates

    /// Prepares a checked model for deciding. `files` are the bundle's sources, indexed as the
    /// model's spans index them (for `path:line:col`).
    public init(model: SemanticModel, files: [SourceFile]) {
        func location(_ span: SourceSpan) -> String {
            guard span.file >= 0, span.file < files.count else { return "<unknown>:0:0" }
            let file = files[span.file]
            return "\(file.path):\(file.position(of: span.start))"
        }
        self.model = model
        let runbookTable = ByteTable(model.runbooks.map { Array($0.name.utf8) })
        self.runbookTable = runbookTable
        let rules = model.rules.map { rule in
            var owner: Int?
            if case .runbook(let name) = rule.owner { owner = runbookTable.index(of: name.utf8.span) ?? -1 }
            return CompiledRule(
                model: rule, location: location(rule.span), runbookIndex: owner, summary: Self.summary(of: rule))
        }
        self.rules = rules
        let policyLimitLocation = model.limits.maxIterations.map { location($0.statementSpan) }
        func scope(_ runbook: RunbookModel?, index: Int?) -> Scope {
            let limit = model.effectiveMaxIterations(runbook: runbook?.name)
            let fromPolicy = model.limits.maxIterations.map { $0.value == limit } ?? false
            let own = runbook.map { location($0.declarationSpan) }
            let ownLimit = runbook?.maxIterationsSpan.map(location) ?? own
            return Scope(
                model: runbook, location: own, maxIterations: limit,
                maxIterationsLocation: fromPolicy ? policyLimitLocation : ownLimit,
                approvalTimeout: model.effectiveApprovalTimeout(runbook: runbook?.name),
                ruleIndices: rules.indices.filter { rules[$0].runbookIndex == nil || rules[$0].runbookIndex == index })
        }
        scopes = model.runbooks.enumerated().map { scope($0.element, index: $0.offset) }
        policyOnly = scope(nil, index: nil)
        var patterns = PatternCompiler()
        let toolList = model.tools.map { tool in
            let ruleIndices = rules.indices.filter { rules[$0].model.applies(to: tool) }
            return CompiledTool(
                model: tool, location: location(tool.declarationSpan),
                args: tool.args.map { patterns.arg($0, location: location($0.statementSpan)) },
                ruleIndices: ruleIndices, ruleOwners: ruleIndices.map { rules[$0].runbookIndex },
                elevation: Self.elevationPlan(for: tool, in: model))
        }
        self.toolList = toolList
        let toolTable = ByteTable(model.tools.map { Array($0.name.utf8) })
        self.toolTable = toolTable
        let context = model.context.map { patterns.arg($0, location: location($0.statementSpan)) }
        self.context = context
        firstPolicyLocation = model.policies.first.map { location($0.declarationSpan) }

        contextNames = NameList(context.map(\.model.name))
        contextChecks = context.map(\.check)
        forbidden = NameList(model.forbiddenNamespaces)
        var lists = ScopeLists()
        func indices(_ names: [String]) -> [Int] { names.compactMap { toolTable.index(of: $0.utf8.span) } }
        scopeFacts = (scopes + [policyOnly]).map { scope in
            ScopeFacts(
                maxIterations: scope.maxIterations,
                investigate: scope.model.map { lists.add(indices($0.investigate)) },
                remediate: scope.model.map { lists.add(indices($0.remediate)) })
        }
        scopeLists = lists
        templates = DecisionTemplates(
            standingIdentity: model.standingIdentity,
            approvals: (scopes + [policyOnly]).map { $0.approval(requiredApprovers: []) },
            elevations: toolList.map { try? $0.elevation.get() })
    }

    /// The index of a runbook's scope in ``scopeFacts`` (nil: policy-only mode, after the
    /// runbooks).
    func scopeIndex(of runbookIndex: Int?) -> Int {
        runbookIndex ?? scopes.count
    }

    /// The scope at a ``scopeIndex(of:)``.
    func scope(at index: Int) -> Scope {
        index < scopes.count ? scopes[index] : policyOnly
    }

    /// True when `kind` of the tool at `toolIndex` is allowed in the scope at `scopeIndex`
    /// (Grammar/README.md §13 step 3): a plain call of a read tool the scope investigates with, or a
    /// remediation by a write tool it remediates with.
    func inScope(toolIndex: Int, effect: ToolEffect?, kind: ProposalKind, scopeIndex: Int) -> Bool {
        let facts = scopeFacts[scopeIndex]
        switch kind {
        case .toolCall: return effect == .read && scopeLists.contains(toolIndex, in: facts.investigate)
        case .remediation: return effect == .write && scopeLists.contains(toolIndex, in: facts.remediate)
        }
    }

    /// True when the bundle declares a runbook named exactly `name`.
    public func declaresRunbook(_ name: String) -> Bool {
        runbookIndex(named: name) != nil
    }

    /// Each runbook with an approval block and the Teams channel it sends its cards to, in bundle
    /// order.
    public var runbookChannels: [(runbook: String, channel: String)] {
        model.runbooks.compactMap { runbook in runbook.approval.map { (runbook.name, $0.channel) } }
    }

    /// The tools and queries runbook `name` lets the agent use: its `investigate` list, then its
    /// `remediate` list, each tool once; nil when the bundle declares no such runbook.
    public func runbookTools(_ name: String) -> [ToolModel]? {
        guard let runbook = model.runbooks.first(where: { $0.name == name }) else { return nil }
        var seen: Set<String> = []
        return (runbook.investigate + runbook.remediate).compactMap { tool in
            guard seen.insert(tool).inserted else { return nil }
            return model.tool(named: tool)
        }
    }

    /// The tool or query named exactly `name`, as checked; nil when the bundle declares none.
    public func tool(named name: String) -> ToolModel? { model.tool(named: name) }

    /// The context keys the bundle declares, in declaration order.
    public var contextKeys: [String] { context.map(\.model.name) }

    /// Why `given` is not a valid context (the `invalid_context` message a proposal with it
    /// would be denied with), or nil when it is one.
    public func contextProblem(_ given: JSONObject) -> String? {
        var reasons: [Reason] = []
        var trace = TraceRecorder(enabled: false)
        _ = checkContext(given, reasons: &reasons, trace: &trace)
        return reasons.first?.message
    }

    /// The namespaces the policies forbid, in declaration order.
    public var forbiddenNamespaces: [String] { model.forbiddenNamespaces }

    /// The bundle's identities, in declaration order.
    public var identities: [IdentityModel] { model.identities }

    /// The runbooks with a `remediate` list, by name, in declaration order.
    public var remediatingRunbooks: [String] {
        model.runbooks.filter { !$0.remediate.isEmpty }.map(\.name)
    }

    /// True when the bundle declares a tool or query named exactly `name`.
    public func declaresTool(_ name: String) -> Bool {
        toolIndex(named: name) != nil
    }

    /// How a proposal of the tool `name` that gives no `kind` is taken: a read tool's as a tool
    /// call, any other's as a remediation; nil when the bundle declares no such tool.
    public func defaultKind(ofTool name: String) -> ProposalKind? {
        toolIndex(named: name).map { toolList[$0].model.effect == .read ? .toolCall : .remediation }
    }

    /// The index of the tool named exactly `name` (no normalisation, no case folding).
    func toolIndex(named name: String) -> Int? {
        toolTable.index(of: name.utf8.span)
    }

    /// The index into `scopes` of the runbook named exactly `name`.
    func runbookIndex(named name: String) -> Int? {
        runbookTable.index(of: name.utf8.span)
    }

    private static func summary(of rule: RuleModel) -> String {
        let target: String
        switch rule.target {
        case .all: target = "*"
        case .tools(let names): target = names.count == 1 ? names[0] : "[" + names.joined(separator: ", ") + "]"
        }
        switch rule.action {
        case .deny: return "deny \(target)"
        case .requireApprovals(let count): return "require approvals \(count) for \(target)"
        }
    }

    /// The elevation plan of a write tool: its `elevate` identity and role, the scope word of the
    /// identity's `eligible` line for that role, and min(tool `for`, policy `max_elevation`,
    /// identity `max_activation`).
    private static func elevationPlan(
        for tool: ToolModel, in model: SemanticModel
    ) -> Result<ElevationPlan, EvaluationFailure> {
        guard let elevation = tool.elevation else {
            return .failure(EvaluationFailure(message: "`\(tool.name)` has no elevation"))
        }
        guard let identity = model.identity(named: elevation.identity),
            let eligibility = identity.eligibility(for: elevation.role)
        else {
            return .failure(
                EvaluationFailure(message: "`\(elevation.identity)` is not eligible for \"\(elevation.role.name)\""))
        }
        var duration = elevation.requested
        if let cap = model.limits.maxElevation?.value { duration = Swift.min(duration, cap) }
        if let cap = identity.maxActivation { duration = Swift.min(duration, cap) }
        return .success(
            ElevationPlan(
                identity: identity.name, role: elevation.role.name, scope: eligibility.scope.rawValue,
                duration: duration))
    }
}
