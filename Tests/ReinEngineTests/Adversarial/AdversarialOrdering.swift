import Testing
@testable import ReinEngine

/// Every reason code of docs/FORMATS.md §2 and the collection order of Grammar/README.md §13: steps 1–2
/// (step 2 stops), 3, 4 (declaration order, then unknown args in proposal order; one reason per
/// arg; then one `invalid_context`), and rules only when steps 1–4 gave nothing.
@Suite struct AdversarialOrdering {
    static let closed = DecisionOptions(sessionClosed: true)
    static let pending = DecisionOptions(approvalPending: true)
    static let both = DecisionOptions(sessionClosed: true, approvalPending: true)
    static let freeze = #"{"environment":"staging","change_freeze":true}"#

    static let cases: [Adv.Case] = [
        // Step 1.
        Adv.deny("session_closed", Adv.inspect(), ["session_closed"], options: closed),
        Adv.deny("approval_pending", Adv.inspect(), ["approval_pending"], options: pending),
        Adv.deny("session_closed + approval_pending", Adv.scale(), ["session_closed", "approval_pending"], options: both),
        Adv.allow("iteration 7 of max 8 (runbook)", Adv.inspect(extra: #","session":{"iteration":7}"#)),
        Adv.deny("iteration 8 of max 8 (runbook)", Adv.inspect(extra: #","session":{"iteration":8}"#), ["iteration_limit"], at: [.present]),
        Adv.allow("iteration 11 of max 12 (policy-only)", Adv.inspect(runbook: nil, extra: #","session":{"iteration":11}"#)),
        Adv.deny("iteration 12 of max 12 (policy-only)", Adv.inspect(runbook: nil, extra: #","session":{"iteration":12}"#), ["iteration_limit"], at: [.present]),
        Adv.deny("iteration Int64.max", Adv.inspect(extra: #","session":{"iteration":9223372036854775807}"#), ["iteration_limit"]),
        Adv.deny(
            "step 1 all three, with rule-denied args", Adv.scale([("replicas", "7")], extra: #","session":{"iteration":8}"#),
            ["session_closed", "approval_pending", "iteration_limit"], options: both),
        // Step 2 (stops evaluation).
        Adv.deny("unknown_tool", Adv.proposal(tool: "delete_cluster", args: "{}"), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_tool: case", Adv.proposal(tool: "Inspect", args: Adv.args(Adv.inspectBase, [])), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_tool: trailing space", Adv.proposal(tool: "inspect ", args: Adv.args(Adv.inspectBase, [])), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_tool: ZWSP", Adv.proposal(tool: "inspect\u{200B}", args: Adv.args(Adv.inspectBase, [])), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_tool: Cyrillic", Adv.proposal(tool: "in\u{455}pect", args: Adv.args(Adv.inspectBase, [])), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_tool: empty", Adv.proposal(tool: "", args: "{}"), ["unknown_tool"], at: [.absent]),
        Adv.deny("unknown_runbook", Adv.inspect(runbook: "Incident"), ["unknown_runbook"]),
        Adv.deny("unknown_runbook: ZWJ", Adv.inspect(runbook: "incident\u{200D}"), ["unknown_runbook"]),
        Adv.deny("unknown_runbook: empty name", Adv.inspect(runbook: ""), ["unknown_runbook"]),
        Adv.deny(
            "unknown_runbook + unknown_tool", Adv.proposal(tool: "nope", args: "{}", runbook: "nope"),
            ["unknown_runbook", "unknown_tool"], at: [.any, .absent]),
        Adv.deny(
            "unknown_tool stops: bad context and kind not looked at",
            Adv.proposal(tool: "nope", args: #"{"x":1}"#, kind: "remediation", context: #"{"bogus":1}"#),
            ["unknown_tool"], at: [.absent]),
        Adv.deny(
            "unknown_runbook stops: bad args not looked at",
            Adv.scale([("namespace", #""kube-system""#), ("replicas", "99")], runbook: "nope", context: #"{"x":1}"#),
            ["unknown_runbook"]),
        Adv.deny(
            "steps 1 and 2 together",
            Adv.proposal(tool: "nope", args: "{}", runbook: "nope", extra: #","session":{"iteration":12}"#),
            ["session_closed", "approval_pending", "iteration_limit", "unknown_runbook", "unknown_tool"],
            at: [.any, .any, .any, .any, .absent], options: both),
        // Step 3.
        Adv.deny("write as tool_call", Adv.scale(kind: "tool_call"), ["write_needs_remediation"], at: [.present]),
        Adv.deny("write as tool_call, policy-only", Adv.scale(runbook: nil, kind: "tool_call"), ["write_needs_remediation"], at: [.present]),
        Adv.deny(
            "write not in remediate, as tool_call: no not_in_runbook",
            Adv.proposal(tool: "drain", args: #"{"node":"n1"}"#, kind: "tool_call"), ["write_needs_remediation"], at: [.present]),
        Adv.deny(
            "write not in remediate", Adv.proposal(tool: "drain", args: #"{"node":"n1"}"#), ["not_in_runbook"], at: [.present]),
        Adv.approve("write not in any runbook, policy-only", drain(alert: firing), approvers: 1),
        Adv.deny("read not in investigate", Adv.proposal(tool: "list_nodes", args: "{}"), ["not_in_runbook"], at: [.present]),
        Adv.deny("read as remediation", Adv.inspect(kind: "remediation"), ["not_in_runbook"], at: [.present]),
        Adv.deny("read as remediation, policy-only", Adv.inspect(runbook: nil, kind: "remediation"), ["not_in_runbook"], at: [.present]),
        Adv.allow("read tool, default runbook via options", Adv.inspect(runbook: nil), options: DecisionOptions(defaultRunbook: "incident")),
        Adv.deny(
            "list_nodes, default runbook via options", Adv.proposal(tool: "list_nodes", args: "{}", runbook: nil),
            ["not_in_runbook"], options: DecisionOptions(defaultRunbook: "incident")),
        Adv.deny(
            "default runbook unknown", Adv.inspect(runbook: nil), ["unknown_runbook"],
            options: DecisionOptions(defaultRunbook: "nope")),
        // Step 4: declaration order, then unknown args in proposal order, then one invalid_context.
        Adv.deny(
            "scale: every arg wrong + unknowns + context",
            Adv.proposal(
                tool: "scale",
                args: #"{"zzz":1,"replicas":"3","deployment":"API","namespace":"kube-system","yyy":2}"#,
                context: #"{"environment":"qa","x":1}"#),
            ["forbidden_namespace", "invalid_name", "type_mismatch", "unknown_arg", "unknown_arg", "invalid_context"],
            at: [Adv.arg("scale", "namespace"), Adv.arg("scale", "deployment"), Adv.arg("scale", "replicas"), .present, .present, .present]),
        Adv.deny(
            "inspect: one reason per arg, in declaration order",
            Adv.proposal(
                tool: "inspect",
                args: #"{"b":0,"note":5,"tag":"ABC","selector":"A","label":"","tier":"x","verbose":"yes","lookback":"1m","limit":"x","pod":"a","pod":"b","a":0}"#,
                context: "{}"),
            ["missing_arg", "duplicate_arg", "type_mismatch", "out_of_bounds", "type_mismatch", "out_of_bounds",
             "out_of_bounds", "pattern_mismatch", "pattern_mismatch", "type_mismatch", "unknown_arg", "unknown_arg",
             "invalid_context"],
            at: [Adv.arg("inspect", "namespace"), Adv.arg("inspect", "pod"), Adv.arg("inspect", "limit"),
                 Adv.arg("inspect", "lookback"), Adv.arg("inspect", "verbose"), Adv.arg("inspect", "tier"),
                 Adv.arg("inspect", "label"), Adv.arg("inspect", "selector"), Adv.arg("inspect", "tag"),
                 Adv.arg("inspect", "note"), .present, .present, .present]),
        Adv.deny(
            "write_needs_remediation + args + context",
            Adv.scale([("replicas", "0")], kind: "tool_call", context: nil),
            ["write_needs_remediation", "out_of_bounds", "invalid_context"], at: [.present, Adv.arg("scale", "replicas"), .present]),
        Adv.deny(
            "not_in_runbook + args", Adv.proposal(tool: "list_nodes", args: #"{"namespace":"kube-system"}"#),
            ["not_in_runbook", "unknown_arg"]),
        Adv.deny("missing every arg", Adv.proposal(tool: "scale", args: "{}"), ["missing_arg", "missing_arg", "missing_arg"],
                 at: [Adv.arg("scale", "namespace"), Adv.arg("scale", "deployment"), Adv.arg("scale", "replicas")]),
        Adv.deny("arg key case", Adv.inspect([("Limit", "5"), ("limit", nil)]), ["missing_arg", "unknown_arg"],
                 at: [Adv.arg("inspect", "limit"), .present]),
        Adv.deny(
            "arg keys café NFC and NFD are two unknown args", Adv.inspect([("caf\u{E9}", "1"), ("cafe\u{301}", "2")]),
            ["unknown_arg", "unknown_arg"], at: [.present, .present]),
        Adv.deny("arg key with space", Adv.inspect([("limit ", "5"), ("limit", nil)]), ["missing_arg", "unknown_arg"]),
        Adv.deny("arg key with ZWSP", Adv.inspect([("lim\u{200B}it", "5"), ("limit", nil)]), ["missing_arg", "unknown_arg"]),
        Adv.deny("arg key injection", Adv.inspect([(#"namespace":"payments"#, "1"), ("namespace", nil)]), ["missing_arg", "unknown_arg"]),
        // Context.
        Adv.deny("context missing", Adv.inspect(context: nil), ["invalid_context"], at: [.present]),
        Adv.deny("context empty", Adv.inspect(context: "{}"), ["invalid_context"], at: [.present]),
        Adv.deny("context only defaulted key", Adv.inspect(context: #"{"change_freeze":false}"#), ["invalid_context"]),
        Adv.deny("context Prod", Adv.inspect(context: #"{"environment":"Prod"}"#), ["invalid_context"]),
        Adv.deny("context prod + space", Adv.inspect(context: #"{"environment":"prod "}"#), ["invalid_context"]),
        Adv.deny("context null value", Adv.inspect(context: #"{"environment":null}"#), ["invalid_context"]),
        Adv.deny("context bool as string", Adv.inspect(context: #"{"environment":"dev","change_freeze":"true"}"#), ["invalid_context"]),
        Adv.deny("context int out of range", Adv.inspect(context: #"{"environment":"dev","budget":101}"#), ["invalid_context"]),
        Adv.deny("context int as float", Adv.inspect(context: #"{"environment":"dev","budget":10.0}"#), ["invalid_context"]),
        Adv.deny("context int beyond 64 bits", Adv.inspect(context: #"{"environment":"dev","budget":9223372036854775808}"#), ["invalid_context"]),
        Adv.deny("context undeclared key", Adv.inspect(context: #"{"environment":"dev","role":"admin"}"#), ["invalid_context"]),
        Adv.deny(
            "context: many offending keys, one reason",
            Adv.inspect(context: #"{"environment":"qa","change_freeze":1,"budget":-1,"x":1,"y":2}"#), ["invalid_context"]),
        Adv.allow("context every key", Adv.inspect(context: #"{"environment":"dev","change_freeze":false,"budget":0}"#)),
        Adv.allow("context budget hi", Adv.inspect(context: #"{"environment":"dev","budget":100}"#)),
        // Step 5: rules, bundle order (policy first, then runbook), only after a clean step 4.
        Adv.deny("change freeze denies a write", Adv.scale(context: freeze), ["rule"], at: [Adv.rule("deny * when tool.effect == write")]),
        Adv.allow("change freeze leaves a read", Adv.inspect(context: freeze)),
        Adv.deny(
            "two rules in bundle order", Adv.scale([("replicas", "7")], context: freeze), ["rule", "rule"],
            at: [Adv.rule("deny * when tool.effect == write"), Adv.rule("deny scale when args.replicas")]),
        Adv.deny(
            "three rules in bundle order",
            Adv.scale([("namespace", #""payments-legacy""#), ("replicas", "7")], context: freeze), ["rule", "rule", "rule"],
            at: [Adv.rule("deny * when tool.effect == write"), Adv.rule("deny * when args.namespace"),
                 Adv.rule("deny scale when args.replicas")]),
        Adv.deny(
            "rules not evaluated after a step-4 reason",
            Adv.scale([("replicas", "7")], context: #"{"environment":"staging","change_freeze":true,"x":1}"#),
            ["invalid_context"]),
        Adv.deny(
            "rules not evaluated after step 1",
            Adv.scale([("replicas", "7")], context: freeze), ["approval_pending"], options: pending),
        Adv.approve("prod write needs 2", Adv.scale(context: Adv.prod), approvers: 2),
        Adv.approve("prod write, policy-only", Adv.scale(runbook: nil, context: Adv.prod), approvers: 2),
        Adv.allow("prod read", Adv.inspect(context: Adv.prod)),
        // evaluation_error: the rule reads alert.severity; fail closed.
        Adv.deny(
            "restart without alert", Adv.restart(), ["evaluation_error", "evaluation_error"],
            at: [Adv.rule("deny restart when alert.severity"), Adv.rule("require approvals 3 for restart")]),
        Adv.deny(
            "restart with an int severity", Adv.restart(extra: Adv.alert(severity: "1")), ["evaluation_error", "evaluation_error"],
            at: [Adv.rule("deny restart when alert.severity"), Adv.rule("require approvals 3 for restart")]),
        Adv.deny(
            "restart with severity null", Adv.restart(extra: Adv.alert(severity: "null")), ["evaluation_error", "evaluation_error"]),
        Adv.deny(
            "restart with empty alert", Adv.restart(extra: #","alert":{}"#), ["evaluation_error", "evaluation_error"]),
        Adv.deny("restart at Sev1", Adv.restart(extra: Adv.alert(severity: #""Sev1""#)), ["rule"], at: [Adv.rule("deny restart when alert.severity")]),
        Adv.deny("restart at Sev0", Adv.restart(extra: Adv.alert(severity: #""Sev0""#)), ["rule"], at: [Adv.rule("deny restart when alert.severity")]),
        Adv.approve("restart at Sev2 needs 3", Adv.restart(extra: Adv.alert(severity: #""Sev2""#)), approvers: 3),
        Adv.approve("restart at Sev3", Adv.restart(extra: Adv.alert(severity: #""Sev3""#)), approvers: 1),
        Adv.approve("restart at Sev3 in prod", Adv.restart(context: Adv.prod, extra: Adv.alert(severity: #""Sev3""#)), approvers: 2),
        Adv.deny(
            "restart: a freeze rule and an evaluation error", Adv.restart(context: freeze),
            ["rule", "evaluation_error", "evaluation_error"]),
        Adv.approve("restart policy-only: runbook rules not in force", Adv.restart(runbook: nil), approvers: 1),
        // `and` / `or` stop early: an error counts only where evaluation reaches it.
        Adv.deny("drain dev, no alert: `or` stops early", drain(context: #"{"environment":"dev"}"#), ["rule"], at: [drainOr]),
        Adv.deny("drain staging, no alert: `or` reaches the alert", drain(), ["evaluation_error"], at: [drainOr]),
        Adv.deny("drain prod, no alert: both reach the alert", drain(context: Adv.prod), ["evaluation_error", "evaluation_error"], at: [drainAnd, drainOr]),
        Adv.deny("drain prod, firing", drain(context: Adv.prod, alert: firing), ["rule"], at: [drainAnd]),
        Adv.deny("drain staging, Sev0", drain(alert: #""Sev0","monitorCondition":"Resolved""#), ["rule"], at: [drainOr]),
        Adv.approve("drain prod, resolved", drain(context: Adv.prod, alert: #""Sev3","monitorCondition":"Resolved""#), approvers: 2),
        Adv.approve("drain staging, firing", drain(alert: firing), approvers: 1),
        // A `*` rule reading args.namespace as a string does not apply to an int `namespace`.
        Adv.allow("shard_stats int namespace: the * rule does not apply", Adv.proposal(tool: "shard_stats", args: #"{"namespace":5}"#)),
        Adv.deny("shard_stats string namespace", Adv.proposal(tool: "shard_stats", args: #"{"namespace":"payments-legacy"}"#), ["type_mismatch"], at: [Adv.arg("shard_stats", "namespace")]),
        Adv.deny("shard_stats namespace 100", Adv.proposal(tool: "shard_stats", args: #"{"namespace":100}"#), ["out_of_bounds"], at: [Adv.arg("shard_stats", "namespace")]),
        // A namespace-typed context key is held to the forbidden list too.
        Adv.deny("context target kube-system", Adv.inspect(context: #"{"environment":"dev","target":"kube-system"}"#), ["invalid_context"], at: [.present]),
        Adv.deny("context target KUBE-SYSTEM", Adv.inspect(context: #"{"environment":"dev","target":"KUBE-SYSTEM"}"#), ["invalid_context"], at: [.present]),
        Adv.deny("context target with ZWSP", Adv.inspect(context: "{\"environment\":\"dev\",\"target\":\"kube-system\u{200B}\"}"), ["invalid_context"], at: [.present]),
        Adv.allow("context target payments", Adv.inspect(context: #"{"environment":"dev","target":"payments"}"#)),
    ]

    /// `alert.severity` is the number in `SevN`, 0–4 (docs/FORMATS.md §3); anything else read by a rule
    /// is an `evaluation_error` (fail closed), never a lenient parse. Strings compare exactly.
    static let restartRuleAts = [Adv.rule("deny restart when alert.severity"), Adv.rule("require approvals 3 for restart")]
    static let alertCases: [Adv.Case] = {
        var out: [Adv.Case] = [
            Adv.approve("severity Sev4", Adv.restart(extra: Adv.alert(severity: #""Sev4""#)), approvers: 1),
            Adv.approve("drain prod, monitorCondition fired (lowercase)", drain(context: Adv.prod, alert: #""Sev3","monitorCondition":"fired""#), approvers: 2),
            Adv.approve("drain prod, monitorCondition with a trailing space", drain(context: Adv.prod, alert: #""Sev3","monitorCondition":"Fired ""#), approvers: 2),
            Adv.deny("drain prod, monitorCondition an int", drain(context: Adv.prod, alert: #""Sev3","monitorCondition":1"#), ["evaluation_error"], at: [drainAnd]),
        ]
        for sev in ["Sev5", "sev3", "SEV3", "Sev 3", "Sev3 ", " Sev3", "Sev3\n", "Sev-3", "Sev\u{FF13}", "Sev3\u{200B}", "Sev\u{663}", "Sev", "3", "Sev99999999999999999999", ""] {
            out.append(Adv.deny(
                "severity \(Adv.js(sev))", Adv.restart(extra: Adv.alert(severity: Adv.js(sev))),
                ["evaluation_error", "evaluation_error"], at: restartRuleAts))
        }
        return out
    }()

    static let drainAnd = Adv.rule("deny drain when context.environment == \"prod\"")
    static let drainOr = Adv.rule("deny drain when context.environment == \"dev\"")
    static let firing = #""Sev3","monitorCondition":"Fired""#
    /// A `drain` remediation in policy-only mode; `alert` is the essentials' members after severity.
    static func drain(context: String = Adv.staging, alert: String? = nil) -> String {
        Adv.proposal(
            tool: "drain", args: #"{"node":"n1"}"#, runbook: nil, context: context,
            extra: alert.map { #","alert":{"data":{"essentials":{"severity":\#($0)}}}"# } ?? "")
    }

    /// Whole decision lines, every byte fixed by docs/FORMATS.md §2 and Grammar/README.md §13: approvers =
    /// max(runbook's, matching rules); timeout = min(runbook's, policies' approval_timeout), 15m in
    /// policy-only mode; channel only with a runbook; elevation duration = min(tool `for`, policy
    /// `max_elevation`, identity `max_activation`).
    static let elevation15 = #""elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}"#
    static let outcomes: [Adv.Case] = [
        Adv.allow("allow line", Adv.inspect()).line(#"{"id":"t","decision":"allow","identity":"observer"}"#),
        Adv.approve("scale in runbook", Adv.scale(), approvers: 1)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":1,"timeout":"PT10M","channel":"sre-oncall"},\#(elevation15)}"#),
        Adv.approve("scale in runbook, prod", Adv.scale(context: Adv.prod), approvers: 2)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":2,"timeout":"PT10M","channel":"sre-oncall"},\#(elevation15)}"#),
        Adv.approve("scale policy-only", Adv.scale(runbook: nil), approvers: 1)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":1,"timeout":"PT15M"},\#(elevation15)}"#),
        Adv.approve("restart policy-only: 20m", Adv.restart(runbook: nil), approvers: 1)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":1,"timeout":"PT15M"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT20M"}}"#),
        Adv.approve("drain: 10m", drain(alert: firing), approvers: 1)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":1,"timeout":"PT15M"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT10M"}}"#),
        Adv.approve("inspect limit 45 in runbook", Adv.inspect([("limit", "45")]), approvers: 3)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":3,"timeout":"PT10M","channel":"sre-oncall"},"identity":"observer"}"#),
        Adv.approve("inspect limit 45 policy-only", Adv.inspect([("limit", "45")], runbook: nil), approvers: 3)
            .line(#"{"id":"t","decision":"require_approval","approval":{"approvers":3,"timeout":"PT15M"},"identity":"observer"}"#),
        Adv.malformed("malformed line has no at", "{").with(id: "1"),
    ]

    @Test(arguments: cases) func ordering(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: outcomes) func outcome(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: alertCases) func alertField(_ c: Adv.Case) { Adv.verify(c) }

    /// Every reason code of the closed set occurs in the suite's expectations.
    @Test func everyReasonCodeIsCovered() {
        var seen = Set<String>()
        for group in AdversarialSuiteIndex.allCaseGroups { for c in group { seen.formUnion(c.codes) } }
        for code in ReasonCode.allCases {
            #expect(seen.contains(code.rawValue), "no case expects \(code.rawValue)")
        }
    }

    /// The number of spec-derived proposal cases in the parameterized tables.
    @Test func suiteHasAtLeast150Cases() {
        let total = AdversarialSuiteIndex.allCaseGroups.reduce(0) { $0 + $1.count }
        #expect(total >= 150, "\(total) cases")
    }
}

enum AdversarialSuiteIndex {
    static var allCaseGroups: [[Adv.Case]] {
        [
            AdversarialNames.namespaceCases, AdversarialNames.nameCases,
            AdversarialBounds.intCases, AdversarialBounds.durationCases, AdversarialBounds.stringCases, AdversarialBounds.enumCases,
            AdversarialTypeConfusion.matrixCases, AdversarialTypeConfusion.extraCases,
            AdversarialDuplicateKeys.cases,
            AdversarialStrictness.shapeCases, AdversarialStrictness.encodingCases,
            AdversarialInjection.payloadCases, AdversarialInjection.thoughtInjection,
            AdversarialOrdering.cases, AdversarialOrdering.outcomes, AdversarialOrdering.alertCases,
        ]
    }
}
