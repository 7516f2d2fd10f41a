import ReinSemantics
import ReinSyntax

/// Host-supplied facts about the session a proposal belongs to (Grammar/README.md §13 step 1) and how
/// to decide it.
public struct DecisionOptions: Sendable, Hashable {
    /// The runbook for a proposal that names none (`rein eval --runbook`); nil: policy-only mode.
    public var defaultRunbook: String?
    /// The session has ended (`session_closed`).
    public var sessionClosed: Bool
    /// An approval is pending or a remediation is executing (`approval_pending`).
    public var approvalPending: Bool
    /// Record the trace of every check and rule evaluated (`--explain`).
    public var explain: Bool
    /// The proposals are the model's own words (`rein eval --agent-input`): one that carries a
    /// fact only the host knows (`runbook`, `context`, `session`, `alert`, `at`) is denied
    /// `malformed_proposal`. Set it whenever the JSON comes from the model; without it, the
    /// model could write its own session state or context and slip past the rules that read them.
    public var agentInput: Bool
    /// The host's facts for every proposal decided with these options (see ``HostFacts``); a
    /// proposal that gives one of them too is `malformed_proposal`.
    public var host: HostFacts

    public init(
        defaultRunbook: String? = nil, sessionClosed: Bool = false, approvalPending: Bool = false,
        explain: Bool = false, agentInput: Bool = false, host: HostFacts = HostFacts()
    ) {
        self.defaultRunbook = defaultRunbook
        self.sessionClosed = sessionClosed
        self.approvalPending = approvalPending
        self.explain = explain
        self.agentInput = agentInput
        self.host = host
    }
}

extension CompiledPolicy {
    /// Decodes one batch line (docs/FORMATS.md §1; `bytes` without its `\n`, `lineNumber` 1-based) and
    /// decides it: a malformed line is denied with `malformed_proposal` alone.
    public func decide(line bytes: [UInt8], lineNumber: Int, options: DecisionOptions = DecisionOptions()) -> Decision {
        var scratch = JSONTape()
        return decide(line: bytes, lineNumber: lineNumber, options: options, scratch: &scratch)
    }

    /// ``decide(line:lineNumber:options:)`` reusing `scratch` for the parsed line, so that a
    /// caller deciding a stream allocates no parse storage per line. A proposal that passes
    /// every check with no rule in force is confirmed straight from the parsed bytes; every
    /// other one is decoded and decided in full.
    public func decide(
        line bytes: [UInt8], lineNumber: Int, options: DecisionOptions = DecisionOptions(), scratch: inout JSONTape
    ) -> Decision {
        if let malformed = ProposalDecoder.parse(line: bytes, lineNumber: lineNumber, into: &scratch) {
            return decide(malformed: malformed, explain: options.explain)
        }
        if let fast = fastDecision(scratch, lineNumber: lineNumber, options: options) { return decision(fast, tape: scratch) }
        return decideInFull(scratch, lineNumber: lineNumber, options: options)
    }

    /// Decides one line and appends its decision line (with `\n`) to `out`, as
    /// ``DecisionEncoder`` renders ``decide(line:lineNumber:options:scratch:)``'s decision;
    /// returns true for a deny. The batch path: a decision the fast path confirms is written
    /// from precomputed templates. `range` (default: all of `bytes`) is the line within a
    /// larger block of input, read in place.
    public func decideLine(
        _ bytes: [UInt8], range: Range<Int>? = nil, lineNumber: Int, options: DecisionOptions = DecisionOptions(),
        scratch: inout JSONTape, appendingTo out: inout [UInt8]
    ) -> Bool {
        let decision: Decision
        if let malformed = ProposalDecoder.parse(line: bytes, range: range, lineNumber: lineNumber, into: &scratch) {
            decision = decide(malformed: malformed, explain: options.explain)
        } else if let fast = fastDecision(scratch, lineNumber: lineNumber, options: options) {
            append(fast, tape: scratch, to: &out)
            out.append(0x0A)
            return fast.isDenied
        } else {
            decision = decideInFull(scratch, lineNumber: lineNumber, options: options)
        }
        DecisionEncoder.append(decision, to: &out)
        out.append(0x0A)
        if case .deny = decision.verdict { return true }
        return false
    }

