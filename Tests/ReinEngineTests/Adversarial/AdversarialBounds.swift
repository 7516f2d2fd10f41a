import Testing
@testable import ReinEngine

/// Range, length, cap and enum bounds (Grammar/README.md §7): `in LO..HI` inclusive, `len` and the
/// 1024-scalar default cap count Unicode scalars, enums compare exactly (no normalisation); an
/// integer beyond 64 bits is `out_of_bounds` (docs/FORMATS.md §1).
@Suite struct AdversarialBounds {
    static let limit = Adv.arg("inspect", "limit")
    static let replicas = Adv.arg("scale", "replicas")
    static let lookback = Adv.arg("inspect", "lookback")
    static let label = Adv.arg("inspect", "label")
    static let selector = Adv.arg("inspect", "selector")
    static let tag = Adv.arg("inspect", "tag")
    static let note = Adv.arg("inspect", "note")
    static let tier = Adv.arg("inspect", "tier")

    static func limitCase(_ json: String, _ codes: [String]) -> Adv.Case {
        Adv.deny("limit \(json.count > 40 ? String(json.prefix(20)) + "…(\(json.count) chars)" : json)", Adv.inspect([("limit", json)]), codes, at: codes.map { _ in limit })
    }
    static func replicasCase(_ json: String, _ codes: [String]) -> Adv.Case {
        Adv.deny("replicas \(json)", Adv.scale([("replicas", json)]), codes, at: codes.map { _ in replicas })
    }

    static let intCases: [Adv.Case] = [
        limitCase("0", ["out_of_bounds"]),
        Adv.allow("limit 1 (lo)", Adv.inspect([("limit", "1")])),
        Adv.allow("limit 40", Adv.inspect([("limit", "40")])),
        Adv.approve("limit 41 (require approvals 3)", Adv.inspect([("limit", "41")]), approvers: 3),
        Adv.approve("limit 50 (hi)", Adv.inspect([("limit", "50")]), approvers: 3),
        limitCase("51", ["out_of_bounds"]),
        limitCase("-1", ["out_of_bounds"]),
        limitCase("-0", ["out_of_bounds"]),
        limitCase("-9223372036854775808", ["out_of_bounds"]),
        limitCase("9223372036854775807", ["out_of_bounds"]),
        limitCase("9223372036854775808", ["out_of_bounds"]),
        limitCase("-9223372036854775809", ["out_of_bounds"]),
        limitCase("18446744073709551616", ["out_of_bounds"]),
        limitCase("100000000000000000000000000000000000000000", ["out_of_bounds"]),
        limitCase("1" + String(repeating: "0", count: 10_000), ["out_of_bounds"]),
        limitCase("-1" + String(repeating: "0", count: 10_000), ["out_of_bounds"]),
        replicasCase("0", ["out_of_bounds"]),
        Adv.approve("replicas 1 (lo)", Adv.scale([("replicas", "1")]), approvers: 1),
        Adv.approve("replicas 6", Adv.scale([("replicas", "6")]), approvers: 1),
        Adv.deny(
            "replicas 7 (runbook rule)", Adv.scale([("replicas", "7")]), ["rule"],
            at: [Adv.rule("deny scale when args.replicas")]),
        Adv.deny(
            "replicas 10 (hi, runbook rule)", Adv.scale([("replicas", "10")]), ["rule"],
            at: [Adv.rule("deny scale when args.replicas")]),
        replicasCase("11", ["out_of_bounds"]),
        replicasCase("-9223372036854775808", ["out_of_bounds"]),
        replicasCase("9223372036854775807", ["out_of_bounds"]),
        replicasCase("9223372036854775808", ["out_of_bounds"]),
        replicasCase("-9223372036854775809", ["out_of_bounds"]),
    ]

    static func lookbackCase(_ value: String, _ codes: [String]) -> Adv.Case {
        if codes.isEmpty { return Adv.allow("lookback \(Adv.js(value))", Adv.inspect([("lookback", Adv.js(value))])) }
        return Adv.deny(
            "lookback \(Adv.js(value))", Adv.inspect([("lookback", Adv.js(value))]), codes, at: codes.map { _ in lookback })
    }

