/// Generates random bundles that must check clean (a checker error is a generator bug), and
/// random valid values of a type.
enum PropValues {
    static let standingRoles = [
        "Reader", "Monitoring Reader", "Log Analytics Reader", "Azure Kubernetes Service Cluster User Role",
        "Azure Kubernetes Service RBAC Reader",
    ]
    static let eligibleRoles = [
        "Contributor", "Azure Kubernetes Service Cluster Admin Role", "Azure Kubernetes Service RBAC Admin",
        "Azure Kubernetes Service RBAC Writer", "Azure Kubernetes Service RBAC Cluster Admin",
    ]
    static let scopes = ["subscription", "resource_group", "resource"]
    static let forbiddenPool = [
        "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "istio-system", "prod-db", "0", "a1",
        "x", "payments-prod",
    ]
    static let enumPool = ["gold", "silver", "bronze", "a-b", "x y", "café", "Ünï", "1", "GOLD", "prod", "staging", "dev", "ß", "😀"]
    static let argNamePool = [
        "namespace", "target", "replicas", "limit", "lookback", "label", "note", "tier", "verbose", "level", "mode",
        "window", "code", "zone", "size", "flag",
    ]
    /// Scalars for free strings: ASCII, escapes, controls, combining marks, astral scalars,
    /// multi-scalar graphemes (each entry is appended whole; its scalars are what counts).
    static let stringPieces: [String] = [
        "a", "b", "z", "Q", "0", "7", " ", "-", "_", ".", "/", "\"", "\\", "\n", "\t", "\r", "\u{1}", "\u{0}", "é",
        "e\u{301}", "😀", "👍🏽", "🇫🇷", "\u{FEFF}", "\u{2028}", "漢", "\u{7F}", "ﬁ", "К", "{", "}", "'",
    ]

    static func label(_ r: inout PropRandom, length: Int) -> String {
        let alnum = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        if length == 1 { return String(r.pick(alnum)) }
        var s = String(r.pick(alnum))
        for _ in 0..<(length - 2) { s.append(r.chance(0.15) ? "-" : r.pick(alnum)) }
        s.append(r.pick(alnum))
        return s
    }

    /// A valid RFC 1123 label, ≤ 63, not forbidden.
    static func namespace(_ r: inout PropRandom, forbidden: Set<String>) -> String {
        while true {
            let n = r.chance(0.1) ? 63 : r.int(1...15)
            let s = label(&r, length: n)
            if !forbidden.contains(s) { return s }
        }
    }

    /// A valid RFC 1123 subdomain, ≤ 253 (labels may exceed 63: Kubernetes has no per-label cap).
    static func name(_ r: inout PropRandom) -> String {
        switch r.int(0...9) {
        case 0:  // exactly 253 scalars, with dots
            var s = label(&r, length: 100) + "." + label(&r, length: 100) + "."
            s += label(&r, length: 253 - s.count)
            return s
        case 1: return label(&r, length: r.int(64...120))  // one long label: valid for `name`
        default:
            return (0..<r.int(1...3)).map { _ in label(&r, length: r.int(1...12)) }.joined(separator: ".")
        }
    }

    static func freeString(_ r: inout PropRandom, scalars: Int) -> String {
        var out = ""
        var count = 0
        while count < scalars {
            var piece = r.pick(stringPieces)
            if count + piece.unicodeScalars.count > scalars { piece = r.pick(["a", "é", "😀", "\n", "\""]) }
            out += piece
            count += piece.unicodeScalars.count
        }
        return out
    }

    /// Any int in `range`, favouring the bounds.
    static func int(_ r: inout PropRandom, _ range: ClosedRange<Int64>?) -> Int64 {
        guard let range else { return r.pick([0, 1, -1, .max, .min, r.int64(-1_000...1_000), Int64(bitPattern: r.next())]) }
        var choices = [range.lowerBound, range.upperBound, r.int64(range)]
        if range.contains(0) { choices.append(0) }
        return r.pick(choices)
    }

    static func duration(_ r: inout PropRandom, _ range: ClosedRange<Int64>?) -> Int64 {
        guard let range else { return r.pick([0, 1, 60, 3_600, 86_400, r.int64(0...1_000_000)]) }
        return r.pick([range.lowerBound, range.upperBound, r.int64(range)])
    }

