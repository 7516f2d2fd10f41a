import Testing
@testable import ReinEngine

/// Duplicate keys at every level (docs/FORMATS.md §1 "Which code a strictness failure gets"): top level
/// → `malformed_proposal`; inside `args` → `duplicate_arg` (a duplicated unknown key → one
/// `unknown_arg`); nested inside one arg's value → that arg's `type_mismatch`; inside `context` →
/// `invalid_context`; inside `session` or anywhere in `alert` → `malformed_proposal`.
@Suite struct AdversarialDuplicateKeys {
    static let args = #""args":{"namespace":"payments","pod":"api-0","limit":5}"#
    static let limit = Adv.arg("inspect", "limit")

    static let cases: [Adv.Case] = [
        // Top level.
        Adv.malformed("top: tool twice", #"{"id":"t","tool":"inspect","tool":"inspect",\#(args),"context":{"environment":"staging"}}"#).with(id: "t"),
        Adv.malformed("top: args twice", #"{"id":"t","tool":"inspect",\#(args),\#(args),"context":{"environment":"staging"}}"#).with(id: "t"),
        Adv.malformed("top: id twice (id unreadable)", #"{"id":"t","id":"u","tool":"inspect",\#(args),"context":{"environment":"staging"}}"#).with(id: "1"),
        Adv.malformed("top: thought twice", #"{"id":"t","tool":"inspect",\#(args),"thought":"a","thought":"b","context":{"environment":"staging"}}"#).with(id: "t"),
        Adv.malformed("top: context twice", #"{"id":"t","tool":"inspect",\#(args),"context":{"environment":"staging"},"context":{"environment":"staging"}}"#),
        Adv.malformed("top: runbook twice", #"{"id":"t","runbook":"incident","runbook":"incident","tool":"inspect",\#(args),"context":{"environment":"staging"}}"#),
        Adv.malformed("top: tool twice via escape", #"{"id":"t","tool":"inspect","t\u006fol":"inspect",\#(args),"context":{"environment":"staging"}}"#),
        Adv.malformed("top: kind twice", #"{"id":"t","kind":"tool_call","kind":"tool_call","tool":"inspect",\#(args),"context":{"environment":"staging"}}"#),
        // Inside args.
        Adv.deny("args: limit twice, same value", Adv.inspect([("limit", "5,\"limit\":5")]), ["duplicate_arg"], at: [limit]),
        Adv.deny("args: limit twice, first invalid", Adv.inspect([("limit", "99,\"limit\":5")]), ["duplicate_arg"], at: [limit]),
        Adv.deny("args: limit twice via escape", Adv.inspect([("limit", "5,\"lim\\u0069t\":6")]), ["duplicate_arg"], at: [limit]),
        Adv.deny(
            "args: namespace twice, second forbidden", Adv.inspect([("namespace", #""payments","namespace":"kube-system""#)]),
            ["duplicate_arg"], at: [Adv.arg("inspect", "namespace")]),
        Adv.deny(
            "args: namespace three times", Adv.inspect([("namespace", #""a","namespace":"b","namespace":"c""#)]),
            ["duplicate_arg"], at: [Adv.arg("inspect", "namespace")]),
        Adv.deny(
            "args: optional arg twice", Adv.inspect([("verbose", "true,\"verbose\":true")]), ["duplicate_arg"],
            at: [Adv.arg("inspect", "verbose")]),
        Adv.deny("args: unknown key twice", Adv.inspect([("zzz", "1,\"zzz\":2")]), ["unknown_arg"], at: [.present]),
        Adv.deny("args: unknown key three times", Adv.inspect([("zzz", "1,\"zzz\":2,\"zzz\":3")]), ["unknown_arg"], at: [.present]),
        Adv.deny(
            "args: known and unknown twice", Adv.inspect([("zzz", "1,\"limit\":5,\"zzz\":2")]),
            ["duplicate_arg", "unknown_arg"], at: [limit, .present]),
        Adv.deny(
            "args: scale replicas twice, one out of range", Adv.scale([("replicas", "3,\"replicas\":50")]),
            ["duplicate_arg"], at: [Adv.arg("scale", "replicas")]),
        // Nested inside one arg's value.
        Adv.deny("args: nested dup in limit", Adv.inspect([("limit", #"{"a":1,"a":2}"#)]), ["type_mismatch"], at: [limit]),
        Adv.deny(
            "args: nested dup in note", Adv.inspect([("note", #"{"a":1,"a":2}"#)]), ["type_mismatch"],
            at: [Adv.arg("inspect", "note")]),
        Adv.deny(
            "args: nested dup in namespace array", Adv.inspect([("namespace", #"[{"x":1,"x":1}]"#)]), ["type_mismatch"],
            at: [Adv.arg("inspect", "namespace")]),
        Adv.deny(
            "args: deep nested dup in pod", Adv.inspect([("pod", #"[[[{"a":{"b":1,"b":1}}]]]"#)]), ["type_mismatch"],
            at: [Adv.arg("inspect", "pod")]),
        // Inside context.
        Adv.deny(
            "context: environment twice", Adv.inspect(context: #"{"environment":"staging","environment":"staging"}"#),
            ["invalid_context"], at: [.present]),
        Adv.deny(
            "context: defaulted key twice",
            Adv.inspect(context: #"{"environment":"staging","change_freeze":false,"change_freeze":false}"#),
            ["invalid_context"], at: [.present]),
        Adv.deny(
            "context: undeclared key twice", Adv.inspect(context: #"{"environment":"staging","x":1,"x":1}"#),
            ["invalid_context"], at: [.present]),
        Adv.deny(
            "context: nested dup in a value", Adv.inspect(context: #"{"environment":{"a":1,"a":1}}"#),
            ["invalid_context"], at: [.present]),
        Adv.deny(
            "context dup with arg dup: both, args first",
            Adv.inspect([("limit", "5,\"limit\":5")], context: #"{"environment":"staging","environment":"prod"}"#),
            ["duplicate_arg", "invalid_context"], at: [limit, .present]),
        // Inside session.
        Adv.malformed("session: iteration twice", Adv.inspect(extra: #","session":{"iteration":1,"iteration":1}"#)),
        Adv.malformed("session: tools twice", Adv.inspect(extra: #","session":{"tools":[],"tools":[]}"#)),
        Adv.malformed("session: denials twice", Adv.inspect(extra: #","session":{"denials":0,"denials":1}"#)),
        // Inside alert, at any depth (the alert is not even read for `inspect`).
        Adv.malformed("alert: top dup", Adv.inspect(extra: #","alert":{"a":1,"a":1}"#)),
        Adv.malformed("alert: dup at depth 3", Adv.inspect(extra: #","alert":{"data":{"essentials":{"severity":"Sev3","severity":"Sev0"}}}"#)),
        Adv.malformed("alert: dup inside array", Adv.inspect(extra: #","alert":{"data":{"ids":[1,{"x":1,"x":2}]}}"#)),
        Adv.malformed(
            "alert: dup at depth 60",
            Adv.inspect(extra: #","alert":"# + String(repeating: #"{"a":"#, count: 60) + #"{"k":1,"k":2}"# + String(repeating: "}", count: 60))),
        Adv.malformed(
            "restart: dup severity in alert",
            Adv.restart(extra: #","alert":{"data":{"essentials":{"severity":"Sev3","severity":"Sev1"}}}"#)),
    ]

    @Test(arguments: cases) func duplicate(_ c: Adv.Case) { Adv.verify(c) }
}