    static let durationCases: [Adv.Case] = [
        lookbackCase("5m", []),
        lookbackCase("300s", []),
        lookbackCase("0h5m0s", []),
        lookbackCase("24h", []),
        lookbackCase("1d", []),
        lookbackCase("1440m", []),
        lookbackCase("23h59m60s", []),
        lookbackCase("4m59s", ["out_of_bounds"]),
        lookbackCase("299s", ["out_of_bounds"]),
        lookbackCase("0s", ["out_of_bounds"]),
        lookbackCase("24h1s", ["out_of_bounds"]),
        lookbackCase("1d0h0m1s", ["out_of_bounds"]),
        lookbackCase("86401s", ["out_of_bounds"]),
        lookbackCase("9223372036854775807s", ["out_of_bounds"]),
        lookbackCase("99999999999999999999s", ["out_of_bounds"]),
        lookbackCase("106751991167301d", ["out_of_bounds"]),
        // Not Rein duration syntax: the wrong shape of value.
        lookbackCase("05m", []),
        lookbackCase("0d5m", []),
        lookbackCase("5m0s0s", ["type_mismatch"]),
        lookbackCase("1h1h", ["type_mismatch"]),
        lookbackCase("5M", ["type_mismatch"]),
        lookbackCase("5 m", ["type_mismatch"]),
        lookbackCase("", ["type_mismatch"]),
        lookbackCase("m", ["type_mismatch"]),
        lookbackCase("5", ["type_mismatch"]),
        lookbackCase("5min", ["type_mismatch"]),
        lookbackCase("30m1h", ["type_mismatch"]),
        lookbackCase("PT5M", ["type_mismatch"]),
        lookbackCase(" 5m", ["type_mismatch"]),
        lookbackCase("5m ", ["type_mismatch"]),
        lookbackCase("5m\n", ["type_mismatch"]),
        lookbackCase("-5m", ["type_mismatch"]),
        lookbackCase("+5m", ["type_mismatch"]),
        lookbackCase("1.5h", ["type_mismatch"]),
        lookbackCase("\u{FF15}m", ["type_mismatch"]),
        lookbackCase("5m\u{200B}", ["type_mismatch"]),
    ]

    static func stringCase(_ arg: String, _ at: Adv.Loc, _ value: String, _ codes: [String], _ name: String? = nil) -> Adv.Case {
        let label = "\(arg) " + (name ?? Adv.js(value))
        if codes.isEmpty { return Adv.allow(label, Adv.inspect([(arg, Adv.js(value))])) }
        return Adv.deny(label, Adv.inspect([(arg, Adv.js(value))]), codes, at: codes.map { _ in at })
    }

    static let e5NFC = String(repeating: "\u{E9}", count: 5)
    static let e5NFD = String(repeating: "e\u{301}", count: 5)
    static let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"  // one grapheme, 5 scalars

