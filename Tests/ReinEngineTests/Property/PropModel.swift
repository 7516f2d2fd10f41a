/// The generated-bundle model of the property tests: what the generator decides, what the oracle
/// reads, and how it is written out as `.rein` text (with the line of every declaration recorded,
/// so the oracle can predict the `at` of a reason).

/// A `matching` pattern the generator uses, each with its meaning written by hand as a Swift
/// predicate (the oracle never calls the engine's regex).
enum PropPattern: CaseIterable {
    case lowerPlus          // [a-z]+
    case digits2to4         // [0-9]{2,4}
    case identLike          // [a-z][a-z0-9]*
    case anchoredLower      // ^[a-z]+$   (anchors; no allowance for a trailing newline)
    case fooBarNumber       // (foo|bar)-[0-9]+
    case upper3             // [A-Z]{3}
    case hex8               // [a-f0-9]{8}
    case xyPlus             // x?y+
    case dashedWords        // [a-z]{1,3}(-[a-z]{1,3})*
    case abOrCd             // ab|cd      (top-level alternation: the whole value must match)
    case noSpace            // [^ ]+
    case lowerStar          // [a-z]*
    case aaa                // a{3}
    case abRepeated         // (ab)+
    case rawDigitsAnchored  // #"^[0-9]+$"#  (written as a raw string)

    var source: String {
        switch self {
        case .lowerPlus: "[a-z]+"
        case .digits2to4: "[0-9]{2,4}"
        case .identLike: "[a-z][a-z0-9]*"
        case .anchoredLower: "^[a-z]+$"
        case .fooBarNumber: "(foo|bar)-[0-9]+"
        case .upper3: "[A-Z]{3}"
        case .hex8: "[a-f0-9]{8}"
        case .xyPlus: "x?y+"
        case .dashedWords: "[a-z]{1,3}(-[a-z]{1,3})*"
        case .abOrCd: "ab|cd"
        case .noSpace: "[^ ]+"
        case .lowerStar: "[a-z]*"
        case .aaa: "a{3}"
        case .abRepeated: "(ab)+"
        case .rawDigitsAnchored: "^[0-9]+$"
        }
    }

    /// The pattern as a Rein string literal.
    var literal: String {
        self == .rawDigitsAnchored ? "#\"" + source + "\"#" : "\"" + source + "\""
    }

    /// Whether the whole of `s` matches, decided by hand.
    func matches(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        func lower(_ c: Unicode.Scalar) -> Bool { c >= "a" && c <= "z" }
        func digit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        switch self {
        case .lowerPlus, .anchoredLower: return !u.isEmpty && u.allSatisfy(lower)
        case .digits2to4: return (2...4).contains(u.count) && u.allSatisfy(digit)
        case .identLike: return !u.isEmpty && lower(u[0]) && u.dropFirst().allSatisfy { lower($0) || digit($0) }
        case .fooBarNumber:
            guard s.hasPrefix("foo-") || s.hasPrefix("bar-") else { return false }
            let rest = u.dropFirst(4)
            return !rest.isEmpty && rest.allSatisfy(digit)
        case .upper3: return u.count == 3 && u.allSatisfy { $0 >= "A" && $0 <= "Z" }
        case .hex8: return u.count == 8 && u.allSatisfy { digit($0) || ($0 >= "a" && $0 <= "f") }
        case .xyPlus:
            let rest = u.first == "x" ? Array(u.dropFirst()) : u
            return !rest.isEmpty && rest.allSatisfy { $0 == "y" }
        case .dashedWords:
            let parts = s.unicodeScalars.split(separator: "-", omittingEmptySubsequences: false)
            return parts.allSatisfy { (1...3).contains($0.count) && $0.allSatisfy(lower) }
        case .abOrCd: return s == "ab" || s == "cd"
        case .noSpace: return !u.isEmpty && !u.contains(" ")
        case .lowerStar: return u.allSatisfy(lower)
        case .aaa: return u.count == 3 && u.allSatisfy { $0 == "a" }
        case .abRepeated:
            guard !u.isEmpty, u.count % 2 == 0 else { return false }
            return stride(from: 0, to: u.count, by: 2).allSatisfy { u[$0] == "a" && u[$0 + 1] == "b" }
        case .rawDigitsAnchored: return !u.isEmpty && u.allSatisfy(digit)
        }
    }