    /// A valid value of the type, or nil when none was found (a pattern the length forbids).
    static func valid(_ r: inout PropRandom, _ type: PropType, forbidden: Set<String>) -> PropValue? {
        switch type {
        case .int(let range): return .int(int(&r, range))
        case .duration(let range): return .duration(duration(&r, range))
        case .bool: return .bool(r.chance(0.5))
        case .name: return .string(name(&r))
        case .namespace: return .string(namespace(&r, forbidden: forbidden))
        case .enumeration(let members): return .string(r.pick(members))
        case .string(let len, let pattern):
            for _ in 0..<40 {
                let target: Int
                if let len {
                    target = r.int(len.lowerBound...min(len.upperBound, len.lowerBound + 40))
                } else {
                    target = r.chance(0.05) ? 1_024 : r.int(0...20)
                }
                let s = pattern.map { $0.sample(&r, length: target) } ?? freeString(&r, scalars: target)
                if PropOracle.stringOK(s, len: len, pattern: pattern) { return .string(s) }
            }
            return nil
        }
    }
}

enum PropBundleGenerator {
    static func type(_ r: inout PropRandom, write: Bool, forbidden: Set<String>) -> PropType {
        switch r.int(0...10) {
        case 0, 1:
            if !write && r.chance(0.2) { return .int(nil) }
            switch r.int(0...5) {
            case 0: return .int(Int64.min...Int64.max)
            case 1: return .int(Int64.min...r.int64(-5...5))
            case 2: return .int(r.int64(-5...5)...Int64.max)
            case 3: let v = r.int64(-100...100); return .int(v...v)
            case 4: let lo = r.int64(-30...(-1)); return .int(lo...(lo + r.int64(0...20)))
            default: let lo = r.int64(-20...20); return .int(lo...(lo + r.int64(0...50)))
            }
        case 2:
            if !write && r.chance(0.2) { return .duration(nil) }
            let lo = r.pick([Int64(0), 1, 30, 60, 300, 3_600])
            return .duration(lo...(lo + r.pick([Int64(0), 1, 59, 90, 3_600, 86_400, 86_400 * 30])))
        case 3: return .bool
        case 4, 5:
            let pattern: PropPattern? = r.chance(0.6) ? r.pick(PropPattern.allCases) : nil
            var len: ClosedRange<Int>? = nil
            if r.chance(0.6) || (write && pattern == nil) {
                if let pattern {
                    let witness = pattern.sample(&r, length: r.int(0...8)).unicodeScalars.count
                    let lo = max(0, witness - r.int(0...3))
                    len = lo...(witness + r.int(0...5))
                } else {
                    let lo = r.pick([0, 0, 1, 3, 5])
                    len = lo...(lo + r.pick([0, 1, 4, 10, 100, 2_000]))
                }
            }
            return .string(len: len, pattern: pattern)
        case 6: return .name
        case 7, 8: return .namespace
        default:
            return .enumeration(r.sample(PropValues.enumPool, r.int(1...4)))
        }
    }

