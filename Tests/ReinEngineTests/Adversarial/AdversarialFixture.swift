import Testing
@testable import ReinEngine

/// The shared fixture of the adversarial suite: one bundle file (`adv/bundle.rein`), builders for
/// proposal lines, and the checker that decides a line and compares it with a spec-derived
/// expectation (decision word, exact reason codes in order, and where meaningful each reason's
/// `at`). Expectations are written from Grammar/README.md §4–§13 and docs/FORMATS.md §1–§2, never from output.
enum Adv {
    static let path = "adv/bundle.rein"

    /// Rein escapes (`\u{E9}`) keep the source ASCII, so no editor can normalise it.
    static let bundleText = #"""
        identity observer {
          role "Monitoring Reader"
          role "Log Analytics Reader"
        }
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Azure Kubernetes Service Cluster Admin Role" at resource
          max_activation 30m
        }
        tool inspect {
          effect read
          arg namespace: namespace
          arg pod: name
          arg limit: int in 1..50
          arg lookback: duration in 5m..24h = 1h
          arg verbose: bool = false
          arg tier: "gold" | "silver" | "caf\u{E9}" = "gold"
          arg label: string len 1..5 = "ab"
          arg selector: string matching "[a-z0-9-]+" = "app"
          arg tag: string len 1..8 matching "[a-z]+" = "t"
          arg note: string = ""
        }
        tool list_nodes {
          effect read
        }
        tool shard_stats {
          effect read
          arg namespace: int in 0..99
        }
        tool scale {
          effect write
          arg namespace: namespace
          arg deployment: name
          arg replicas: int in 1..10
          elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
        }
        tool restart {
          effect write
          arg namespace: namespace
          arg deployment: name
          elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 20m
        }
        tool drain {
          effect write
          arg node: name
          elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 10m
        }
        policy baseline {
          forbid namespace "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"
          max_iterations 12
          max_elevation 30m
          approval_timeout 15m
          context environment: "prod" | "staging" | "dev"
          context change_freeze: bool = false
          context budget: int in 0..100 = 10
          context target: namespace = "default"
          require approvals 2 when context.environment == "prod" and tool.effect == write
          deny * when tool.effect == write and context.change_freeze because "change freeze in effect"
          deny * when args.namespace == "payments-legacy" because "legacy namespace retired"
          deny inspect when args.note == "r\u{E9}sum\u{E9}" because "no resumes"
          require approvals 3 for inspect when args.limit > 40
          deny drain when context.environment == "prod" and alert.monitor_condition == "Fired" because "no drains while firing in prod"
          deny drain when context.environment == "dev" or alert.severity == 0 because "drain blocked"
        }
        runbook incident {
          title "Adversarial fixture"
          trigger alert.rule like "adv-*"
          max_iterations 8
          investigate inspect, shard_stats
          remediate scale, restart
          approval {
            channel "sre-oncall"
            approvers 1
            allow "*@contoso.com"
            timeout 10m
            on_timeout page P2
          }
          deny scale when args.replicas > 6 because "pool cannot host more than 6 replicas"
          deny restart when alert.severity <= 1 because "no restarts at Sev0/Sev1"
          require approvals 3 for restart when alert.severity == 2
        }

        """#

    struct Compiled: Sendable {
        let diagnostics: [String]
        let policy: CompiledPolicy
    }

    static let compiled: Compiled = {
        let file = SourceFile(path: path, text: bundleText)
        let syntax = Parser.parse(file, fileIndex: 0)
        let result = Checker.check([syntax])
        let diagnostics = syntax.diagnostics.map { "\($0.code)" } + result.diagnostics.map { "\($0.code)" }
        return Compiled(diagnostics: diagnostics, policy: CompiledPolicy(model: result.model, files: [file]))
    }()

    static var policy: CompiledPolicy { compiled.policy }

    // MARK: - Locations (path:line:col, columns in Unicode scalars, as Grammar/README.md §3)

    /// The location of the first `needle` at or after the first `after`, shifted by `plus` columns.
    static func loc(_ needle: String, after: String? = nil, plus: Int = 0) -> String {
        let lines = bundleText.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        let needleScalars = Array(needle.unicodeScalars)
        let afterScalars = after.map { Array($0.unicodeScalars) }
        func find(_ what: [Unicode.Scalar], in line: [Unicode.Scalar]) -> Int? {
            guard what.count <= line.count else { return nil }
            for start in 0...(line.count - what.count) where Array(line[start..<start + what.count]) == what {
                return start
            }
            return nil
        }
        var started = afterScalars == nil
        for (index, line) in lines.enumerated() {
            if !started, let afterScalars, find(afterScalars, in: line) != nil { started = true }
            guard started, let column = find(needleScalars, in: line) else { continue }
            return "\(path):\(index + 1):\(column + 1 + plus)"
        }
        fatalError("no \(needle) in the bundle")
    }

    /// An arg declaration's location (its `arg` keyword), within `tool`.
    static func arg(_ tool: String, _ name: String) -> Loc {
        .is(loc("arg \(name):", after: "tool \(tool) {"))
    }

    /// A rule's location (its keyword), found by the start of its text.
    static func rule(_ start: String) -> Loc { .is(loc(start)) }

    // MARK: - JSON text builders

    /// A JSON string literal for `s` (the project's own JSON string encoder).
    static func js(_ s: String) -> String { JSONString.quote(s) }

    static let staging = #"{"environment":"staging"}"#
    static let prod = #"{"environment":"prod"}"#

    /// `base` args with `changes` applied in order: a nil value removes the key, a key not in
    /// `base` is appended; values are JSON text.
    static func args(_ base: [(String, String)], _ changes: [(String, String?)]) -> String {
        var pairs = base.map { ($0.0, Optional($0.1)) }
        for (key, value) in changes {
            if let index = pairs.firstIndex(where: { $0.0.unicodeScalars.elementsEqual(key.unicodeScalars) }) {
                pairs[index].1 = value
            } else {
                pairs.append((key, value))
            }
        }
        return "{" + pairs.compactMap { key, value in value.map { "\(js(key)):\($0)" } }.joined(separator: ",") + "}"
    }

    /// One proposal line. `runbook` nil: no `runbook` key (policy-only mode); `context` nil: none.
    static func proposal(
        tool: String, args: String, runbook: String? = "incident", kind: String? = nil,
        context: String? = staging, extra: String = "", id: String = "t"
    ) -> String {
        var out = #"{"id":\#(js(id))"#
        if let runbook { out += #","runbook":\#(js(runbook))"# }
        if let kind { out += #","kind":\#(js(kind))"# }
        out += #","tool":\#(js(tool)),"args":\#(args)"#
        if let context { out += #","context":\#(context)"# }
        return out + extra + "}"
    }

    static let inspectBase: [(String, String)] = [("namespace", #""payments""#), ("pod", #""api-0""#), ("limit", "5")]
    static let scaleBase: [(String, String)] = [
        ("namespace", #""payments""#), ("deployment", #""ledger""#), ("replicas", "3"),
    ]
    static let restartBase: [(String, String)] = [("namespace", #""payments""#), ("deployment", #""ledger""#)]

    /// An `inspect` tool call in runbook `incident` (valid: allowed as `observer`).
    static func inspect(
        _ changes: [(String, String?)] = [], runbook: String? = "incident", kind: String? = nil,
        context: String? = staging, extra: String = ""
    ) -> String {
        proposal(
            tool: "inspect", args: args(inspectBase, changes), runbook: runbook, kind: kind, context: context,
            extra: extra)
    }

    /// A `scale` remediation in runbook `incident` (valid: needs 1 approval).
    static func scale(
        _ changes: [(String, String?)] = [], runbook: String? = "incident", kind: String? = nil,
        context: String? = staging, extra: String = ""
    ) -> String {
        proposal(
            tool: "scale", args: args(scaleBase, changes), runbook: runbook, kind: kind, context: context,
            extra: extra)
    }

    /// A `restart` remediation in runbook `incident` with the given `extra` (e.g. an alert).
    static func restart(
        _ changes: [(String, String?)] = [], runbook: String? = "incident", context: String? = staging,
        extra: String = ""
    ) -> String {
        proposal(tool: "restart", args: args(restartBase, changes), runbook: runbook, context: context, extra: extra)
    }

    /// An alert whose `data.essentials.severity` is the given JSON text.
    static func alert(severity: String) -> String {
        #","alert":{"data":{"essentials":{"alertRule":"adv-1","severity":\#(severity)}}}"#
    }

    // MARK: - Expectations

    /// What a reason's `at` must be.
    enum Loc: Sendable, CustomStringConvertible {
        /// Absent (docs/FORMATS.md §2: `unknown_tool`, `malformed_proposal`).
        case absent
        /// Present, any value.
        case present
        /// Not checked.
        case any
        /// Exactly this `path:line:col`.
        case `is`(String)

        var description: String {
            switch self {
            case .absent: "absent"
            case .present: "present"
            case .any: "any"
            case .is(let s): s
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let options: DecisionOptions
        let word: String
        let codes: [String]
        let ats: [Loc]?
        let approvers: Int?
        let id: String?
        /// The whole decision line, when the spec fixes every byte of it.
        var exactLine: String? = nil
        /// A spec disagreement already reported: the expectation stays, the failure is known.
        let knownIssue: String?

        var testDescription: String { name }

        func known(_ issue: String) -> Case {
            Case(
                name: name, bytes: bytes, options: options, word: word, codes: codes, ats: ats,
                approvers: approvers, id: id, exactLine: exactLine, knownIssue: issue)
        }
        func with(id: String) -> Case {
            Case(
                name: name, bytes: bytes, options: options, word: word, codes: codes, ats: ats,
                approvers: approvers, id: id, exactLine: exactLine, knownIssue: knownIssue)
        }
        func line(_ exact: String) -> Case {
            Case(
                name: name, bytes: bytes, options: options, word: word, codes: codes, ats: ats,
                approvers: approvers, id: id, exactLine: exact, knownIssue: knownIssue)
        }
    }

    static func allow(_ name: String, _ line: String, options: DecisionOptions = DecisionOptions()) -> Case {
        allow(name, Array(line.utf8), options: options)
    }
    static func allow(_ name: String, _ bytes: [UInt8], options: DecisionOptions = DecisionOptions()) -> Case {
        Case(
            name: name, bytes: bytes, options: options, word: "allow", codes: [], ats: nil, approvers: nil, id: nil,
            knownIssue: nil)
    }
    static func approve(
        _ name: String, _ line: String, approvers: Int, options: DecisionOptions = DecisionOptions()
    ) -> Case {
        Case(
            name: name, bytes: Array(line.utf8), options: options, word: "require_approval", codes: [], ats: nil,
            approvers: approvers, id: nil, knownIssue: nil)
    }
    static func deny(
        _ name: String, _ line: String, _ codes: [String], at: [Loc]? = nil,
        options: DecisionOptions = DecisionOptions()
    ) -> Case {
        deny(name, Array(line.utf8), codes, at: at, options: options)
    }
    static func deny(
        _ name: String, _ bytes: [UInt8], _ codes: [String], at: [Loc]? = nil,
        options: DecisionOptions = DecisionOptions()
    ) -> Case {
        precondition(at == nil || at!.count == codes.count, "\(name): one at per code")
        return Case(
            name: name, bytes: bytes, options: options, word: "deny", codes: codes, ats: at, approvers: nil, id: nil,
            knownIssue: nil)
    }
    /// `malformed_proposal` alone, without `at` (docs/FORMATS.md §1–§2).
    static func malformed(_ name: String, _ line: String) -> Case {
        deny(name, line, ["malformed_proposal"], at: [.absent])
    }
    static func malformed(_ name: String, _ bytes: [UInt8]) -> Case {
        deny(name, bytes, ["malformed_proposal"], at: [.absent])
    }

    // MARK: - Deciding

    static func decide(_ bytes: [UInt8], lineNumber: Int = 1, options: DecisionOptions = DecisionOptions()) -> Decision {
        policy.decide(line: bytes, lineNumber: lineNumber, options: options)
    }

    static func reasons(_ decision: Decision) -> [Reason] {
        if case .deny(let reasons) = decision.verdict { return reasons }
        return []
    }

    /// Decides `c` and checks it against its expectation (and that deciding twice is identical).
    static func verify(_ c: Case, sourceLocation: SourceLocation = #_sourceLocation) {
        if let issue = c.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) { check(c, sourceLocation: sourceLocation) }
        } else {
            check(c, sourceLocation: sourceLocation)
        }
    }

    private static func check(_ c: Case, sourceLocation: SourceLocation) {
        let decision = decide(c.bytes, options: c.options)
        let line = DecisionEncoder.jsonLine(decision)
        let reasons = reasons(decision)
        #expect(decision.verdict.word == c.word, "\(c.name): \(line)", sourceLocation: sourceLocation)
        #expect(reasons.map(\.code.rawValue) == c.codes, "\(c.name): \(line)", sourceLocation: sourceLocation)
        if let ats = c.ats, ats.count == reasons.count {
            for (reason, want) in zip(reasons, ats) {
                switch want {
                case .any: break
                case .absent: #expect(reason.at == nil, "\(c.name): \(line)", sourceLocation: sourceLocation)
                case .present: #expect(reason.at != nil, "\(c.name): \(line)", sourceLocation: sourceLocation)
                case .is(let s): #expect(reason.at == s, "\(c.name): \(line)", sourceLocation: sourceLocation)
                }
            }
        }
        switch decision.verdict {
        case .allow(let identity):
            #expect(identity == "observer", "\(c.name): \(line)", sourceLocation: sourceLocation)
        case .requireApproval(let approval, _, _):
            if let approvers = c.approvers {
                #expect(approval.approvers == approvers, "\(c.name): \(line)", sourceLocation: sourceLocation)
            }
        case .deny: break
        }
        if let exact = c.exactLine {
            #expect(line == exact, "\(c.name)", sourceLocation: sourceLocation)
        }
        if let id = c.id {
            #expect(decision.id == id, "\(c.name): \(line)", sourceLocation: sourceLocation)
        }
        // Deterministic: deciding again gives the same bytes.
        #expect(DecisionEncoder.jsonLine(decide(c.bytes, options: c.options)) == line, sourceLocation: sourceLocation)
    }
}

@Suite struct AdversarialFixtureTests {
    @Test func bundleChecksClean() {
        #expect(Adv.compiled.diagnostics == [])
    }

    @Test func baselineProposalsDecide() {
        Adv.verify(Adv.allow("inspect baseline", Adv.inspect()))
        Adv.verify(Adv.approve("scale baseline", Adv.scale(), approvers: 1))
        Adv.verify(Adv.allow("list_nodes in policy-only mode", Adv.proposal(tool: "list_nodes", args: "{}", runbook: nil)))
    }
}
