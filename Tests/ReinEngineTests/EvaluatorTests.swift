import Testing
@testable import ReinEngine

/// The bundle every evaluator test decides against (one file, `rein/bundle.rein`).
private let bundleText = #"""
    identity observer {
      role "Monitoring Reader"
    }
    identity remediator {
      principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
      eligible "Azure Kubernetes Service Cluster Admin Role" at resource
      eligible "Contributor" at resource_group
      max_activation 30m
    }
    tool scale_deployment {
      effect write
      arg namespace: namespace
      arg deployment: name
      arg replicas: int in 1..10
      elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
    }
    tool restart_deployment {
      effect write
      arg namespace: namespace
      arg deployment: name
      elevate remediator role "Contributor" for 20m
    }
    tool get_pods {
      effect read
      arg namespace: namespace
      arg limit: int in 1..50 = 10
      arg lookback: duration in 5m..24h = 1h
      arg label: string len 1..5 matching "[a-z]+" = "ab"
      arg note: string = "n"
      arg tier: "gold" | "silver" = "gold"
      arg verbose: bool = false
    }
    tool get_node {
      effect read
      arg node: name
    }
    policy baseline {
      forbid namespace "kube-system", "kube-public"
      max_iterations 12
      max_elevation 30m
      approval_timeout 15m
      context environment: "prod" | "staging" | "dev"
      context change_freeze: bool = false
      require approvals 2 when context.environment == "prod" and tool.effect == write
      deny * when tool.effect == write and context.change_freeze because "change freeze in effect"
      require approvals 3 for get_node when args.node like "prod-*"
    }
    runbook mem {
      max_iterations 8
      investigate get_pods
      remediate scale_deployment, restart_deployment
      approval {
        channel "sre-oncall"
        approvers 1
        allow "*@contoso.com"
        timeout 10m
        on_timeout page P1
      }
      deny scale_deployment when args.replicas > 6 because "pool cannot host more than 6 replicas"
      deny restart_deployment when alert.severity <= 1
    }

    """#

private struct Bundle {
    let parseDiagnostics: [String]
    let checkDiagnostics: [String]
    let policy: CompiledPolicy

    init(_ text: String) {
        let file = SourceFile(path: "rein/bundle.rein", text: text)
        let syntax = Parser.parse(file, fileIndex: 0)
        let result = Checker.check([syntax])
        parseDiagnostics = syntax.diagnostics.map { "\($0.code)" }
        checkDiagnostics = result.diagnostics.map { "\($0.code)" }
        policy = CompiledPolicy(model: result.model, files: [file])
    }
}

private let bundle = Bundle(bundleText)

/// Decides one proposal line (a malformed one gets `malformed_proposal`) and renders the decision.
private func decide(
    _ line: String, runbook: String? = nil, sessionClosed: Bool = false, approvalPending: Bool = false,
    policy: CompiledPolicy = bundle.policy
) -> String {
    switch ProposalDecoder.decode(line: Array(line.utf8), lineNumber: 1) {
    case .success(let proposal):
        return DecisionEncoder.jsonLine(
            policy.decide(
                proposal,
                options: DecisionOptions(
                    defaultRunbook: runbook, sessionClosed: sessionClosed, approvalPending: approvalPending)))
    case .failure(let malformed):
        return DecisionEncoder.jsonLine(policy.decide(malformed: malformed))
    }
}

private let staging = #""context":{"environment":"staging"}"#
private let prod = #""context":{"environment":"prod"}"#

/// A `scale_deployment` remediation in runbook `mem` with the given `replicas` JSON text.
private func scale(_ replicas: String, namespace: String = #""payments""#) -> String {
    #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"namespace":\#(namespace),"deployment":"ledger","replicas":\#(replicas)},\#(staging)}"#
}

/// A `get_pods` call in runbook `mem` with one extra arg.
private func pods(_ extra: String) -> String {
    #"{"id":"p","runbook":"mem","tool":"get_pods","args":{"namespace":"payments",\#(extra)},\#(staging)}"#
}

@Suite struct EvaluatorTests {
    @Test func bundleChecksClean() {
        #expect(bundle.parseDiagnostics == [])
        #expect(bundle.checkDiagnostics == [])
    }

    /// Proposal lines (runbook `mem` unless noted) and their exact decision lines.
    static let inputs: [String] = [
            // allow / require
            pods(#""limit":5"#),
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":3},\#(prod)}"#,
            #"{"id":"p","runbook":"mem","tool":"restart_deployment","args":{"namespace":"payments","deployment":"ledger"},\#(staging),"alert":{"data":{"essentials":{"severity":"Sev3"}}}}"#,
            #"{"id":"p","tool":"get_node","args":{"node":"prod-1"},\#(staging)}"#,
            #"{"id":"p","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":3},\#(prod)}"#,
            #"{"id":"p","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":9},\#(staging)}"#,
            // evaluation error
            #"{"id":"p","runbook":"mem","tool":"restart_deployment","args":{"namespace":"payments","deployment":"ledger"},\#(staging)}"#,
            #"{"id":"p","runbook":"mem","tool":"restart_deployment","args":{"namespace":"payments","deployment":"ledger"},\#(staging),"alert":{"data":{"essentials":{"severity":"Sev1"}}}}"#,
            #"{"id":"p","runbook":"mem","tool":"restart_deployment","args":{"namespace":"payments","deployment":"ledger"},\#(staging),"alert":{"data":{"essentials":{"severity":3}}}}"#,
            // rule deny
            scale("7"),
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":7},"context":{"environment":"dev","change_freeze":true}}"#,
            // steps 1-3
            #"{"id":"p","runbook":"nope","tool":"nothing","args":{},"session":{"iteration":8}}"#,
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","kind":"tool_call","args":{"namespace":"payments","deployment":"ledger","replicas":3},\#(staging)}"#,
            #"{"id":"p","runbook":"mem","tool":"get_node","args":{"node":"n1"},\#(staging)}"#,
            #"{"id":"p","runbook":"mem","tool":"get_pods","kind":"remediation","args":{"namespace":"payments"},\#(staging)}"#,
            #"{"id":"p","tool":"get_pods","kind":"remediation","args":{"namespace":"payments"},\#(staging)}"#,
            // args
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"replicas":3,"replicas":4,"zzz":1,"zzz":2,"deployment":"Ledger"},"context":{"environment":"qa","x":1}}"#,
            pods(#""lookback":"4m""#), pods(#""lookback":"24h""#), pods(#""lookback":"1h30m""#), pods(#""lookback":"90""#), pods(#""lookback":"m5""#), pods(#""lookback":300"#), pods(#""lookback":"99999999999999999999s""#),
            pods(#""label":"abcdef""#), pods(#""label":"AB""#), pods(#""label":"""#), pods(#""label":"ab\n""#),
            pods(#""tier":"Gold""#), pods(#""tier":"silver""#), pods(#""verbose":"true""#), pods(#""verbose":true"#),
            pods(#""note":"\#(String(repeating: "x", count: 1025))""#),
            scale("0"), scale("1"), scale("10"), scale("11"), scale("-9223372036854775808"), scale("9223372036854775807"), scale("9223372036854775808"),
            scale(#""5""#), scale("5.0"), scale("5e0"), scale("true"), scale("null"), scale("[]"), scale("{}"), scale(#"{"a":1,"a":2}"#),
            scale("3", namespace: #""Kube-System""#), scale("3", namespace: "\"kube\u{2010}system\""), scale("3", namespace: #"" kube-system""#),
            scale("3", namespace: "\"kube-\u{200D}system\""), scale("3", namespace: #""kube-system""#), scale("3", namespace: #""kube-public""#),
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":3},"context":{"environment":"prod","environment":"prod"}}"#,
            #"{"id":"p","runbook":"mem","tool":"scale_deployment","args":{"namespace":"payments","deployment":"ledger","replicas":3}}"#,
            #"{"id":"p","tool":"get_pods","args":{"namespace":"kube-system"},\#(staging)}"#,
            "not json",
    ]

    static let expected: [String] = [
        #"{"id":"p","decision":"allow","identity":"observer"}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":2,"timeout":"PT10M","channel":"sre-oncall"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":1,"timeout":"PT10M","channel":"sre-oncall"},"elevation":{"identity":"remediator","role":"Contributor","scope":"resource_group","duration":"PT20M"}}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":3,"timeout":"PT15M"},"identity":"observer"}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":2,"timeout":"PT15M"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":1,"timeout":"PT15M"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"evaluation_error","message":"rule failed to evaluate: `alert.severity` read, but the proposal has no alert","at":"rein/bundle.rein:60:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"rule","message":"denied by the rule at rein/bundle.rein:60:3","at":"rein/bundle.rein:60:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"evaluation_error","message":"rule failed to evaluate: `alert.severity`: `data.essentials.severity` is missing or not a string","at":"rein/bundle.rein:60:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"rule","message":"pool cannot host more than 6 replicas","at":"rein/bundle.rein:59:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"rule","message":"change freeze in effect","at":"rein/bundle.rein:45:3"},{"code":"rule","message":"pool cannot host more than 6 replicas","at":"rein/bundle.rein:59:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"unknown_runbook","message":"runbook `nope` is not declared"},{"code":"unknown_tool","message":"tool `nothing` is not declared"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"write_needs_remediation","message":"`scale_deployment` is a write tool: propose it as a remediation","at":"rein/bundle.rein:10:1"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"not_in_runbook","message":"`get_node` is not in the investigate list of `mem`","at":"rein/bundle.rein:48:1"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"not_in_runbook","message":"`get_pods` is a read tool: it cannot be a remediation","at":"rein/bundle.rein:48:1"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"not_in_runbook","message":"`get_pods` is a read tool: it cannot be a remediation","at":"rein/bundle.rein:23:1"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"missing_arg","message":"`namespace` is required","at":"rein/bundle.rein:12:3"},{"code":"invalid_name","message":"`deployment` is not a valid name: it has an uppercase letter `L`; only lowercase letters are allowed","at":"rein/bundle.rein:13:3"},{"code":"duplicate_arg","message":"`replicas` is given more than once","at":"rein/bundle.rein:14:3"},{"code":"unknown_arg","message":"`scale_deployment` has no arg `zzz`","at":"rein/bundle.rein:10:1"},{"code":"invalid_context","message":"invalid context: `environment` is not one of \"prod\" | \"staging\" | \"dev\"; `x` is not declared","at":"rein/bundle.rein:42:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`lookback` is 4m, outside 5m..1d","at":"rein/bundle.rein:27:3"}]}"#,
        #"{"id":"p","decision":"allow","identity":"observer"}"#,
        #"{"id":"p","decision":"allow","identity":"observer"}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`lookback` is not a duration like \"15m\" or \"1h30m\"","at":"rein/bundle.rein:27:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`lookback` is not a duration like \"15m\" or \"1h30m\"","at":"rein/bundle.rein:27:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`lookback` must be a duration string, got an int","at":"rein/bundle.rein:27:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`lookback` is a duration beyond the 64-bit range","at":"rein/bundle.rein:27:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`label` is 6 characters, outside 1..5","at":"rein/bundle.rein:28:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"pattern_mismatch","message":"`label` does not match \"[a-z]+\"","at":"rein/bundle.rein:28:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`label` is 0 characters, outside 1..5","at":"rein/bundle.rein:28:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"pattern_mismatch","message":"`label` does not match \"[a-z]+\"","at":"rein/bundle.rein:28:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`tier` is not one of \"gold\" | \"silver\"","at":"rein/bundle.rein:30:3"}]}"#,
        #"{"id":"p","decision":"allow","identity":"observer"}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`verbose` must be a bool, got a string","at":"rein/bundle.rein:31:3"}]}"#,
        #"{"id":"p","decision":"allow","identity":"observer"}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`note` is 1025 characters, over the 1024 allowed","at":"rein/bundle.rein:29:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is 0, outside 1..10","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"require_approval","approval":{"approvers":1,"timeout":"PT10M","channel":"sre-oncall"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"rule","message":"pool cannot host more than 6 replicas","at":"rein/bundle.rein:59:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is 11, outside 1..10","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is -9223372036854775808, outside 1..10","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is 9223372036854775807, outside 1..10","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is 9223372036854775808, beyond the 64-bit int range","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got a string","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got the number 5.0","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got the number 5e0","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got a bool","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got null","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got an array","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got an object","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"type_mismatch","message":"`replicas` must be an int, got an object","at":"rein/bundle.rein:14:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_name","message":"`namespace` is not a valid namespace: it has an uppercase letter `K`; only lowercase letters are allowed","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_name","message":"`namespace` is not a valid namespace: `‐` is not allowed","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_name","message":"`namespace` is not a valid namespace: a space is not allowed","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_name","message":"`namespace` is not a valid namespace: the character U+200D is not allowed","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"forbidden_namespace","message":"`namespace` is the forbidden namespace \"kube-system\"","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"forbidden_namespace","message":"`namespace` is the forbidden namespace \"kube-public\"","at":"rein/bundle.rein:12:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_context","message":"invalid context: `environment` is given more than once","at":"rein/bundle.rein:42:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"invalid_context","message":"invalid context: `environment` is missing","at":"rein/bundle.rein:42:3"}]}"#,
        #"{"id":"p","decision":"deny","reasons":[{"code":"forbidden_namespace","message":"`namespace` is the forbidden namespace \"kube-system\"","at":"rein/bundle.rein:25:3"}]}"#,
        #"{"id":"1","decision":"deny","reasons":[{"code":"malformed_proposal","message":"invalid json: invalid literal at byte 0"}]}"#,
    ]

    @Test func casesAreParallel() { #expect(Self.inputs.count == Self.expected.count) }

    @Test(arguments: zip(inputs, expected))
    func decision(_ line: String, _ expected: String) {
        #expect(decide(line) == expected)
        // Determinism: deciding again gives the same bytes.
        #expect(decide(line) == decide(line))
    }

    @Test func sessionClosedAndApprovalPending() {
        #expect(decide(pods(#""limit":5"#), sessionClosed: true, approvalPending: true) == #"{"id":"p","decision":"deny","reasons":[{"code":"session_closed","message":"the session has ended","at":"rein/bundle.rein:48:1"},{"code":"approval_pending","message":"an approval is pending or a remediation is executing","at":"rein/bundle.rein:48:1"}]}"#)
    }

    @Test func defaultRunbookApplies() {
        #expect(decide(#"{"id":"p","tool":"get_pods","args":{"namespace":"a"},\#(staging)}"#, runbook: "mem") == #"{"id":"p","decision":"allow","identity":"observer"}"#)
        #expect(decide(#"{"id":"p","tool":"get_node","args":{"node":"a"},\#(staging)}"#, runbook: "mem").contains("not_in_runbook"))
    }

    @Test func iterationLimit() {
        #expect(decide(#"{"id":"p","tool":"get_pods","args":{"namespace":"a"},"session":{"iteration":12},\#(staging)}"#) == #"{"id":"p","decision":"deny","reasons":[{"code":"iteration_limit","message":"iteration 12 reaches max_iterations 12","at":"rein/bundle.rein:39:3"}]}"#)
        #expect(decide(#"{"id":"p","tool":"get_pods","args":{"namespace":"a"},"session":{"iteration":11},\#(staging)}"#) == #"{"id":"p","decision":"allow","identity":"observer"}"#)
        #expect(decide(#"{"id":"p","runbook":"mem","tool":"get_pods","args":{"namespace":"a"},"session":{"iteration":8},\#(staging)}"#) == #"{"id":"p","decision":"deny","reasons":[{"code":"iteration_limit","message":"iteration 8 reaches max_iterations 8","at":"rein/bundle.rein:49:3"}]}"#)
    }

    @Test(arguments: [("abc", "a*", true), ("abc", "a?c", true), ("abc", "a?", false), ("a*c", #"a\*c"#, true), ("abc", #"a\*c"#, false), ("", "*", true), ("x", "", false), ("aXbXc", "*b*c", true)])
    func glob(_ value: String, _ pattern: String, _ matches: Bool) {
        #expect(Glob.matches(pattern, value) == matches)
    }
}