    /// The full path for a parsed line (also what tests compare the fast path with).
    func decideInFull(_ tape: JSONTape, lineNumber: Int, options: DecisionOptions) -> Decision {
        switch ProposalDecoder.decode(tape.value(at: 0), lineNumber: lineNumber, agentInput: options.agentInput, host: options.host) {
        case .success(let proposal): decide(proposal, options: options)
        case .failure(let malformed): decide(malformed: malformed, explain: options.explain)
        }
    }

    /// A proposal that is not well formed: deny with `malformed_proposal` alone.
    public func decide(malformed: MalformedProposal, explain: Bool = false) -> Decision {
        let reason = Reason(code: .malformedProposal, message: malformed.message)
        let trace = explain ? [TraceEntry(check: "proposal", result: "fail: malformed_proposal")] : nil
        return Decision(id: malformed.id, verdict: .deny([reason]), trace: trace)
    }

    /// Decides one well-formed proposal (Grammar/README.md §13), collecting every reason in order.
    public func decide(_ proposal: Proposal, options: DecisionOptions = DecisionOptions()) -> Decision {
        var trace = TraceRecorder(enabled: options.explain)
        let verdict = verdict(proposal, options: options, trace: &trace).verdict
        if trace.isEnabled {
            trace.record("decision", at: nil, Self.describe(verdict))
        }
        return Decision(id: proposal.id, verdict: verdict, trace: trace.entries)
    }

    /// The verdict, and the validated args with defaults filled (complete when `keepingArgs`
    /// and the args passed; otherwise only what rules needed).
    func verdict(
        _ proposal: Proposal, options: DecisionOptions, trace: inout TraceRecorder, keepingArgs: Bool = false
    ) -> (verdict: Verdict, args: ValueTable) {
        var args = ValueTable()
        let verdict = verdict(proposal, options: options, trace: &trace, keepingArgs: keepingArgs, args: &args)
        return (verdict, args)
    }