    /// A string that matches, of about `length` scalars where the pattern allows it.
    func sample(_ r: inout PropRandom, length: Int) -> String {
        let n = max(length, 1)
        func lowers(_ k: Int) -> String { String((0..<k).map { _ in Character(Unicode.Scalar(UInt8(r.int(97...122)))) }) }
        func digits(_ k: Int) -> String { String((0..<k).map { _ in Character(Unicode.Scalar(UInt8(r.int(48...57)))) }) }
        switch self {
        case .lowerPlus, .anchoredLower: return lowers(n)
        case .digits2to4: return digits(min(max(n, 2), 4))
        case .identLike: return lowers(1) + String((1..<n).map { _ in r.chance(0.5) ? Character(Unicode.Scalar(UInt8(r.int(97...122)))) : Character(Unicode.Scalar(UInt8(r.int(48...57)))) })
        case .fooBarNumber: return r.pick(["foo-", "bar-"]) + digits(max(n - 4, 1))
        case .upper3: return String((0..<3).map { _ in Character(Unicode.Scalar(UInt8(r.int(65...90)))) })
        case .hex8: return String((0..<8).map { _ in r.pick(Array("0123456789abcdef")) })
        case .xyPlus: return (r.chance(0.5) ? "x" : "") + String(repeating: "y", count: max(n - 1, 1))
        case .dashedWords:
            var out = lowers(r.int(1...3))
            while out.unicodeScalars.count + 2 <= n { out += "-" + lowers(r.int(1...min(3, max(1, n - out.unicodeScalars.count - 1)))) }
            return out
        case .abOrCd: return r.pick(["ab", "cd"])
        case .noSpace:
            return String((0..<n).map { _ in r.pick(Array("az09-_.é€😀\n\t\"\\")) })
        case .lowerStar: return lowers(length)
        case .aaa: return "aaa"
        case .abRepeated: return String(repeating: "ab", count: max(n / 2, 1))
        case .rawDigitsAnchored: return digits(n)
        }
    }
}

/// An arg or context key type with its constraints.
enum PropType {
    case int(ClosedRange<Int64>?)
    case duration(ClosedRange<Int64>?)          // seconds
    case bool
    case string(len: ClosedRange<Int>?, pattern: PropPattern?)
    case name
    case namespace
    case enumeration([String])

    /// The kind a `*` rule reads an arg at (string, name, namespace and enums are one kind).
    var useKind: PropUseKind {
        switch self {
        case .int: .int
        case .duration: .duration
        case .bool: .bool
        case .string, .name, .namespace, .enumeration: .string
        }
    }
}

enum PropUseKind: Hashable { case int, duration, bool, string }

/// A typed value (a default, or a validated arg / context value).
enum PropValue: Equatable {
    case int(Int64)
    case duration(Int64)
    case bool(Bool)
    case string(String)
}

struct PropArg {
    var name: String
    var type: PropType
    var defaultValue: PropValue?
    var line = 0
    var column = 0
}

struct PropElevation {
    var identity: String
    var role: String
    var scope: String
    var seconds: Int64
}

struct PropTool {
    var name: String
    var write: Bool
    var args: [PropArg]
    var elevation: PropElevation?
    var line = 0
    /// The `tool` keyword starts the declaration (where reasons about the tool point).
    var column = 1
}

struct PropIdentity {
    var name: String
    var standingRoles: [String]
    var principal: String?
    var eligible: [(role: String, scope: String)]
    var maxActivation: Int64?
}

