import ReinSemantics
import ReinSyntax

/// The fast path: a proposal read straight from its JSON tape, for the common cases. When the
/// proposal is plainly well formed and steps 1–2 of Grammar/README.md §13 pass (no session flag, the
/// iteration under the limit, a known runbook), it decides: an unknown tool is denied; a known
/// one whose step 3–4 checks all pass, with no rule in force for it, is confirmed from
/// per-bundle templates; one that fails a step 3–4 check is denied with the reasons of the full
/// path's own `checkScope`, `checkArgs` and `checkContext`, reading the objects in place. It
/// returns nil for anything else (any doubt, an escape sequence in a key or a name, a
/// `session.tools` list, an alert, a rule to evaluate, `--explain`), which the full path then
/// decides. It shares the full path's pieces — the tool/runbook tables, the name rules, the
/// pattern automata, the duration parser, the step 3–4 checks and `outcome` — and tests hold
/// the two paths to the same bytes on every input they generate.
/// A decision the fast path reached, not yet rendered: the proposal's `id` as written (or its
/// line number) and either what picks the rest of the line from the bundle's templates (every
/// check passed) or the reasons of a deny.
struct FastDecision {
    enum ID {
        /// The `id` string's bytes in the tape, without escapes (so they are their own JSON
        /// rendering).
        case given(Range<Int>)
        case line(Int)
    }

    enum Outcome {
        case confirmed(toolIndex: Int, kind: ProposalKind, scopeIndex: Int)
        case denied([Reason])
    }

    var id: ID
    var outcome: Outcome

    var isDenied: Bool {
        if case .denied = outcome { return true }
        return false
    }

    /// The `id` as a string (`tape` is the one the decision was read from).
    func idString(_ tape: JSONTape) -> String {
        switch id {
        case .given(let range): String(decoding: tape.bytes[range], as: UTF8.self)
        case .line(let number): String(number)
        }
    }
}

extension CompiledPolicy {
    /// A fast decision as a ``Decision`` value (`tape` is the one it was read from).
    func decision(_ fast: FastDecision, tape: JSONTape) -> Decision {
        switch fast.outcome {
        case .confirmed(let toolIndex, let kind, let scopeIndex):
            return Decision(
                id: fast.idString(tape),
                verdict: outcome(toolList[toolIndex], kind: kind, scope: scope(at: scopeIndex), requiredApprovers: []))
        case .denied(let reasons):
            return Decision(id: fast.idString(tape), verdict: .deny(reasons))
        }
    }

    /// The rendered decision line (without `\n`): the same bytes ``DecisionEncoder`` writes for
    /// ``decision(_:tape:)``.
    func append(_ fast: FastDecision, tape: JSONTape, to out: inout [UInt8]) {
        guard case .confirmed(let toolIndex, let kind, let scopeIndex) = fast.outcome else {
            return DecisionEncoder.append(decision(fast, tape: tape), to: &out)
        }
        out += #"{"id":""#.utf8
        switch fast.id {
        case .given(let range): out += tape.bytes[range]
        case .line(let number): out += String(number).utf8
        }
        out.append(0x22)
        switch kind {
        case .toolCall:
            if let allow = templates.allow { templates.append(allow, to: &out) }
        case .remediation:
            templates.append(templates.approval[scopeIndex], to: &out)
            if let elevation = templates.elevation[toolIndex] { templates.append(elevation, to: &out) }
        }
    }

    private typealias Key = ProposalDecoder.TopLevelKey

