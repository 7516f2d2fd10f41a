import ReinSemantics
import ReinSyntax

/// A checked bundle prepared for deciding proposals (LANGUAGE.md §5).
///
/// Built once: locations are resolved to `path:line:col`, `matching` patterns compiled, and for
/// each tool the rules that apply to it are listed in bundle order (a `*` rule applies to a tool
/// that has every arg in `argUses` at a compatible type). `decide` is pure: no I/O, no clock
/// (`now` comes from `proposal.at`, else the Unix epoch).
///
/// Decisions (where the spec leaves a choice):
/// - `at` of `session_closed` / `approval_pending`: the runbook in use, else absent;
///   `iteration_limit`: the setting that gives the limit (policy limit, else the runbook);
///   `unknown_runbook`: absent (nothing is declared to point at).
/// - `not_in_runbook`: the runbook in use (policy-only mode: the tool);
///   `write_needs_remediation` and `unknown_arg`: the tool.
/// - `invalid_context`: the first offending declared context key, else the first policy
///   (absent when the bundle has no policy). Offending keys are listed declared keys first (in
///   declaration order), then undeclared keys in proposal order.
/// - A bundle the checker rejected may still compile; what cannot be decided then fails closed
///   with `evaluation_error` (no standing identity for an allow, no elevation for a remediation).
public struct CompiledPolicy: Sendable {
    struct CompiledTool: Sendable {
        var model: ToolModel
        var location: String
        var args: [CompiledArg]
        var declaredNames: Set<ExactString>
        /// Indices into `rules` of every rule that applies to this tool, in bundle order.
        var ruleIndices: [Int]
    }

    struct CompiledRule: Sendable {
        var model: RuleModel
        var location: String
    }

    let model: SemanticModel
    let tools: [ExactString: CompiledTool]
    let runbooks: [ExactString: Int]
    let runbookLocations: [String]
    let rules: [CompiledRule]
    let context: [CompiledArg]
    let contextNames: Set<ExactString>
    let firstPolicyLocation: String?
    let policyLimitLocation: String?

    public init(model: SemanticModel, files: [SourceFile]) {
        func location(_ span: SourceSpan) -> String {
            guard span.file >= 0, span.file < files.count else { return "<unknown>:0:0" }
            let file = files[span.file]
            return "\(file.path):\(file.position(of: span.start))"
        }
        self.model = model
        let rules = model.rules.map { CompiledRule(model: $0, location: location($0.span)) }
        self.rules = rules
        var tools: [ExactString: CompiledTool] = [:]
        for tool in model.tools where tools[ExactString(tool.name)] == nil {
            let applicable = rules.indices.filter { CompiledPolicy.rule(rules[$0].model, appliesTo: tool) }
            tools[ExactString(tool.name)] = CompiledTool(
                model: tool, location: location(tool.span),
                args: tool.args.map { CompiledArg($0, location: location($0.span)) },
                declaredNames: Set(tool.args.map { ExactString($0.name) }), ruleIndices: applicable)
        }
        self.tools = tools
        var runbooks: [ExactString: Int] = [:]
        for (index, runbook) in model.runbooks.enumerated() where runbooks[ExactString(runbook.name)] == nil {
            runbooks[ExactString(runbook.name)] = index
        }
        self.runbooks = runbooks
        runbookLocations = model.runbooks.map { location($0.span) }
        context = model.context.map { CompiledArg($0, location: location($0.span)) }
        contextNames = Set(model.context.map { ExactString($0.name) })
        firstPolicyLocation = model.policies.first.map { location($0.span) }
        policyLimitLocation = model.limits.maxIterations.map { location($0.span) }
    }

    /// True when `rule` applies to `tool` (LANGUAGE.md §4: a `*` rule needs every arg it reads,
    /// at the type it reads it).
    static func rule(_ rule: RuleModel, appliesTo tool: ToolModel) -> Bool {
        switch rule.target {
        case .tools(let names):
            return names.containsExactly(tool.name)
        case .all:
            return rule.argUses.allSatisfy { use in
                guard let arg = tool.args.first(where: { $0.name.isExactly(use.name) }) else { return false }
                return compatible(arg.type, use.type)
            }
        }
    }

    static func compatible(_ argType: ArgType, _ use: ValueType) -> Bool {
        switch (argType, use) {
        case (_, .any): true
        case (.int, .int), (.duration, .duration), (.bool, .bool): true
        case (.string, .string), (.name, .string), (.namespace, .string), (.enumeration, .string): true
        default: false
        }
    }