struct PropContextKey {
    var name: String
    var type: PropType
    var defaultValue: PropValue?
    var line = 0
    var column = 0
}

indirect enum PropCond {
    case argInt(String, String, Int64)
    case argIntIn(String, ClosedRange<Int64>)
    case argIntList(String, [Int64])
    case argDuration(String, String, Int64)
    case argString(String, equal: Bool, String)
    case argLike(String, prefix: String)
    case argBool(String)
    case effect(write: Bool)
    case toolName(equal: Bool, String)
    case contextBool(String)
    case contextString(String, equal: Bool, String)
    case contextInt(String, String, Int64)
    case nowHour(String, Int64)
    case nowWeekdayIn([Int64])
    case alertSeverity(String, Int64)
    case sessionTool(String)
    case sessionIteration(String, Int64)
    case not(PropCond)
    case and([PropCond])
    case or([PropCond])

    /// Every arg the condition reads, with the kind it reads it at.
    var argUses: [(String, PropUseKind)] {
        switch self {
        case .argInt(let a, _, _), .argIntIn(let a, _), .argIntList(let a, _): [(a, .int)]
        case .argDuration(let a, _, _): [(a, .duration)]
        case .argString(let a, _, _), .argLike(let a, _): [(a, .string)]
        case .argBool(let a): [(a, .bool)]
        case .effect, .toolName, .contextBool, .contextString, .contextInt, .nowHour, .nowWeekdayIn, .alertSeverity,
            .sessionTool, .sessionIteration:
            []
        case .not(let c): c.argUses
        case .and(let cs), .or(let cs): cs.flatMap(\.argUses)
        }
    }
}

enum PropTarget {
    case tool(String)
    case list([String])
    case star
}

struct PropRule {
    var deny: Bool                  // false: `require approvals`
    var approvers: Int
    var target: PropTarget
    var explicitFor: Bool           // `require approvals N for TARGET` (else no `for`: `*`)
    var cond: PropCond
    var because: String?
    var line = 0
}

struct PropPolicy {
    var name: String
    var forbidden: [String]
    var maxIterations: Int?
    var maxElevation: Int64?
    var approvalTimeout: Int64?
    var context: [PropContextKey]
    var rules: [PropRule]
}

struct PropApproval {
    var channel: String
    var approvers: Int
    var timeout: Int64
    var page: String?
}

struct PropRunbook {
    var name: String
    var title: String?
    var trigger: String?
    var maxIterations: Int?
    var investigate: [String]
    var remediate: [String]
    var approval: PropApproval?
    var rules: [PropRule]
    var line = 0
}

enum PropDecl {
    case identity(Int), tool(Int), policy(Int), runbook(Int)
}

struct PropBundle {
    static let path = "rein/prop.rein"

    var identities: [PropIdentity] = []
    var tools: [PropTool] = []
    var policies: [PropPolicy] = []
    var runbooks: [PropRunbook] = []
    var order: [PropDecl] = []
    var text = ""

    func tool(named name: String) -> PropTool? { tools.first { $0.name == name } }
    func runbook(named name: String) -> PropRunbook? { runbooks.first { $0.name == name } }
    var standingIdentity: String { identities.first { !$0.standingRoles.isEmpty }!.name }
    var forbidden: Set<String> { Set(policies.flatMap(\.forbidden)) }
    var contextKeys: [PropContextKey] { policies.flatMap(\.context) }

