import ReinSemantics
import ReinSyntax

/// The fast path: a proposal read straight from its JSON tape, for the common case where every
/// check passes and no rule applies. It only ever *confirms* — it returns a decision when the
/// proposal is well formed, every step 1–4 check of LANGUAGE.md §5 passes and no rule is in
/// force for the tool, and nil for anything else (any doubt, any failure, any escape sequence in
/// a name or value, a `session.tools` list, an alert), which the full path then decides and
/// explains. It shares the full path's pieces — the tool/runbook tables, the name rules, the
/// pattern automata, the duration parser, `checkScope` and `outcome` — and tests hold the two
/// paths to the same bytes on every input they generate.
/// A decision the fast path confirmed, not yet rendered: the proposal's `id` as written (or its
/// line number) and the precomputed rest of the decision line.
struct FastDecision {
    enum ID {
        /// The `id` string's bytes, without escapes (so they are their own JSON rendering).
        case given(ArraySlice<UInt8>)
        case line(Int)
    }

    var id: ID
    var tool: CompiledPolicy.CompiledTool
    var kind: ProposalKind
    var scope: CompiledPolicy.Scope
    /// The decision after its `id`: `,"decision":…}` in one or two precomputed pieces.
    var rest: [UInt8]
    var restEnd: [UInt8]

    /// The rendered decision line (without `\n`): the same bytes ``DecisionEncoder`` writes.
    func append(to out: inout [UInt8]) {
        out += #"{"id":""#.utf8
        switch id {
        case .given(let bytes): out += bytes
        case .line(let number): out += String(number).utf8
        }
        out.append(0x22)
        out += rest
        out += restEnd
    }
}

extension CompiledPolicy {
    /// A fast decision as a ``Decision`` value.
    func decision(_ fast: FastDecision) -> Decision {
        let id: String
        switch fast.id {
        case .given(let bytes): id = String(decoding: bytes, as: UTF8.self)
        case .line(let number): id = String(number)
        }
        return Decision(id: id, verdict: outcome(fast.tool, kind: fast.kind, scope: fast.scope, requiredApprovers: []))
    }

    private typealias Key = ProposalDecoder.TopLevelKey

    /// The proposal kinds' UTF-8.
    private static let kinds: [(ProposalKind, [UInt8])] = ProposalKind.allCases.map { ($0, Array($0.rawValue.utf8)) }