    static func bundle(_ r: inout PropRandom) -> PropBundle {
        var b = PropBundle()

        // Identities: one standing (read-only roles), one or two with PIM eligibilities.
        func guid(_ r: inout PropRandom) -> String {
            let hex = Array("0123456789abcdef")
            return [8, 4, 4, 4, 12].map { n in String((0..<n).map { _ in r.pick(hex) }) }.joined(separator: "-")
        }
        b.identities.append(
            PropIdentity(
                name: "observer", standingRoles: r.sample(PropValues.standingRoles, r.int(1...3)),
                principal: r.chance(0.5) ? guid(&r) : nil, eligible: [], maxActivation: nil))
        for i in 0..<r.int(1...2) {
            let roles = r.sample(PropValues.eligibleRoles, r.int(1...3))
            b.identities.append(
                PropIdentity(
                    name: "fixer\(i)", standingRoles: [], principal: guid(&r),
                    eligible: roles.map { ($0, r.pick(PropValues.scopes)) },
                    maxActivation: r.chance(0.5) ? r.pick([30 * 60, 3_600, 4 * 3_600]) : nil))
        }

        // Policies: forbidden namespaces, limits, context keys.
        let contextNames = r.sample(["environment", "change_freeze", "ctx_tier", "max_pods", "ticket", "region"], r.int(0...4))
        var contextLeft = contextNames
        for p in 0..<r.int(1...3) {
            var policy = PropPolicy(
                name: "policy_\(p)", forbidden: r.sample(PropValues.forbiddenPool, r.int((p == 0 ? 1 : 0)...3)),
                maxIterations: r.chance(0.5) ? r.int(8...20) : nil,
                maxElevation: r.chance(0.5) ? r.pick([30 * 60, 3_600, 2 * 3_600]) : nil,
                approvalTimeout: r.chance(0.5) ? r.pick([15 * 60, 30 * 60, 3_600]) : nil, context: [], rules: [])
            let take = p == 0 ? r.int(0...contextLeft.count) : contextLeft.count
            for name in contextLeft.prefix(take) {
                policy.context.append(contextKey(&r, name))
            }
            contextLeft.removeFirst(take)
            b.policies.append(policy)
        }
        let forbidden = b.forbidden

        // Tools: at least one read tool; write tools bounded and elevated.
        let toolCount = r.int(2...6)
        let maxElevation = ([Int64(30 * 60)] + b.policies.compactMap(\.maxElevation)).min()!
        for t in 0..<toolCount {
            let write = t > 0 && r.chance(0.45)
            var args: [PropArg] = []
            for name in r.sample(PropValues.argNamePool, r.int(0...5)) {
                let type = type(&r, write: write, forbidden: forbidden)
                var arg = PropArg(name: name, type: type)
                if r.chance(0.4) { arg.defaultValue = PropValues.valid(&r, type, forbidden: forbidden) }
                args.append(arg)
            }
            var elevation: PropElevation?
            if write {
                let identity = r.pick(Array(b.identities.dropFirst()))
                let e = r.pick(identity.eligible)
                let cap = min(maxElevation, identity.maxActivation ?? maxElevation)
                elevation = PropElevation(
                    identity: identity.name, role: e.role, scope: e.scope,
                    seconds: r.pick([60, 300, 600, 900, 1_800].filter { $0 <= cap }))
            }
            b.tools.append(PropTool(name: "tool_\(t)", write: write, args: args, elevation: elevation))
        }

        // Runbooks.
        let minPolicyIterations = b.policies.compactMap(\.maxIterations).min()
        let minPolicyTimeout = b.policies.compactMap(\.approvalTimeout).min()
        let reads = b.tools.filter { !$0.write }.map(\.name)
        let writes = b.tools.filter(\.write).map(\.name)
        for i in 0..<r.int(0...3) {
            let investigate = r.sample(reads, r.int(0...reads.count))
            var remediate = r.sample(writes, r.int(0...writes.count))
            if investigate.isEmpty && remediate.isEmpty && !writes.isEmpty { remediate = [writes[0]] }
            var approval: PropApproval?
            if !remediate.isEmpty || r.chance(0.3) {
                let timeouts = [Int64(60), 300, 600, 900].filter { $0 <= (minPolicyTimeout ?? .max) }
                approval = PropApproval(
                    channel: "sre-oncall-\(i)", approvers: r.int(1...3), timeout: r.pick(timeouts),
                    page: r.chance(0.7) ? r.pick(["P1", "P2", "P3"]) : nil)
            }
            b.runbooks.append(
                PropRunbook(
                    name: "runbook_\(i)", title: r.chance(0.5) ? "Generated runbook \(i)" : nil,
                    trigger: r.chance(0.5) ? "alert.rule like \"gen-\(i)-*\" and alert.severity <= 2" : nil,
                    maxIterations: r.chance(0.5) ? r.int(1...(minPolicyIterations ?? 30)) : nil,
                    investigate: investigate, remediate: remediate, approval: approval, rules: []))
        }

        // Rules.
        for p in b.policies.indices {
            for _ in 0..<r.int(0...3) { b.policies[p].rules.append(rule(&r, b)) }
        }
        for i in b.runbooks.indices {
            for _ in 0..<r.int(0...2) { b.runbooks[i].rules.append(rule(&r, b)) }
        }

        b.order = r.shuffled(
            b.identities.indices.map(PropDecl.identity) + b.tools.indices.map(PropDecl.tool)
                + b.policies.indices.map(PropDecl.policy) + b.runbooks.indices.map(PropDecl.runbook))
        b.render()
        return b
    }

    static func contextKey(_ r: inout PropRandom, _ name: String) -> PropContextKey {
        let type: PropType =
            switch name {
            case "environment": .enumeration(["prod", "staging", "dev"])
            case "change_freeze": .bool
            case "ctx_tier": .enumeration(r.sample(PropValues.enumPool, r.int(1...3)))
            case "max_pods": .int(r.pick([0...10, -5...5, Int64.min...Int64.max]))
            case "ticket": .string(len: 1...8, pattern: r.chance(0.5) ? .fooBarNumber : nil)
            default: .namespace
            }
        var key = PropContextKey(name: name, type: type)
        if r.chance(0.5) { key.defaultValue = PropValues.valid(&r, type, forbidden: []) }
        if case .namespace = type { key.defaultValue = nil }  // a default must not be forbidden
        return key
    }