    /// Writes the bundle as `.rein` text and records the line and column of each declaration.
    mutating func render() {
        var lines: [String] = []
        func add(_ s: String) { lines.append(s) }
        for decl in order {
            switch decl {
            case .identity(let i):
                let id = identities[i]
                add("# identity \(id.name)")
                add("identity \(id.name) {")
                if let p = id.principal { add("  principal \"\(p)\"") }
                for role in id.standingRoles { add("  role \"\(role)\"") }
                for e in id.eligible { add("  eligible \"\(e.role)\" at \(e.scope)") }
                if let m = id.maxActivation { add("  max_activation \(PropRender.duration(m))") }
                add("}")
            case .tool(let t):
                add("tool \(tools[t].name) {")
                tools[t].line = lines.count
                add("  effect \(tools[t].write ? "write" : "read")")
                add("  description \"generated tool \(tools[t].name)\"")
                for a in tools[t].args.indices {
                    let (line, column) = (lines.count + 1, 3)  // the `arg` keyword
                    add("  arg " + PropRender.declaration(tools[t].args[a].name, tools[t].args[a].type, tools[t].args[a].defaultValue))
                    tools[t].args[a].line = line
                    tools[t].args[a].column = column
                }
                if let e = tools[t].elevation {
                    add("  elevate \(e.identity) role \"\(e.role)\" for \(PropRender.duration(e.seconds))")
                }
                add("}")
            case .policy(let p):
                add("policy \(policies[p].name) {")
                let policy = policies[p]
                if !policy.forbidden.isEmpty {
                    add("  forbid namespace " + policy.forbidden.map { "\"\($0)\"" }.joined(separator: ", "))
                }
                if let m = policy.maxIterations { add("  max_iterations \(m)") }
                if let m = policy.maxElevation { add("  max_elevation \(PropRender.duration(m))") }
                if let m = policy.approvalTimeout { add("  approval_timeout \(PropRender.duration(m))") }
                for k in policies[p].context.indices {
                    let key = policies[p].context[k]
                    policies[p].context[k].line = lines.count + 1
                    policies[p].context[k].column = 3  // the `context` keyword
                    add("  context " + PropRender.declaration(key.name, key.type, key.defaultValue))
                }
                for r in policies[p].rules.indices {
                    policies[p].rules[r].line = lines.count + 1
                    add("  " + PropRender.rule(policies[p].rules[r]))
                }
                add("}")
            case .runbook(let b):
                let rb = runbooks[b]
                add("runbook \(rb.name) {")
                runbooks[b].line = lines.count
                if let t = rb.title { add("  title \"\(t)\"") }
                if let t = rb.trigger { add("  trigger \(t)") }
                if let m = rb.maxIterations { add("  max_iterations \(m)") }
                if !rb.investigate.isEmpty { add("  investigate " + rb.investigate.joined(separator: ", ")) }
                if !rb.remediate.isEmpty { add("  remediate " + rb.remediate.joined(separator: ", ")) }
                if let a = rb.approval {
                    add("  approval {")
                    add("    channel \"\(a.channel)\"")
                    add("    approvers \(a.approvers)")
                    add("    allow \"*@contoso.com\", \"oncall-?@example.org\"")
                    add("    timeout \(PropRender.duration(a.timeout))")
                    add("    on_timeout " + (a.page.map { "page \($0)" } ?? "no_action"))
                    add("  }")
                }
                for r in runbooks[b].rules.indices {
                    runbooks[b].rules[r].line = lines.count + 1
                    add("  " + PropRender.rule(runbooks[b].rules[r]))
                }
                add("}")
            }
            add("")
        }
        text = lines.joined(separator: "\n")
    }
}