    /// A proposal that is not well formed: deny with `malformed_proposal` alone.
    public func decide(malformed: MalformedProposal) -> Decision {
        Decision(id: malformed.id, verdict: .deny([Reason(code: .malformedProposal, message: malformed.message)]))
    }

    /// Decides one well-formed proposal (LANGUAGE.md §5), collecting every reason in order.
    public func decide(
        _ proposal: Proposal, defaultRunbook: String? = nil, sessionClosed: Bool = false, approvalPending: Bool = false
    ) -> Decision {
        Decision(
            id: proposal.id,
            verdict: verdict(
                proposal, defaultRunbook: defaultRunbook, sessionClosed: sessionClosed, approvalPending: approvalPending))
    }

    private func verdict(
        _ proposal: Proposal, defaultRunbook: String?, sessionClosed: Bool, approvalPending: Bool
    ) -> Verdict {
        var reasons: [Reason] = []
        let runbookName = proposal.runbook ?? defaultRunbook
        let runbookIndex = runbookName.flatMap { runbooks[ExactString($0)] }
        let runbook = runbookIndex.map { model.runbooks[$0] }
        let runbookLocation = runbookIndex.map { runbookLocations[$0] }

        // Step 1.
        if sessionClosed {
            reasons.append(Reason(code: .sessionClosed, message: "the session has ended", at: runbookLocation))
        }
        if approvalPending {
            reasons.append(
                Reason(
                    code: .approvalPending, message: "an approval is pending or a remediation is executing",
                    at: runbookLocation))
        }
        let limit = model.effectiveMaxIterations(runbook: runbook?.name)
        if proposal.session.iteration >= limit {
            let fromPolicy = model.limits.maxIterations.map { $0.value == limit } ?? false
            reasons.append(
                Reason(
                    code: .iterationLimit,
                    message: "iteration \(proposal.session.iteration) reaches max_iterations \(limit)",
                    at: fromPolicy ? policyLimitLocation : runbookLocation))
        }

        // Step 2.
        var stop = false
        if let runbookName, runbook == nil {
            reasons.append(Reason(code: .unknownRunbook, message: "runbook `\(runbookName)` is not declared"))
            stop = true
        }
        guard let tool = tools[ExactString(proposal.tool)] else {
            reasons.append(Reason(code: .unknownTool, message: "tool `\(proposal.tool)` is not declared"))
            return .deny(reasons)
        }
        if stop { return .deny(reasons) }

        // Step 3.
        let effect = tool.model.effect
        let isWrite = effect != .read  // a tool without an effect (broken bundle) counts as write
        let kind = proposal.kind ?? (isWrite ? .remediation : .toolCall)
        let name = tool.model.name
        switch kind {
        case .toolCall:
            if isWrite {
                reasons.append(
                    Reason(
                        code: .writeNeedsRemediation,
                        message: "`\(name)` is a write tool: propose it as a remediation", at: tool.location))
            } else if let runbook, !runbook.investigate.containsExactly(name) {
                reasons.append(
                    Reason(
                        code: .notInRunbook, message: "`\(name)` is not in the investigate list of `\(runbook.name)`",
                        at: runbookLocation))
            }
        case .remediation:
            if effect != .write {
                reasons.append(
                    Reason(
                        code: .notInRunbook, message: "`\(name)` is a read tool: it cannot be a remediation",
                        at: runbookLocation ?? tool.location))
            } else if let runbook, !runbook.remediate.containsExactly(name) {
                reasons.append(
                    Reason(
                        code: .notInRunbook, message: "`\(name)` is not in the remediate list of `\(runbook.name)`",
                        at: runbookLocation))
            }
        }

        // Step 4: args.
        var argValues: [ExactString: RuntimeValue] = [:]
        let duplicated = Set(proposal.args.duplicateKeys.map(ExactString.init))
        for arg in tool.args {
            let label = "`\(arg.model.name)`"
            let values = proposal.args.values(forKey: arg.model.name)
            guard let first = values.first else {
                if let fallback = arg.model.defaultValue {
                    argValues[ExactString(arg.model.name)] = RuntimeValue(fallback)
                } else {
                    reasons.append(Reason(code: .missingArg, message: "\(label) is required", at: arg.location))
                }
                continue
            }
            if duplicated.contains(ExactString(arg.model.name)) || values.count > 1 {
                reasons.append(Reason(code: .duplicateArg, message: "\(label) is given more than once", at: arg.location))
                continue
            }
            switch ArgValidator.validate(first, against: arg, forbidden: model.forbiddenNamespaces, label: label) {
            case .valid(let value): argValues[ExactString(arg.model.name)] = value
            case .invalid(let code, let message): reasons.append(Reason(code: code, message: message, at: arg.location))
            }
        }
        var reportedUnknown = Set<ExactString>()
        for key in proposal.args.keys where !tool.declaredNames.contains(ExactString(key)) {
            guard reportedUnknown.insert(ExactString(key)).inserted else { continue }
            reasons.append(
                Reason(code: .unknownArg, message: "`\(name)` has no arg `\(key)`", at: tool.location))
        }

        // Step 4: context.
        var contextValues: [ExactString: RuntimeValue] = [:]
        var offending: [String] = []
        var contextLocation: String?
        let givenContext = proposal.context ?? JSONObject(entries: [])
        let contextDuplicates = Set(givenContext.duplicateKeys.map(ExactString.init))
        for key in context {
            let values = givenContext.values(forKey: key.model.name)
            let label = "`\(key.model.name)`"
            var problem: String?
            if let first = values.first {
                if values.count > 1 || contextDuplicates.contains(ExactString(key.model.name)) {
                    problem = "\(label) is given more than once"
                } else {
                    switch ArgValidator.validate(
                        first, against: key, forbidden: model.forbiddenNamespaces, label: label)
                    {
                    case .valid(let value): contextValues[ExactString(key.model.name)] = value
                    case .invalid(_, let message): problem = message
                    }
                }
            } else if let fallback = key.model.defaultValue {
                contextValues[ExactString(key.model.name)] = RuntimeValue(fallback)
            } else {
                problem = "\(label) is missing"
            }
            if let problem {
                offending.append(problem)
                if contextLocation == nil { contextLocation = key.location }
            }
        }
        var reportedContext = Set<ExactString>()
        for key in givenContext.keys where !contextNames.contains(ExactString(key)) {
            guard reportedContext.insert(ExactString(key)).inserted else { continue }
            offending.append("`\(key)` is not declared")
        }
        if !offending.isEmpty {
            reasons.append(
                Reason(
                    code: .invalidContext, message: "invalid context: " + offending.joined(separator: "; "),
                    at: contextLocation ?? firstPolicyLocation))
        }

        guard reasons.isEmpty else { return .deny(reasons) }

        // Step 5: rules in force, in bundle order.
        let environment = EvaluationEnvironment(
            args: argValues, toolName: name, toolEffect: effect, alert: proposal.alert, context: contextValues,
            session: proposal.session, now: proposal.at ?? Timestamp(seconds: 0))
        var requiredApprovers: [Int64] = []
        for index in tool.ruleIndices {
            let rule = rules[index]
            if case .runbook(let owner) = rule.model.owner {
                guard let runbook, owner.isExactly(runbook.name) else { continue }
            }
            let matched: Bool
            do throws(EvaluationFailure) {
                matched = try ExpressionEvaluator.boolValue(rule.model.condition, environment)
            } catch {
                reasons.append(
                    Reason(code: .evaluationError, message: "rule failed to evaluate: \(error.message)", at: rule.location))
                continue
            }
            guard matched else { continue }
            switch rule.model.action {
            case .deny(let message):
                reasons.append(
                    Reason(code: .rule, message: message ?? "denied by the rule at \(rule.location)", at: rule.location))
            case .requireApprovals(let count):
                requiredApprovers.append(count)
            }
        }
        guard reasons.isEmpty else { return .deny(reasons) }

        // Outcome.
        let approvers = Swift.max(runbook?.approval?.approvers ?? 1, requiredApprovers.max() ?? 1, 1)
        let approval = ApprovalRequirement(
            approvers: Int(clamping: approvers), timeout: model.effectiveApprovalTimeout(runbook: runbook?.name),
            channel: runbook?.approval?.channel)
        switch kind {
        case .remediation:
            switch elevationPlan(for: tool.model) {
            case .success(let plan): return .requireApproval(approval, elevation: plan, identity: nil)
            case .failure(let failure):
                return .deny([Reason(code: .evaluationError, message: failure.message, at: tool.location)])
            }
        case .toolCall:
            guard let standing = model.standingIdentity else {
                return .deny([
                    Reason(code: .evaluationError, message: "no identity with standing roles to run `\(name)`", at: tool.location)
                ])
            }
            if requiredApprovers.isEmpty { return .allow(identity: standing) }
            return .requireApproval(approval, elevation: nil, identity: standing)
        }
    }

    /// The elevation plan of a write tool: its `elevate` identity and role, the scope word of the
    /// identity's `eligible` line for that role, and min(tool `for`, policy `max_elevation`,
    /// identity `max_activation`).
    private func elevationPlan(for tool: ToolModel) -> Result<ElevationPlan, EvaluationFailure> {
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