    private func verdict(
        _ proposal: Proposal, options: DecisionOptions, trace: inout TraceRecorder, keepingArgs: Bool,
        args argValues: inout ValueTable
    ) -> Verdict {
        var reasons: [Reason] = []
        let runbookName = proposal.runbook ?? options.defaultRunbook
        let runbookIndex = runbookName.flatMap { self.runbookIndex(named: $0) }
        let scope = scope(at: scopeIndex(of: runbookIndex))

        // Step 1.
        if options.sessionClosed {
            reasons.append(Reason(code: .sessionClosed, message: "the session has ended", at: scope.location))
        }
        if options.approvalPending {
            reasons.append(
                Reason(
                    code: .approvalPending, message: "an approval is pending or a remediation is executing",
                    at: scope.location))
        }
        trace.record(
            "session", at: scope.location,
            options.sessionClosed || options.approvalPending
                ? "fail: " + [options.sessionClosed ? "closed" : nil, options.approvalPending ? "approval pending" : nil]
                    .compactMap { $0 }.joined(separator: ", ")
                : "pass: open")
        let iteration = proposal.session.iteration
        if iteration >= scope.maxIterations {
            reasons.append(
                Reason(
                    code: .iterationLimit, message: "iteration \(iteration) reaches max_iterations \(scope.maxIterations)",
                    at: scope.maxIterationsLocation))
        }
        trace.record(
            "max_iterations \(scope.maxIterations)", at: scope.maxIterationsLocation,
            iteration >= scope.maxIterations ? "fail: iteration \(iteration)" : "pass: iteration \(iteration)")

        // Step 2.
        var unknownRunbook = false
        if let runbookName, runbookIndex == nil {
            reasons.append(Reason(code: .unknownRunbook, message: "runbook `\(runbookName)` is not declared"))
            unknownRunbook = true
        }
        trace.record(
            "runbook", at: scope.location,
            runbookName.map { unknownRunbook ? "fail: `\($0)` is not declared" : "pass: `\($0)`" }
                ?? "pass: policy-only mode")
        guard let toolIndex = toolIndex(named: proposal.tool) else {
            reasons.append(Self.unknownTool(proposal.tool))
            trace.record("tool", at: nil, "fail: `\(proposal.tool)` is not declared")
            return .deny(reasons)
        }
        let tool = toolList[toolIndex]
        let name = tool.model.name
        let effect = tool.model.effect
        trace.record("tool", at: tool.location, "pass: `\(name)` (\(effect?.rawValue ?? "no effect"))")
        if unknownRunbook { return .deny(reasons) }

        // Step 3.
        let isWrite = effect != .read  // a tool without an effect (broken bundle) counts as write
        let kind = proposal.kind ?? (isWrite ? .remediation : .toolCall)
        let before = reasons.count
        checkScope(
            tool, index: toolIndex, kind: kind, scope: scope, scopeIndex: scopeIndex(of: runbookIndex), reasons: &reasons)
        trace.record(
            kind == .remediation ? "remediation" : "tool call", at: reasons.count > before ? reasons.last?.at : scope.location,
            reasons.count > before
                ? "fail: \(reasons.last?.code.rawValue ?? "")"
                : "pass: " + (scope.model.map { "in the \(kind == .remediation ? "remediate" : "investigate") list of `\($0.name)`" }
                    ?? "policy-only mode"))

        // Step 4.
        argValues = checkArgs(proposal.args, of: tool, reasons: &reasons, trace: &trace, keepingValues: keepingArgs)
        let contextValues = checkContext(proposal.context, reasons: &reasons, trace: &trace)
        guard reasons.isEmpty else {
            trace.record("rules", at: nil, "not evaluated: steps 1-4 gave \(reasons.count == 1 ? "a reason" : "reasons")")
            return .deny(reasons)
        }

        // Step 5.
        let environment = EvaluationEnvironment(
            args: argValues, toolName: name, toolEffect: effect, alert: proposal.alert, context: contextValues,
            session: proposal.session, now: proposal.at ?? Timestamp(seconds: 0))
        let required = evaluateRules(
            for: tool, runbookIndex: runbookIndex, scope: scope, environment, reasons: &reasons, trace: &trace)
        guard reasons.isEmpty else { return .deny(reasons) }
        return outcome(tool, kind: kind, scope: scope, requiredApprovers: required)
    }

    /// Step 2's reason for a tool the bundle does not declare.
    static func unknownTool(_ name: String) -> Reason {
        Reason(code: .unknownTool, message: "tool `\(name)` is not declared")
    }

    /// Step 3: a write tool as a plain call, or a tool outside the runbook's lists.
    func checkScope(
        _ tool: CompiledTool, index: Int, kind: ProposalKind, scope: Scope, scopeIndex: Int, reasons: inout [Reason]
    ) {
        let effect = tool.model.effect
        guard !inScope(toolIndex: index, effect: effect, kind: kind, scopeIndex: scopeIndex) else { return }
        // Out of scope: say why (one reason, whichever the predicate's failure was).
        let name = tool.model.name
        let runbook = scope.model?.name ?? ""
        switch kind {
        case .toolCall where effect != .read:
            reasons.append(
                Reason(
                    code: .writeNeedsRemediation, message: "`\(name)` is a write tool: propose it as a remediation",
                    at: tool.location))
        case .toolCall:
            reasons.append(
                Reason(
                    code: .notInRunbook, message: "`\(name)` is not in the investigate list of `\(runbook)`",
                    at: scope.location))
        case .remediation where effect != .write:
            reasons.append(
                Reason(
                    code: .notInRunbook, message: "`\(name)` is a read tool: it cannot be a remediation",
                    at: scope.location ?? tool.location))
        case .remediation:
            reasons.append(
                Reason(
                    code: .notInRunbook, message: "`\(name)` is not in the remediate list of `\(runbook)`",
                    at: scope.location))
        }
    }