    /// The decision of a proposal that passes every check with no rule in force, or nil.
    func fastDecision(_ tape: JSONTape, lineNumber: Int, options: DecisionOptions) -> FastDecision? {
        guard !options.explain, !options.sessionClosed, !options.approvalPending else { return nil }
        let nodes = tape.nodes
        guard let root = nodes.first, root.kind == .object else { return nil }

        // One pass over the top level: each known key once, spelled without escapes. (On the
        // stack: no allocation per line.)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: Key.allCases.count) { members in
            members.initialize(repeating: -1)
            var cursor = 1
            for _ in 0..<Int(root.count) {
                let key = nodes[cursor]
                let name = tape.rawBytes(of: cursor)
                guard !key.flag, let slot = Key(length: name.count, named: { ByteTable.equal(Key.spellings[$0.rawValue], name) }),
                    members[slot.rawValue] < 0
                else { return nil }
                members[slot.rawValue] = cursor + 1
                cursor = Int(nodes[cursor + 1].next)
            }
            return confirm(tape, members: members, lineNumber: lineNumber, options: options)
        }
    }

    /// The rest of ``fastDecision(_:lineNumber:options:)``, with each top-level key's value node.
    private func confirm(
        _ tape: JSONTape, members: UnsafeMutableBufferPointer<Int>, lineNumber: Int, options: DecisionOptions
    ) -> FastDecision? {
        let nodes = tape.nodes
        func member(_ key: Key) -> Int? { members[key.rawValue] < 0 ? nil : members[key.rawValue] }
        func plainString(_ index: Int) -> ArraySlice<UInt8>? {
            nodes[index].kind == .string && !nodes[index].flag ? tape.rawBytes(of: index) : nil
        }

        guard member(.alert) == nil else { return nil }
        guard let toolNode = member(.tool), let toolName = plainString(toolNode),
            let toolIndex = toolTable.index(of: toolName)
        else { return nil }
        let tool = toolList[toolIndex]
        guard let argsNode = member(.args), nodes[argsNode].kind == .object else { return nil }

        let id: FastDecision.ID
        if let node = member(.id) {
            guard let bytes = plainString(node) else { return nil }
            id = .given(bytes)
        } else {
            id = .line(lineNumber)
        }
        if let node = member(.thought), nodes[node].kind != .string { return nil }
        var kind: ProposalKind?
        if let node = member(.kind) {
            guard let bytes = plainString(node),
                let known = Self.kinds.first(where: { ByteTable.equal($0.1, bytes) })
            else { return nil }
            kind = known.0
        }
        if let node = member(.at) {
            guard let bytes = plainString(node), Timestamp(rfc3339: String(decoding: bytes, as: UTF8.self)) != nil
            else { return nil }
        }

        // Step 1 (the runbook decides the limit).
        var runbookIndex: Int?
        if let node = member(.runbook) {
            guard let bytes = plainString(node), let found = runbookTable.index(of: bytes) else { return nil }
            runbookIndex = found
        } else if let name = options.defaultRunbook {
            guard let found = self.runbookIndex(named: name) else { return nil }
            runbookIndex = found
        }
        let scope = runbookIndex.map { scopes[$0] } ?? policyOnly
        var iteration: Int64 = 0
        if let node = member(.session) {
            guard let value = sessionIteration(tape, node) else { return nil }
            iteration = value
        }
        guard iteration < scope.maxIterations else { return nil }

        // Step 3.
        let effect = tool.model.effect
        let resolvedKind = kind ?? (effect != .read ? .remediation : .toolCall)
        var reasons: [Reason] = []
        checkScope(tool, kind: resolvedKind, isWrite: effect != .read, scope: scope, reasons: &reasons)
        guard reasons.isEmpty else { return nil }

        // Step 4, then step 5: no rule may be in force for this tool here.
        guard argsPass(tape, object: argsNode, declared: tool.args),
            argsPass(tape, object: member(.context), declared: context),
            !tool.ruleIndices.contains(where: { rules[$0].runbookIndex == nil || rules[$0].runbookIndex == runbookIndex })
        else { return nil }
        // The outcome, from the templates; a bundle that cannot give one (no standing identity,
        // no elevation) is left to the full path, which fails closed.
        switch resolvedKind {
        case .toolCall:
            guard let allow = allowSuffix else { return nil }
            return FastDecision(id: id, tool: tool, kind: resolvedKind, scope: scope, rest: allow, restEnd: [])
        case .remediation:
            guard let elevation = tool.elevationSuffix else { return nil }
            return FastDecision(
                id: id, tool: tool, kind: resolvedKind, scope: scope, rest: scope.approvalPrefix, restEnd: elevation)
        }
    }

    /// `session.iteration` when the session holds only `iteration` and `denials`, integers ≥ 0,
    /// each at most once; nil for anything else (the full path reads it).
    private func sessionIteration(_ tape: JSONTape, _ index: Int) -> Int64? {
        let nodes = tape.nodes
        guard nodes[index].kind == .object else { return nil }
        var iteration: Int64?, denials: Int64?
        var key = index + 1
        for _ in 0..<Int(nodes[index].count) {
            let value = nodes[key + 1]
            guard !nodes[key].flag, value.kind == .integer, value.integer >= 0 else { return nil }
            let name = tape.rawBytes(of: key)
            if name.elementsEqual("iteration".utf8), iteration == nil {
                iteration = value.integer
            } else if name.elementsEqual("denials".utf8), denials == nil {
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
    /// constraints.
    private func argsPass(_ tape: JSONTape, object: Int?, declared: [CompiledArg]) -> Bool {
        // Which declared keys were seen, as bits (more than 64 declarations: the full path).
        guard declared.count <= 64 else { return false }
        let nodes = tape.nodes
        var seen: UInt64 = 0
        if let object {
            guard nodes[object].kind == .object else { return false }
            var key = object + 1
            for _ in 0..<Int(nodes[object].count) {
                guard !nodes[key].flag else { return false }
                let name = tape.rawBytes(of: key)
                guard let slot = declared.firstIndex(where: { ByteTable.equal($0.nameBytes, name) }) else { return false }
                let bit: UInt64 = 1 << UInt64(slot)
                guard seen & bit == 0, valuePasses(tape, key + 1, declared[slot]) else { return false }
                seen |= bit
                key = Int(nodes[key + 1].next)
            }
        }
        for (slot, arg) in declared.enumerated() where seen & (1 << UInt64(slot)) == 0 {
            guard arg.model.defaultValue != nil else { return false }
        }
        return true
    }

    /// One value against its declaration: the same rules as ``ArgValidator``, on the bytes.
    private func valuePasses(_ tape: JSONTape, _ index: Int, _ arg: CompiledArg) -> Bool {
        let node = tape.nodes[index]
        let model = arg.model
        switch model.type {
        case .int:
            guard node.kind == .integer else { return false }
            if case .int(let range)? = model.range { return range.contains(node.integer) }
            return true
        case .bool:
            return node.kind == .bool
        case .duration:
            guard node.kind == .string, !node.flag,
                case .success(let seconds) = NumberSyntax.duration(tape.rawBytes(of: index))
            else { return false }
            let duration = DurationValue(seconds: seconds)
            if case .duration(let range)? = model.range { return range.contains(duration) }
            return true
        case .string, .name, .namespace, .enumeration:
            guard node.kind == .string, !node.flag else { return false }
            let bytes = tape.rawBytes(of: index)
            switch model.type {
            case .enumeration: return arg.memberBytes.contains { ByteTable.equal($0, bytes) }
            case .name: return NameRules.isValidName(utf8: bytes)
            case .namespace:
                return NameRules.isValidNamespace(utf8: bytes) && !forbiddenBytes.contains { ByteTable.equal($0, bytes) }
            default:
                let scalars = String.scalarCount(utf8: bytes)
                if let length = model.length {
                    guard length.contains(Int64(scalars)) else { return false }
                } else if scalars > NameRules.defaultStringScalarCap {
                    return false
                }
                switch arg.pattern {
                case nil: return true
                case .success(let regex)?: return regex.wholeMatchIfASCII(utf8: bytes) ?? false
                case .failure?: return false
                }
            }
        }
    }
}