    /// The decision of a proposal the fast path can decide (see above), or nil.
    ///
    /// The tape is read through spans (bounds-checked views that count no references), so that
    /// a line costs no reference counting until a reason has to be written.
    func fastDecision(_ tape: JSONTape, lineNumber: Int, options: DecisionOptions) -> FastDecision? {
        guard !options.explain, !options.sessionClosed, !options.approvalPending, options.host.isEmpty else { return nil }
        let bytes = tape.bytes.span
        let nodes = tape.nodes.span
        guard !nodes.isEmpty, nodes[0].kind == .object else { return nil }

        // One pass over the top level: each known key once, spelled without escapes. (On the
        // stack: no allocation per line.)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: Key.allCases.count) { members in
            members.initialize(repeating: -1)
            var cursor = 1
            for _ in 0..<Int(nodes[0].count) {
                let key = nodes[cursor]
                let name = bytes.extracting(Self.range(of: key))
                guard !key.flag, let slot = Key(length: name.count, named: { $0.isSpelled(name) }),
                    members[slot.rawValue] < 0
                else { return nil }
                members[slot.rawValue] = cursor + 1
                cursor = Int(nodes[cursor + 1].next)
            }
            // The model may not write a host fact: the full path says why.
            if options.agentInput, Key.allCases.contains(where: { $0.isHostFact && members[$0.rawValue] >= 0 }) {
                return nil
            }
            return confirm(tape, bytes, nodes, members: members, lineNumber: lineNumber, options: options)
        }
    }

    /// The content range of a string node without escapes, else nil.
    private static func plainString(_ node: JSONTape.Node) -> Range<Int>? {
        node.kind == .string && !node.flag ? range(of: node) : nil
    }

    /// The content range of a string node (or the literal of a number).
    private static func range(of node: JSONTape.Node) -> Range<Int> {
        Int(node.start)..<Swift.max(Int(node.start), Int(node.end))
    }

    /// The rest of ``fastDecision(_:lineNumber:options:)``, with each top-level key's value node.
    private func confirm(
        _ tape: JSONTape, _ bytes: Span<UInt8>, _ nodes: Span<JSONTape.Node>, members: UnsafeMutableBufferPointer<Int>,
        lineNumber: Int, options: DecisionOptions
    ) -> FastDecision? {
        // (No local function reads a span: a closure capturing one crashes the 6.3 optimizer.)
        func member(_ key: Key) -> Int? { members[key.rawValue] < 0 ? nil : members[key.rawValue] }

        // The shape: anything the decoder could call malformed, or that needs the full
        // evaluation (an alert, a session with tools), goes the full way.
        guard member(.alert) == nil,
            let toolNode = member(.tool), let toolName = Self.plainString(nodes[toolNode]),
            let argsNode = member(.args), nodes[argsNode].kind == .object
        else { return nil }
        let contextNode = member(.context)
        if let node = contextNode, nodes[node].kind != .object { return nil }
        let id: FastDecision.ID
        if let node = member(.id) {
            guard let range = Self.plainString(nodes[node]) else { return nil }
            id = .given(range)
        } else {
            id = .line(lineNumber)
        }
        if let node = member(.thought), nodes[node].kind != .string { return nil }
        var kind: ProposalKind?
        if let node = member(.kind) {
            guard let range = Self.plainString(nodes[node]) else { return nil }
            let text = bytes.extracting(range)
            if text.spells(ProposalKind.toolCall.rawValue) {
                kind = .toolCall
            } else if text.spells(ProposalKind.remediation.rawValue) {
                kind = .remediation
            } else {
                return nil
            }
        }
        if let node = member(.at) {
            guard Self.plainString(nodes[node]) != nil, Timestamp(rfc3339: tape.string(at: node)) != nil else { return nil }
        }

        // Step 1 (the runbook decides the limit).
        var runbookIndex: Int?
        if let node = member(.runbook) {
            guard let range = Self.plainString(nodes[node]), let found = runbookTable.index(of: bytes.extracting(range)) else {
                return nil
            }
            runbookIndex = found
        } else if let name = options.defaultRunbook {
            guard let found = self.runbookIndex(named: name) else { return nil }
            runbookIndex = found
        }
        let scopeIndex = scopeIndex(of: runbookIndex)
        var iteration: Int64 = 0
        if let node = member(.session) {
            guard let value = sessionIteration(bytes, nodes, node) else { return nil }
            iteration = value
        }
        guard iteration < scopeFacts[scopeIndex].maxIterations else { return nil }

        // Step 2.
        guard let toolIndex = toolTable.index(of: bytes.extracting(toolName)) else {
            return FastDecision(id: id, outcome: .denied([Self.unknownTool(tape.string(at: toolNode))]))
        }
        let tool = toolList[toolIndex]

        // Steps 3 and 4, then step 5: no rule may be in force for this tool here.
        let effect = tool.model.effect
        let resolvedKind = kind ?? (effect != .read ? .remediation : .toolCall)
        let scopePasses = inScope(toolIndex: toolIndex, effect: effect, kind: resolvedKind, scopeIndex: scopeIndex)
        let argsPasses = argsPass(
            bytes, nodes, object: argsNode, names: tool.argNames, checks: tool.argChecks, declared: tool.args)
        let contextPasses = argsPass(
            bytes, nodes, object: contextNode, names: contextNames, checks: contextChecks, declared: context)
        if scopePasses && argsPasses && contextPasses {
            guard !tool.ruleOwners.contains(where: { $0 == nil || $0 == runbookIndex }) else { return nil }
            // A bundle that cannot give the outcome (no standing identity, no elevation) is left
            // to the full path, which fails closed.
            switch resolvedKind {
            case .toolCall: guard templates.allow != nil else { return nil }
            case .remediation: guard templates.elevation[toolIndex] != nil else { return nil }
            }
            return FastDecision(
                id: id, outcome: .confirmed(toolIndex: toolIndex, kind: resolvedKind, scopeIndex: scopeIndex))
        }

        // A check failed: the reasons, from the full path's own step 3 and 4 functions reading
        // the objects in place. A part whose quick check passed has no reason to give (the quick
        // checks are the stricter ones), so only the failing parts are read again. (No reason
        // found: a quick check failed on what the full checks accept — an escaped key, over 64
        // args — and the full path decides.)
        var reasons: [Reason] = []
        var trace = TraceRecorder(enabled: false)
        if !scopePasses {
            checkScope(
                tool, index: toolIndex, kind: resolvedKind, scope: scope(at: scopeIndex), scopeIndex: scopeIndex,
                reasons: &reasons)
        }
        if !argsPasses {
            _ = checkArgs(TapeMembers(tape, object: argsNode), of: tool, reasons: &reasons, trace: &trace)
        }
        if !contextPasses {
            _ = checkContext(contextNode.map { TapeMembers(tape, object: $0) }, reasons: &reasons, trace: &trace)
        }
        guard !reasons.isEmpty else { return nil }
        return FastDecision(id: id, outcome: .denied(reasons))
    }

    /// `session.iteration` when the session holds only `iteration` and `denials`, integers ≥ 0,
    /// each at most once; nil for anything else (the full path reads it).
    private func sessionIteration(_ bytes: Span<UInt8>, _ nodes: Span<JSONTape.Node>, _ index: Int) -> Int64? {
        guard nodes[index].kind == .object else { return nil }
        var iteration: Int64?, denials: Int64?
        var key = index + 1
        for _ in 0..<Int(nodes[index].count) {
            let value = nodes[key + 1]
            guard !nodes[key].flag, value.kind == .integer, value.integer >= 0 else { return nil }
            let name = bytes.extracting(Self.range(of: nodes[key]))
            if name.spells("iteration"), iteration == nil {
                iteration = value.integer
            } else if name.spells("denials"), denials == nil {
                denials = value.integer
            } else {
                return nil
            }
            key = Int(value.next)
        }
        return iteration ?? 0
    }

    /// True when the object (args or context; nil: absent) holds each declared key at most once,
    /// no other key, every key without a default, and every value passes its type and
    /// constraints. `names`, `checks` and `declared` are the same declarations.
    private func argsPass(
        _ bytes: Span<UInt8>, _ nodes: Span<JSONTape.Node>, object: Int?, names: NameList, checks: [ArgCheck],
        declared: [CompiledArg]
    ) -> Bool {
        // Which declared keys were seen, as bits (more than 64 declarations: the full path).
        guard checks.count <= 64 else { return false }
        var seen: UInt64 = 0
        if let object {
            guard nodes[object].kind == .object else { return false }
            var key = object + 1
            for _ in 0..<Int(nodes[object].count) {
                guard !nodes[key].flag, let slot = names.index(of: bytes.extracting(Self.range(of: nodes[key]))) else {
                    return false
                }
                let bit: UInt64 = 1 << UInt64(slot)
                guard seen & bit == 0, valuePasses(bytes, nodes[key + 1], checks[slot], declared: declared, slot: slot)
                else { return false }
                seen |= bit
                key = Int(nodes[key + 1].next)
            }
        }
        for (slot, check) in checks.enumerated() where seen & (1 << UInt64(slot)) == 0 {
            guard check.hasDefault else { return false }
        }
        return true
    }

    /// One value against its declaration: the same rules as ``ArgValidator``, on the bytes.
    /// `declared[slot]` is read only for what plain values do not hold (members, pattern).
    private func valuePasses(
        _ bytes: Span<UInt8>, _ node: JSONTape.Node, _ check: ArgCheck, declared: [CompiledArg], slot: Int
    ) -> Bool {
        switch check.kind {
        case .int:
            guard node.kind == .integer else { return false }
            return check.bounds?.contains(node.integer) ?? true
        case .bool:
            return node.kind == .bool
        case .duration:
            guard node.kind == .string, !node.flag,
                case .success(let seconds) = NumberSyntax.duration(bytes.extracting(Self.range(of: node)))
            else { return false }
            return check.bounds?.contains(seconds) ?? true
        case .string, .name, .namespace, .enumeration:
            guard node.kind == .string, !node.flag else { return false }
            let text = bytes.extracting(Self.range(of: node))
            switch check.kind {
            case .enumeration: return declared[slot].memberBytes.contains { text.spells($0) }
            case .name: return NameRules.isValidName(utf8: text)
            case .namespace: return NameRules.isValidNamespace(utf8: text) && forbidden.index(of: text) == nil
            default:
                guard check.length.contains(Int64(String.scalarCount(utf8: text))) else { return false }
                return declared[slot].patternAccepts(asciiText: text)
            }
        }
    }
}