    /// Step 5: every rule in force for this tool, in bundle order. Returns the approver counts
    /// of the matching `require approvals` rules.
    private func evaluateRules(
        for tool: CompiledTool, runbookIndex: Int?, scope: Scope, _ environment: EvaluationEnvironment,
        reasons: inout [Reason], trace: inout TraceRecorder
    ) -> [Int64] {
        var required: [Int64] = []
        // Tracing walks every rule in force, to say why the others did not apply; deciding
        // walks only the tool's own list. Both lists are in bundle order.
        let walk = trace.isEnabled ? scope.ruleIndices : tool.ruleIndices
        var applicable = tool.ruleIndices[...]
        for index in walk {
            let rule = rules[index]
            while let next = applicable.first, next < index { applicable = applicable.dropFirst() }
            guard applicable.first == index else {
                trace.record(
                    "rule `\(rule.summary)`", at: rule.location,
                    "not applicable: " + (rule.model.inapplicability(to: tool.model) ?? "out of scope"))
                continue
            }
            if let owner = rule.runbookIndex, owner != runbookIndex { continue }
            let matched: Bool
            do throws(EvaluationFailure) {
                matched = try ExpressionEvaluator.boolValue(rule.model.condition, environment)
            } catch {
                reasons.append(
                    Reason(code: .evaluationError, message: "rule failed to evaluate: \(error.message)", at: rule.location))
                trace.record("rule `\(rule.summary)`", at: rule.location, "error: \(error.message)")
                continue
            }
            trace.record("rule `\(rule.summary)`", at: rule.location, matched ? "match" : "no match")
            guard matched else { continue }
            switch rule.model.action {
            case .deny(let message):
                reasons.append(
                    Reason(code: .rule, message: message ?? "denied by the rule at \(rule.location)", at: rule.location))
            case .requireApprovals(let count):
                required.append(count)
            }
        }
        return required
    }

    /// The verdict once no reason was found.
    func outcome(_ tool: CompiledTool, kind: ProposalKind, scope: Scope, requiredApprovers: [Int64]) -> Verdict {
        let approval = scope.approval(requiredApprovers: requiredApprovers)
        switch kind {
        case .remediation:
            switch tool.elevation {
            case .success(let plan): return .requireApproval(approval, elevation: plan, identity: nil)
            case .failure(let failure):
                return .deny([Reason(code: .evaluationError, message: failure.message, at: tool.location)])
            }
        case .toolCall:
            guard let standing = model.standingIdentity else {
                return .deny([
                    Reason(
                        code: .evaluationError, message: "no identity with standing roles to run `\(tool.model.name)`",
                        at: tool.location)
                ])
            }
            if requiredApprovers.isEmpty { return .allow(identity: standing) }
            return .requireApproval(approval, elevation: nil, identity: standing)
        }
    }

    private static func describe(_ verdict: Verdict) -> String {
        switch verdict {
        case .allow(let identity): "allow as `\(identity)`"
        case .deny(let reasons): "deny: " + reasons.map(\.code.rawValue).joined(separator: ", ")
        case .requireApproval(let approval, let elevation, _):
            "require_approval: \(approval.approvers) approver\(approval.approvers == 1 ? "" : "s") within \(approval.timeout.iso8601)"
                + (elevation.map { ", elevate `\($0.identity)` to \"\($0.role)\" for \($0.duration.iso8601)" } ?? "")
        }
    }
}
