import Testing
@testable import ReinEngine

/// Every arg type against the JSON values of every other type (Grammar/README.md §7: no coercion;
/// docs/FORMATS.md §1: wrong JSON type, `null`, a fraction or exponent for an int → `type_mismatch`; a
/// string outside an enum → `out_of_bounds`; a malformed duration string → `type_mismatch`).
@Suite struct AdversarialTypeConfusion {
    /// The confusing values, as JSON text.
    static let values = [#""5""#, "5.0", "5e0", "true", "null", "[]", "{}"]

    /// The arg's name, its location and what each of `values` gives (nil: allowed).
    static let table: [(arg: String, expected: [String?])] = [
        ("limit", ["type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("lookback", ["type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("verbose", ["type_mismatch", "type_mismatch", "type_mismatch", nil, "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("note", [nil, "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("label", [nil, "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("selector", [nil, "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("pod", [nil, "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("namespace", [nil, "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
        ("tier", ["out_of_bounds", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch", "type_mismatch"]),
    ]

    static func matrix() -> [Adv.Case] {
        var cases: [Adv.Case] = []
        for (arg, expected) in table {
            for (json, code) in zip(values, expected) {
                let line = Adv.inspect([(arg, json)])
                if let code {
                    cases.append(Adv.deny("\(arg) = \(json)", line, [code], at: [Adv.arg("inspect", arg)]))
                } else {
                    cases.append(Adv.allow("\(arg) = \(json)", line))
                }
            }
        }
        return cases
    }

    static let matrixCases = matrix()

    static func tm(_ arg: String, _ json: String, tool: String = "inspect") -> Adv.Case {
        let line = tool == "inspect" ? Adv.inspect([(arg, json)]) : Adv.scale([(arg, json)])
        return Adv.deny("\(tool).\(arg) = \(json)", line, ["type_mismatch"], at: [Adv.arg(tool, arg)])
    }

    /// More numeric and boolean spellings.
    static let extraCases: [Adv.Case] = [
        tm("limit", "5.5"), tm("limit", "-5.0"), tm("limit", "5E0"), tm("limit", "5e+0"), tm("limit", "0.5e1"),
        tm("limit", "50e-1"), tm("limit", "1e400"), tm("limit", "1e999999999999999999999"), tm("limit", "-0.0"), tm("limit", "5.00000000000000000000"),
        tm("limit", "1E19"), tm("limit", #""0x5""#), tm("limit", "false"), tm("limit", "[5]"), tm("limit", #"{"value":5}"#),
        tm("replicas", "3.0", tool: "scale"), tm("replicas", #""3""#, tool: "scale"), tm("replicas", "null", tool: "scale"),
        tm("lookback", "300"), tm("lookback", "300.0"), tm("lookback", #"["5m"]"#), tm("lookback", #"{"m":5}"#),
        tm("verbose", #""true""#), tm("verbose", #""false""#), tm("verbose", "1"), tm("verbose", "0"), tm("verbose", #""""#),
        tm("namespace", "5"), tm("namespace", #"["kube-system"]"#), tm("namespace", #"{"name":"kube-system"}"#),
        tm("pod", "0"), tm("tier", "0"), tm("tier", #"["gold"]"#), tm("note", "123"), tm("note", "-1"),
        Adv.allow("verbose false", Adv.inspect([("verbose", "false")])),
        Adv.allow("note \"true\" (a string)", Adv.inspect([("note", #""true""#)])),
        Adv.allow("note \"null\" (a string)", Adv.inspect([("note", #""null""#)])),
    ]

    @Test func matrixIsComplete() {
        #expect(Self.table.allSatisfy { $0.expected.count == Self.values.count })
        #expect(Self.matrixCases.count == 63)
    }

    @Test(arguments: matrixCases) func matrixCase(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: extraCases) func extra(_ c: Adv.Case) { Adv.verify(c) }
}