/// Rendering of literals, types and rules as Rein text.
enum PropRender {
    /// A duration in Rein syntax, `d h m s` decomposed (`0s` for zero).
    static func duration(_ seconds: Int64) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }

    /// ISO-8601 as decisions render it: `H`, `M`, `S` only, zero as `PT0S`.
    static func iso(_ seconds: Int64) -> String {
        if seconds == 0 { return "PT0S" }
        let (h, m, s) = (seconds / 3_600, seconds % 3_600 / 60, seconds % 60)
        return "PT" + (h > 0 ? "\(h)H" : "") + (m > 0 ? "\(m)M" : "") + (s > 0 ? "\(s)S" : "")
    }

    /// A Rein string literal (escapes `\\ \" \n \t \u{HEX}`).
    static func string(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F || (0x80...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029 {
                    out += "\\u{" + String(c.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    static func value(_ v: PropValue) -> String {
        switch v {
        case .int(let i): "\(i)"
        case .duration(let d): duration(d)
        case .bool(let b): b ? "true" : "false"
        case .string(let s): string(s)
        }
    }

    static func type(_ t: PropType) -> String {
        switch t {
        case .int(let r): "int" + (r.map { " in \($0.lowerBound)..\($0.upperBound)" } ?? "")
        case .duration(let r): "duration" + (r.map { " in \(duration($0.lowerBound))..\(duration($0.upperBound))" } ?? "")
        case .bool: "bool"
        case .string(let len, let pattern):
            "string" + (len.map { " len \($0.lowerBound)..\($0.upperBound)" } ?? "") + (pattern.map { " matching \($0.literal)" } ?? "")
        case .name: "name"
        case .namespace: "namespace"
        case .enumeration(let members): members.map(string).joined(separator: " | ")
        }
    }

    static func declaration(_ name: String, _ t: PropType, _ d: PropValue?) -> String {
        "\(name): \(type(t))" + (d.map { " = " + value($0) } ?? "")
    }

    static func target(_ t: PropTarget) -> String {
        switch t {
        case .tool(let n): n
        case .list(let ns): "[" + ns.joined(separator: ", ") + "]"
        case .star: "*"
        }
    }

    static func rule(_ r: PropRule) -> String {
        if r.deny {
            return "deny \(target(r.target)) when \(cond(r.cond))" + (r.because.map { " because \(string($0))" } ?? "")
        }
        return "require approvals \(r.approvers)" + (r.explicitFor ? " for \(target(r.target))" : "") + " when \(cond(r.cond))"
    }

    static func cond(_ c: PropCond) -> String {
        func wrap(_ c: PropCond) -> String {
            switch c {
            case .and, .or, .not: "(" + cond(c) + ")"
            default: cond(c)
            }
        }
        switch c {
        case .argInt(let a, let op, let v): return "args.\(a) \(op) \(v)"
        case .argIntIn(let a, let r): return "args.\(a) in \(r.lowerBound)..\(r.upperBound)"
        case .argIntList(let a, let vs): return "args.\(a) in [" + vs.map { "\($0)" }.joined(separator: ", ") + "]"
        case .argDuration(let a, let op, let d): return "args.\(a) \(op) \(duration(d))"
        case .argString(let a, let eq, let s): return "args.\(a) \(eq ? "==" : "!=") \(string(s))"
        case .argLike(let a, let p): return "args.\(a) like \(string(p + "*"))"
        case .argBool(let a): return "args.\(a)"
        case .effect(let w): return "tool.effect == \(w ? "write" : "read")"
        case .toolName(let eq, let n): return "tool.name \(eq ? "==" : "!=") \(string(n))"
        case .contextBool(let k): return "context.\(k)"
        case .contextString(let k, let eq, let s): return "context.\(k) \(eq ? "==" : "!=") \(string(s))"
        case .contextInt(let k, let op, let v): return "context.\(k) \(op) \(v)"
        case .nowHour(let op, let v): return "now.hour \(op) \(v)"
        case .nowWeekdayIn(let vs): return "now.weekday in [" + vs.map { "\($0)" }.joined(separator: ", ") + "]"
        case .alertSeverity(let op, let v): return "alert.severity \(op) \(v)"
        case .sessionTool(let t): return "\(string(t)) in session.tools"
        case .sessionIteration(let op, let v): return "session.iteration \(op) \(v)"
        case .not(let inner): return "not " + wrap(inner)
        case .and(let cs): return cs.map(wrap).joined(separator: " and ")
        case .or(let cs): return cs.map(wrap).joined(separator: " or ")
        }
    }
}