    static let stringCases: [Adv.Case] = [
        // label: string len 1..5 (scalars).
        stringCase("label", label, "a", []),
        stringCase("label", label, "abcde", []),
        stringCase("label", label, "", ["out_of_bounds"]),
        stringCase("label", label, "abcdef", ["out_of_bounds"]),
        stringCase("label", label, e5NFC, [], "5 x U+00E9"),
        stringCase("label", label, e5NFD, ["out_of_bounds"], "5 x e+U+0301 (10 scalars)"),
        stringCase("label", label, family, [], "family emoji (5 scalars)"),
        stringCase("label", label, family + "a", ["out_of_bounds"], "family emoji + a (6 scalars)"),
        // selector: string matching "[a-z0-9-]+" (whole value; default 1024 cap applies).
        stringCase("selector", selector, "app", []),
        stringCase("selector", selector, "app\n", ["pattern_mismatch"]),
        stringCase("selector", selector, "\napp", ["pattern_mismatch"]),
        stringCase("selector", selector, "APP", ["pattern_mismatch"]),
        stringCase("selector", selector, "", ["pattern_mismatch"]),
        stringCase("selector", selector, "app x", ["pattern_mismatch"]),
        stringCase("selector", selector, "\u{430}pp", ["pattern_mismatch"]),
        stringCase("selector", selector, "app\u{200B}", ["pattern_mismatch"]),
        stringCase("selector", selector, String(repeating: "a", count: 1024), [], "1024 x a"),
        stringCase("selector", selector, String(repeating: "a", count: 1025), ["out_of_bounds"], "1025 x a"),
        stringCase("selector", selector, String(repeating: "A", count: 1025), ["out_of_bounds"], "1025 x A (cap before pattern)"),
        // tag: string len 1..8 matching "[a-z]+": len is checked before the pattern.
        stringCase("tag", tag, "abc", []),
        stringCase("tag", tag, "abcdefgh", []),
        stringCase("tag", tag, "ABC", ["pattern_mismatch"]),
        stringCase("tag", tag, "ABCDEFGHI", ["out_of_bounds"]),
        stringCase("tag", tag, "", ["out_of_bounds"]),
        stringCase("tag", tag, "abc\n", ["pattern_mismatch"]),
        // note: plain string, ≤ 1024 scalars.
        stringCase("note", note, String(repeating: "x", count: 1024), [], "1024 x x"),
        stringCase("note", note, String(repeating: "x", count: 1025), ["out_of_bounds"], "1025 x x"),
        stringCase("note", note, String(repeating: "\u{E9}", count: 1024), [], "1024 x U+00E9"),
        stringCase("note", note, String(repeating: "e\u{301}", count: 600), ["out_of_bounds"], "600 x e+U+0301"),
        stringCase("note", note, String(repeating: "\u{1F600}", count: 1024), [], "1024 x U+1F600"),
        stringCase("note", note, "", []),
    ]

    static let enumCases: [Adv.Case] = [
        stringCase("tier", tier, "gold", []),
        stringCase("tier", tier, "silver", []),
        stringCase("tier", tier, "caf\u{E9}", [], "café NFC"),
        Adv.allow("tier café as JSON escape", Adv.inspect([("tier", #""caf\u00e9""#)])),
        stringCase("tier", tier, "cafe\u{301}", ["out_of_bounds"], "café NFD"),
        Adv.deny("tier café NFD as JSON escapes", Adv.inspect([("tier", #""cafe\u0301""#)]), ["out_of_bounds"], at: [tier]),
        Adv.allow("tier gold with an escaped g", Adv.inspect([("tier", #""\u0067old""#)])),
        stringCase("tier", tier, "Gold", ["out_of_bounds"]),
        stringCase("tier", tier, "GOLD", ["out_of_bounds"]),
        stringCase("tier", tier, "gold ", ["out_of_bounds"]),
        stringCase("tier", tier, "", ["out_of_bounds"]),
        stringCase("tier", tier, "gold\u{0}", ["out_of_bounds"]),
        stringCase("tier", tier, "\u{FEFF}gold", ["out_of_bounds"]),
        stringCase("tier", tier, "g\u{3BF}ld", ["out_of_bounds"], "gold with Greek omicron"),
        stringCase("tier", tier, "gold|silver", ["out_of_bounds"]),
        // A `deny` rule compares exactly too: the NFC value matches, the NFD one does not.
        Adv.deny("note résumé NFC (rule)", Adv.inspect([("note", Adv.js("r\u{E9}sum\u{E9}"))]), ["rule"], at: [Adv.rule("deny inspect when args.note")]),
        Adv.allow("note résumé NFD (no rule match)", Adv.inspect([("note", Adv.js("re\u{301}sume\u{301}"))])),
    ]

    @Test(arguments: intCases) func ints(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: durationCases) func durations(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: stringCases) func strings(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: enumCases) func enums(_ c: Adv.Case) { Adv.verify(c) }
}