    /// A rule with a condition the checker accepts and the oracle can evaluate.
    static func rule(_ r: inout PropRandom, _ b: PropBundle) -> PropRule {
        let deny = r.chance(0.6)
        var target: PropTarget
        var tool: PropTool?
        switch r.int(0...9) {
        case 0...4:
            let t = r.pick(b.tools)
            tool = t
            target = .tool(t.name)
        case 5: target = .list(r.sample(b.tools.map(\.name), r.int(1...min(3, b.tools.count))))
        default: target = .star
        }
        // Args a `*` rule may read: int, duration and bool args of some tool (by name and kind).
        var starArgs: [(String, PropType)] = []
        if case .star = target {
            for t in b.tools {
                for a in t.args where a.type.useKind != .string { starArgs.append((a.name, a.type)) }
            }
        }
        func atom(_ r: inout PropRandom) -> PropCond {
            let ops = [">", "<", "==", ">=", "<=", "!="]
            var choices: [PropCond] = [
                .effect(write: r.chance(0.5)), .toolName(equal: r.chance(0.7), r.pick(b.tools).name),
                .nowHour(r.pick(ops), r.int64(0...23)), .nowWeekdayIn(r.sample([1, 2, 3, 4, 5, 6, 7], r.int(1...3))),
                .alertSeverity(r.pick(ops), r.int64(0...4)), .sessionTool(r.pick(b.tools).name),
                .sessionIteration(r.pick(ops), r.int64(0...5)),
            ]
            for key in b.contextKeys {
                switch key.type {
                case .bool: choices.append(.contextBool(key.name))
                case .enumeration(let ms): choices.append(.contextString(key.name, equal: r.chance(0.7), r.pick(ms)))
                case .int(let range): choices.append(.contextInt(key.name, r.pick([">", "<", "==", ">=", "<=", "!="]), PropValues.int(&r, range)))
                default: break
                }
            }
            var argAtoms: [PropCond] = []
            let readable: [(String, PropType)] = tool.map { $0.args.map { ($0.name, $0.type) } } ?? starArgs
            for (name, type) in readable {
                switch type {
                case .int(let range):
                    let v = PropValues.int(&r, range)
                    argAtoms.append(.argInt(name, r.pick([">", "<", "==", ">=", "<=", "!="]), v))
                    argAtoms.append(.argIntIn(name, min(v, v &+ 3)...max(v, v &+ 3)))
                    argAtoms.append(.argIntList(name, [v, PropValues.int(&r, range), PropValues.int(&r, range)]))
                case .duration(let range):
                    argAtoms.append(.argDuration(name, r.pick([">", "<", ">=", "<=", "==", "!="]), PropValues.duration(&r, range)))
                case .bool: argAtoms.append(.argBool(name))
                case .enumeration(let ms): argAtoms.append(.argString(name, equal: r.chance(0.6), r.pick(ms)))
                case .name, .namespace, .string:
                    if case .string(let s)? = PropValues.valid(&r, type, forbidden: b.forbidden) {
                        argAtoms.append(.argString(name, equal: r.chance(0.6), s))
                        let prefix = String(s.unicodeScalars.prefix(2).filter { $0 != "*" && $0 != "?" && $0 != "\\" }.map(Character.init))
                        argAtoms.append(.argLike(name, prefix: prefix))
                    }
                }
            }
            if !argAtoms.isEmpty && r.chance(0.7) { return r.pick(argAtoms) }
            return r.pick(choices)
        }
        var cond: PropCond
        switch r.int(0...5) {
        case 0...2: cond = atom(&r)
        case 3: cond = .and((0..<r.int(2...3)).map { _ in atom(&r) })
        case 4: cond = .or((0..<r.int(2...3)).map { _ in atom(&r) })
        default: cond = .not(r.chance(0.5) ? atom(&r) : .and([atom(&r), atom(&r)]))
        }
        let explicitFor: Bool
        if deny {
            explicitFor = true
        } else if case .star = target {
            explicitFor = r.chance(0.5)
        } else {
            explicitFor = true
        }
        return PropRule(
            deny: deny, approvers: r.int(1...4), target: target, explicitFor: explicitFor, cond: cond,
            because: deny && r.chance(0.6) ? "generated rule says no" : nil)
    }
}
