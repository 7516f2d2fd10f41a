/// An independent oracle for Grammar/README.md §7 (types and constraints) and §5 (decision algorithm),
/// written from the spec only: it never calls the engine's validators, name rules, regex engine,
/// duration parser or JSON reader.

/// A JSON value as the proposal line spells it (so the oracle knows what the engine will read).
enum PropJV {
    case int(Int64, text: String)   // a JSON integer literal inside Int64 (`-0` included)
    case bigInt(String)             // a JSON integer literal beyond Int64
    case number(String)             // a JSON number with a fraction or exponent
    case string(String, escapeAll: Bool)
    case bool(Bool)
    case null
    case array(String)              // raw JSON text
    case object(String)             // raw JSON text (may hold a duplicate key: nested strictness)
    case malformed(String)          // raw JSON text that makes the whole line malformed

    static func int(_ v: Int64) -> PropJV { .int(v, text: "\(v)") }
    static func str(_ s: String) -> PropJV { .string(s, escapeAll: false) }

    var json: String {
        switch self {
        case .int(_, let text): text
        case .bigInt(let t), .number(let t), .array(let t), .object(let t), .malformed(let t): t
        case .string(let s, let all): PropJSON.string(s, escapeAll: all)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }
}

enum PropJSON {
    /// A JSON string literal; `escapeAll` writes every scalar as `\uXXXX` (astral ones as a
    /// surrogate pair), which must decode to exactly the same text.
    static func string(_ s: String, escapeAll: Bool = false) -> String {
        func hex4(_ v: UInt32) -> String {
            let h = String(v, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - h.count) + h
        }
        var out = "\""
        for c in s.unicodeScalars {
            if escapeAll {
                if c.value > 0xFFFF {
                    let v = c.value - 0x10000
                    out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                } else {
                    out += hex4(c.value)
                }
                continue
            }
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 { out += hex4(c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

/// Exact (scalar-by-scalar) string equality: Swift's `==` on `String` is canonical equivalence,
/// which the spec rules out ("no Unicode normalisation").
func propSame(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

struct PropEntry {
    var key: String
    var escapeKey = false
    var value: PropJV

    var json: String { PropJSON.string(key, escapeAll: escapeKey) + ":" + value.json }
}

struct PropProposal {
    var id: String
    var runbook: String?
    var kind: String?
    var tool: String
    var args: [PropEntry]
    var context: [PropEntry]?
    var iteration: Int64?
    var sessionTools: [String]?
    var thought: String?
    /// `at` as written, and the instant it names (seconds since the epoch, UTC).
    var at: (text: String, utc: Int64)?
    /// `alert` as raw JSON, and the severity a rule reads from it (nil: missing or ill-typed).
    var alert: (json: String, severity: Int64?)?
    /// Raw JSON text spliced in as an extra top-level member (a shape error: malformed).
    var extraTopLevel: String?

    /// docs/FORMATS.md §1: the line is not well formed (decided by construction, not by parsing).
    var isMalformed: Bool {
        func bad(_ e: PropEntry) -> Bool { if case .malformed = e.value { return true } else { return false } }
        return extraTopLevel != nil || args.contains(where: bad) || (context ?? []).contains(where: bad)
    }

    var json: String {
        var parts = ["\"id\":" + PropJSON.string(id)]
        if let runbook { parts.append("\"runbook\":" + PropJSON.string(runbook)) }
        if let kind { parts.append("\"kind\":" + PropJSON.string(kind)) }
        parts.append("\"tool\":" + PropJSON.string(tool))
        parts.append("\"args\":{" + args.map(\.json).joined(separator: ",") + "}")
        if let context { parts.append("\"context\":{" + context.map(\.json).joined(separator: ",") + "}") }
        if iteration != nil || sessionTools != nil {
            var session: [String] = []
            if let iteration { session += ["\"iteration\":\(iteration)", "\"denials\":0"] }
            if let sessionTools { session.append("\"tools\":[" + sessionTools.map { PropJSON.string($0) }.joined(separator: ",") + "]") }
            parts.append("\"session\":{" + session.joined(separator: ",") + "}")
        }
        if let thought { parts.append("\"thought\":" + PropJSON.string(thought)) }
        if let alert { parts.append("\"alert\":" + alert.json) }
        if let at { parts.append("\"at\":" + PropJSON.string(at.text)) }
        if let extraTopLevel { parts.insert(extraTopLevel, at: parts.count / 2) }
        return "{" + parts.joined(separator: ",") + "}"
    }
}

/// What the oracle predicts for one proposal.
struct PropExpected {
    /// `allow`, `deny` or `require_approval`.
    var verdict: String
    /// On deny, every reason code in order, with the `at` the oracle can predict (nil: not checked).
    var reasons: [(code: String, at: String?)] = []
    /// On allow / require_approval, the exact decision line.
    var line: String?
    /// Whether the oracle saw an arg-level violation (a step-4 arg reason).
    var argViolation = false
}

enum PropOracle {
    enum DurationParse: Equatable { case malformed, overflow, seconds(Int64) }

    // MARK: - §3 rules, by hand

    static func isLower(_ c: Unicode.Scalar) -> Bool { c >= "a" && c <= "z" }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?` (no length cap here).
    static func labelShape(_ u: some Collection<Unicode.Scalar>) -> Bool {
        guard let first = u.first, let last = u.reversed().first else { return false }
        guard u.allSatisfy({ isLower($0) || isDigit($0) || $0 == "-" }) else { return false }
        return first != "-" && last != "-"
    }

    static func validNamespace(_ s: String) -> Bool {
        s.unicodeScalars.count <= 63 && labelShape(s.unicodeScalars)
    }

    /// RFC 1123 subdomain, ≤ 253 in all, no per-label cap.
    static func validName(_ s: String) -> Bool {
        guard s.unicodeScalars.count <= 253 else { return false }
        return s.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { labelShape($0) }
    }

    static func stringOK(_ s: String, len: ClosedRange<Int>?, pattern: PropPattern?) -> Bool {
        let n = s.unicodeScalars.count
        if let len { if !len.contains(n) { return false } } else if n > 1_024 { return false }
        return pattern?.matches(s) ?? true
    }

    /// Rein duration syntax: one or more `<digits><unit>` groups, units `d h m s` in that order,
    /// each at most once; ASCII digits only.
    static func parseDuration(_ s: String) -> DurationParse {
        let u = Array(s.unicodeScalars)
        var i = 0
        var total: Int64 = 0
        var overflow = false
        var lastUnit = -1
        var groups = 0
        let units: [Unicode.Scalar: (Int, Int64)] = ["d": (0, 86_400), "h": (1, 3_600), "m": (2, 60), "s": (3, 1)]
        while i < u.count {
            var digits: [Unicode.Scalar] = []
            while i < u.count, isDigit(u[i]) { digits.append(u[i]); i += 1 }
            guard !digits.isEmpty, i < u.count, let (rank, size) = units[u[i]], rank > lastUnit else { return .malformed }
            lastUnit = rank
            i += 1
            groups += 1
            var value: Int64 = 0
            for d in digits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d.value - 48))
                if o1 || o2 { overflow = true }
                value = a
            }
            let (scaled, o3) = value.multipliedReportingOverflow(by: size)
            let (sum, o4) = total.addingReportingOverflow(scaled)
            if o3 || o4 { overflow = true }
            total = sum
        }
        if groups == 0 { return .malformed }
        return overflow ? .overflow : .seconds(total)
    }

    /// The reason code (in §5 step-4 order) for one given value, or nil when it is valid.
    static func argCode(_ type: PropType, _ v: PropJV, forbidden: [String]) -> String? {
        switch type {
        case .int(let range):
            switch v {
            case .int(let i, _): return range.map { $0.contains(i) ? nil : "out_of_bounds" } ?? nil
            case .bigInt: return "out_of_bounds"
            default: return "type_mismatch"
            }
        case .bool:
            if case .bool = v { return nil }
            return "type_mismatch"
        case .duration(let range):
            guard case .string(let s, _) = v else { return "type_mismatch" }
            switch parseDuration(s) {
            case .malformed: return "type_mismatch"
            case .overflow: return "out_of_bounds"
            case .seconds(let d): return range.map { $0.contains(d) ? nil : "out_of_bounds" } ?? nil
            }
        case .string(let len, let pattern):
            guard case .string(let s, _) = v else { return "type_mismatch" }
            let n = s.unicodeScalars.count
            if let len { if !len.contains(n) { return "out_of_bounds" } } else if n > 1_024 { return "out_of_bounds" }
            if let pattern, !pattern.matches(s) { return "pattern_mismatch" }
            return nil
        case .name:
            guard case .string(let s, _) = v else { return "type_mismatch" }
            return validName(s) ? nil : "invalid_name"
        case .namespace:
            guard case .string(let s, _) = v else { return "type_mismatch" }
            if !validNamespace(s) { return "invalid_name" }
            return forbidden.contains(where: { propSame($0, s) }) ? "forbidden_namespace" : nil
        case .enumeration(let members):
            guard case .string(let s, _) = v else { return "type_mismatch" }
            return members.contains(where: { propSame($0, s) }) ? nil : "out_of_bounds"
        }
    }

    /// The typed value of a valid given value.
    static func typed(_ type: PropType, _ v: PropJV) -> PropValue {
        switch (type, v) {
        case (.int, .int(let i, _)): return .int(i)
        case (.bool, .bool(let b)): return .bool(b)
        case (.duration, .string(let s, _)):
            guard case .seconds(let d) = parseDuration(s) else { fatalError("typed: invalid duration") }
            return .duration(d)
        case (_, .string(let s, _)): return .string(s)
        default: fatalError("typed: invalid value")
        }
    }

    // MARK: - rule evaluation (the generated forms only)

    static func compare<T: Comparable>(_ a: T, _ op: String, _ b: T) -> Bool {
        switch op {
        case ">": a > b
        case ">=": a >= b
        case "<": a < b
        case "<=": a <= b
        case "==": a == b
        case "!=": a != b
        default: fatalError("op \(op)")
        }
    }

    /// The facts a rule reads beyond args and context.
    struct Facts {
        var tool: PropTool
        var hour: Int64
        var weekday: Int64
        var severity: Int64?        // nil: reading `alert.severity` fails
        var sessionTools: [String]
        var iteration: Int64
    }

    /// Evaluates a generated condition; nil is a run-time error. `and`/`or` stop early, left to
    /// right, so an error counts only where evaluation reaches it.
    static func eval(_ c: PropCond, args: [(String, PropValue)], context: [(String, PropValue)], _ f: Facts) -> Bool? {
        func arg(_ n: String) -> PropValue { args.first { $0.0 == n }!.1 }
        func ctx(_ n: String) -> PropValue { context.first { $0.0 == n }!.1 }
        switch c {
        case .argInt(let a, let op, let v):
            guard case .int(let x) = arg(a) else { fatalError() }
            return compare(x, op, v)
        case .argIntIn(let a, let r):
            guard case .int(let x) = arg(a) else { fatalError() }
            return r.contains(x)
        case .argIntList(let a, let vs):
            guard case .int(let x) = arg(a) else { fatalError() }
            return vs.contains(x)
        case .argDuration(let a, let op, let v):
            guard case .duration(let x) = arg(a) else { fatalError() }
            return compare(x, op, v)
        case .argString(let a, let eq, let s):
            guard case .string(let x) = arg(a) else { fatalError() }
            return propSame(x, s) == eq
        case .argLike(let a, let prefix):
            guard case .string(let x) = arg(a) else { fatalError() }
            return x.unicodeScalars.starts(with: prefix.unicodeScalars)
        case .argBool(let a):
            guard case .bool(let x) = arg(a) else { fatalError() }
            return x
        case .effect(let w): return f.tool.write == w
        case .toolName(let eq, let n): return (f.tool.name == n) == eq
        case .contextBool(let k):
            guard case .bool(let x) = ctx(k) else { fatalError() }
            return x
        case .contextString(let k, let eq, let s):
            guard case .string(let x) = ctx(k) else { fatalError() }
            return propSame(x, s) == eq
        case .contextInt(let k, let op, let v):
            guard case .int(let x) = ctx(k) else { fatalError() }
            return compare(x, op, v)
        case .nowHour(let op, let v): return compare(f.hour, op, v)
        case .nowWeekdayIn(let vs): return vs.contains(f.weekday)
        case .alertSeverity(let op, let v): return f.severity.map { compare($0, op, v) }
        case .sessionTool(let t): return f.sessionTools.contains { propSame($0, t) }
        case .sessionIteration(let op, let v): return compare(f.iteration, op, v)
        case .not(let inner): return eval(inner, args: args, context: context, f).map { !$0 }
        case .and(let cs):
            for c in cs {
                guard let v = eval(c, args: args, context: context, f) else { return nil }
                if !v { return false }
            }
            return true
        case .or(let cs):
            for c in cs {
                guard let v = eval(c, args: args, context: context, f) else { return nil }
                if v { return true }
            }
            return false
        }
    }

    /// Whether a rule targets the tool; for `*`, only tools with every arg it reads, at the kind read.
    static func applies(_ rule: PropRule, to tool: PropTool) -> Bool {
        switch rule.target {
        case .tool(let n): return n == tool.name
        case .list(let ns): return ns.contains(tool.name)
        case .star:
            return rule.cond.argUses.allSatisfy { use in
                tool.args.contains { $0.name == use.0 && $0.type.useKind == use.1 }
            }
        }
    }

    // MARK: - §5

    static func loc(_ line: Int, _ column: Int) -> String { "\(PropBundle.path):\(line):\(column)" }

    static func expect(_ b: PropBundle, _ p: PropProposal) -> PropExpected {
        if p.isMalformed { return PropExpected(verdict: "deny", reasons: [("malformed_proposal", nil)]) }
        var reasons: [(code: String, at: String?)] = []
        let runbook = p.runbook.flatMap { b.runbook(named: $0) }

        // Step 1: iteration limit (the proposal's session iteration against the smallest limit).
        if let iteration = p.iteration {
            let limits = b.policies.compactMap(\.maxIterations) + (runbook?.maxIterations.map { [$0] } ?? [])
            if iteration >= Int64(limits.min() ?? 10) { reasons.append(("iteration_limit", nil)) }
        }
        // Step 2.
        let unknownRunbook = p.runbook != nil && runbook == nil
        if unknownRunbook { reasons.append(("unknown_runbook", nil)) }
        guard let tool = b.tool(named: p.tool) else {
            reasons.append(("unknown_tool", nil))
            return PropExpected(verdict: "deny", reasons: reasons)
        }
        if unknownRunbook { return PropExpected(verdict: "deny", reasons: reasons) }

        // Step 3.
        let kind = p.kind ?? (tool.write ? "remediation" : "tool_call")
        if tool.write && kind == "tool_call" {
            reasons.append(("write_needs_remediation", nil))
        } else if kind == "remediation" {
            if !tool.write || (runbook.map { !$0.remediate.contains(tool.name) } ?? false) {
                reasons.append(("not_in_runbook", nil))
            }
        } else if let runbook, !runbook.investigate.contains(tool.name) {
            reasons.append(("not_in_runbook", nil))
        }

        // Step 4: args in declaration order, then unknown args in proposal order.
        let forbidden = b.policies.flatMap(\.forbidden)
        var values: [(String, PropValue)] = []
        for arg in tool.args {
            let at = loc(arg.line, arg.column)
            let given = p.args.filter { propSame($0.key, arg.name) }
            if given.isEmpty {
                if let d = arg.defaultValue { values.append((arg.name, d)) } else { reasons.append(("missing_arg", at)) }
            } else if given.count > 1 {
                reasons.append(("duplicate_arg", at))
            } else if let code = argCode(arg.type, given[0].value, forbidden: forbidden) {
                reasons.append((code, at))
            } else {
                values.append((arg.name, typed(arg.type, given[0].value)))
            }
        }
        var seenUnknown: [String] = []
        for entry in p.args where !tool.args.contains(where: { propSame($0.name, entry.key) }) {
            if seenUnknown.contains(where: { propSame($0, entry.key) }) { continue }
            seenUnknown.append(entry.key)
            reasons.append(("unknown_arg", loc(tool.line, tool.column)))
        }
        let argViolation = reasons.contains { ["unknown_arg", "missing_arg", "duplicate_arg", "type_mismatch", "out_of_bounds", "invalid_name", "pattern_mismatch", "forbidden_namespace"].contains($0.code) }

        // Step 4: context.
        var context: [(String, PropValue)] = []
        var contextBad = false
        let givenContext = p.context ?? []
        for key in b.contextKeys {
            let given = givenContext.filter { propSame($0.key, key.name) }
            if given.isEmpty {
                if let d = key.defaultValue { context.append((key.name, d)) } else { contextBad = true }
            } else if given.count > 1 || argCode(key.type, given[0].value, forbidden: forbidden) != nil {
                contextBad = true
            } else {
                context.append((key.name, typed(key.type, given[0].value)))
            }
        }
        if givenContext.contains(where: { entry in !b.contextKeys.contains { propSame($0.name, entry.key) } }) {
            contextBad = true
        }
        if contextBad { reasons.append(("invalid_context", nil)) }

        if !reasons.isEmpty { return PropExpected(verdict: "deny", reasons: reasons, argViolation: argViolation) }

        // Step 5: the rules in force, in bundle order (one file: line order).
        var rules = b.policies.flatMap(\.rules)
        if let runbook { rules += runbook.rules }
        rules.sort { $0.line < $1.line }
        let utc = p.at?.utc ?? 0  // docs/CLI.md: times default to the Unix epoch
        let days = utc >= 0 ? utc / 86_400 : (utc - 86_399) / 86_400
        let facts = Facts(
            tool: tool, hour: (utc - days * 86_400) / 3_600, weekday: ((days % 7 + 7 + 3) % 7) + 1,
            severity: p.alert?.severity, sessionTools: p.sessionTools ?? [], iteration: p.iteration ?? 0)
        var approvers: [Int] = []
        for rule in rules where applies(rule, to: tool) {
            switch eval(rule.cond, args: values, context: context, facts) {
            case nil: reasons.append(("evaluation_error", loc(rule.line, 3)))
            case true?: if rule.deny { reasons.append(("rule", loc(rule.line, 3))) } else { approvers.append(rule.approvers) }
            case false?: break
            }
        }
        if !reasons.isEmpty { return PropExpected(verdict: "deny", reasons: reasons) }

        // The verdict.
        let policyTimeout = b.policies.compactMap(\.approvalTimeout).min()
        let timeout = ([runbook?.approval?.timeout, policyTimeout].compactMap { $0 }).min() ?? 15 * 60
        let base = runbook?.approval?.approvers ?? 1
        let channel = runbook?.approval.map { ",\"channel\":" + PropJSON.string($0.channel) } ?? ""
        func approval(_ n: Int) -> String {
            "\"approval\":{\"approvers\":\(n),\"timeout\":\"\(PropRender.iso(timeout))\"\(channel)}"
        }
        let head = "{\"id\":" + PropJSON.string(p.id) + ",\"decision\":"
        if kind == "remediation" {
            let e = tool.elevation!
            let caps = [e.seconds] + b.policies.compactMap(\.maxElevation)
                + (b.identities.first { $0.name == e.identity }!.maxActivation.map { [$0] } ?? [])
            let elevation = "\"elevation\":{\"identity\":\(PropJSON.string(e.identity)),\"role\":\(PropJSON.string(e.role)),\"scope\":\(PropJSON.string(e.scope)),\"duration\":\"\(PropRender.iso(caps.min()!))\"}"
            return PropExpected(
                verdict: "require_approval",
                line: head + "\"require_approval\"," + approval(([base] + approvers).max()!) + "," + elevation + "}")
        }
        let identity = ",\"identity\":" + PropJSON.string(b.standingIdentity) + "}"
        if approvers.isEmpty {
            return PropExpected(verdict: "allow", line: head + "\"allow\"" + identity)
        }
        return PropExpected(
            verdict: "require_approval",
            line: head + "\"require_approval\"," + approval(([base] + approvers).max()!) + identity)
    }
}
