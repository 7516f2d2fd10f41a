/// Generates proposals for a bundle: valid ones, and ones mutated in the ways an agent (or an
/// attacker steering it) gets things wrong.
enum PropProposalGenerator {
    static let homoglyphs: [Unicode.Scalar: Unicode.Scalar] = [
        "a": "\u{0430}", "e": "\u{0435}", "o": "\u{043E}", "p": "\u{0440}", "c": "\u{0441}", "s": "\u{0455}",
        "i": "\u{0456}", "y": "\u{0443}", "x": "\u{0445}", "-": "\u{2010}", "1": "\u{0661}",
    ]

    static func homoglyph(_ s: String, _ r: inout PropRandom) -> String {
        var u = Array(s.unicodeScalars)
        let spots = u.indices.filter { homoglyphs[u[$0]] != nil }
        if let i = spots.isEmpty ? nil : r.pick(spots) { u[i] = homoglyphs[u[i]]! } else { u.append("\u{0430}") }
        var out = ""
        out.unicodeScalars.append(contentsOf: u)
        return out
    }

    static func upperFirst(_ s: String) -> String {
        guard let f = s.unicodeScalars.first else { return "A" }
        var out = String(f).uppercased()
        out.unicodeScalars.append(contentsOf: s.unicodeScalars.dropFirst())
        return out
    }

    /// Values of the wrong JSON type for anything.
    static let wrongShapes: [PropJV] = [
        .bool(true), .null, .array("[]"), .array("[1]"), .object("{}"), .object(#"{"a":1,"a":2}"#), .str("5"), .int(5),
        .number("5.0"), .number("1e2"), .number("1e400"), .number("-0.0"), .bigInt("18446744073709551616"),
        .int(0, text: "-0"), .array(#"[{"a":1,"a":1}]"#), .string("", escapeAll: false),
    ]

    /// Arg or context values that make the whole line malformed (docs/FORMATS.md §1: an unpaired
    /// surrogate escape anywhere; text that is not JSON).
    static let malformedValues: [PropJV] = [
        .malformed(#""\ud800""#), .malformed(#""a\udc00b""#), .malformed(#"{"a":"\ud83d"}"#), .malformed(#"["\udfff"]"#),
        .malformed(#""\x41""#), .malformed("01"), .malformed("+1"), .malformed("tru"), .malformed("'a'"), .malformed("NaN"),
        .malformed(#""a"#), .malformed("\"\u{1}\""),
    ]

    /// A valid JSON rendering of a typed value (durations in a random but valid spelling).
    static func json(_ v: PropValue, _ r: inout PropRandom) -> PropJV {
        switch v {
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s, escapeAll: r.chance(0.1))
        case .duration(let d): return .str(durationText(d, &r))
        }
    }

    /// A duration spelled canonically, as seconds only, or with an un-normalised larger group.
    static func durationText(_ d: Int64, _ r: inout PropRandom) -> String {
        switch r.int(0...3) {
        case 0: return "\(d)s"
        case 1 where d % 60 == 0: return "\(d / 60)m"
        case 2 where d >= 3_600: return "\(d / 3_600)h\((d % 3_600) / 60)m\(d % 60)s"
        default: return PropRender.duration(d)
        }
    }

    /// Candidate values for an arg of `type`; mostly invalid, some valid on purpose (the oracle
    /// decides which is which).
    static func mutated(_ type: PropType, _ r: inout PropRandom, forbidden: [String]) -> PropJV {
        if r.chance(0.15) { return r.pick(wrongShapes) }
        switch type {
        case .int(let range):
            var c: [PropJV] = [
                .int(.min), .int(.max), .bigInt("9223372036854775808"), .bigInt("-9223372036854775809"),
                .bigInt("100000000000000000000000"), .number("1.0"), .number("-0.0"), .number("1E+2"), .int(0, text: "-0"),
                .str("\(range?.lowerBound ?? 1)"),
            ]
            if let range {
                if range.lowerBound > .min { c += [.int(range.lowerBound - 1), .int(range.lowerBound - 1)] }
                if range.upperBound < .max { c += [.int(range.upperBound + 1), .int(range.upperBound + 1)] }
                c.append(.int(range.lowerBound))
                c.append(.int(range.upperBound))
            }
            return r.pick(c)
        case .duration(let range):
            var c: [PropJV] = [
                .str("5min"), .str("-5m"), .str("5"), .str(""), .str(" 5m"), .str("5m "), .str("PT5M"), .str("1m1h"),
                .str("5M"), .str("1h30"), .str("1.5h"), .str("99999999999999999999s"), .str("\u{0663}m"), .str("5m\n"),
                .str("1h1h"), .str("m"), .str("1d2h3m4s"), .str("005m"), .str("0s"), .str("1d0s"), .int(300), .number("1.5"), .str("١٢s"),
            ]
            if let range {
                if range.lowerBound > 0 {
                    c += [.str(durationText(range.lowerBound - 1, &r)), .str(durationText(range.lowerBound - 1, &r))]
                }
                c += [.str(durationText(range.upperBound + 1, &r)), .str(durationText(range.upperBound + 1, &r))]
                c += [.str(durationText(range.lowerBound, &r)), .str(durationText(range.upperBound, &r))]
            }
            return r.pick(c)
        case .bool:
            return r.pick([.str("true"), .str("false"), .int(1), .int(0), .null, .str("True")])
        case .string(let len, let pattern):
            var c: [PropJV] = []
            let hi = len?.upperBound ?? 1_024
            // Over the cap, counted in scalars: plain, and with graphemes of several scalars.
            if hi < 3_000 {
                let base = pattern?.sample(&r, length: hi + 1) ?? String(repeating: "a", count: hi + 1)
                c.append(.str(base))
                c.append(.str(String(repeating: "e\u{301}", count: (hi + 2) / 2)))  // hi+1 or hi+2 scalars, half the characters
                c.append(.str(String(repeating: "😀", count: hi + 1)))               // hi+1 scalars, 2(hi+1) UTF-16 units
                c.append(.str(String(repeating: "😀", count: hi)))                   // exactly hi scalars
                c.append(.str(String(repeating: "👍🏽", count: hi / 2)))              // ≤ hi scalars
            }
            if let len, len.lowerBound > 0 {
                c.append(.str(pattern?.sample(&r, length: len.lowerBound - 1) ?? String(repeating: "b", count: len.lowerBound - 1)))
            }
            if let pattern {
                let ok = pattern.sample(&r, length: r.int(1...6))
                c += [
                    .str(ok + "\n"), .str("\n" + ok), .str(" " + ok), .str(upperFirst(ok)), .str(ok + ok), .str(""),
                    .str(homoglyph(ok, &r)), .str(PropValues.freeString(&r, scalars: r.int(1...6))), .str(ok),
                    .string(ok, escapeAll: true),
                ]
            } else {
                c.append(.str(PropValues.freeString(&r, scalars: r.int(0...min(hi, 30)))))
            }
            return r.pick(c)
        case .name:
            let ok = PropValues.name(&r)
            return .str(r.pick([
                "", "-a", "a-", "A", "a_b", "a..b", ".a", "a.", "a b", "a\n", "\u{FF41}", "a\u{200B}b", "a\u{2011}b", "-",
                "a.-b", "a-.b", String(repeating: "a", count: 254), String(repeating: "a", count: 64),
                String(repeating: "ab.", count: 84) + "a", upperFirst(ok), homoglyph(ok, &r), ok + "\n", " " + ok, ok,
                String(repeating: "a", count: 253),
            ]))
        case .namespace:
            var c: [PropJV] = [
                .str(String(repeating: "a", count: 64)), .str(String(repeating: "a", count: 63)), .str("a.b"), .str(""),
                .str("-a"), .str("a-"), .str("a_b"), .str("A"),
            ]
            for f in forbidden {
                c += [.str(f), .str(f), .str(f), .string(f, escapeAll: true)]
                c += [
                    .str(f), .str(f), .string(f, escapeAll: true), .str(upperFirst(f)), .str(f.uppercased()), .str(" " + f),
                    .str(f + " "), .str(f + "\n"), .str(homoglyph(f, &r)), .str(f + "-x"), .str("x" + f),
                    .str(f + "\u{200D}"), .str("\u{FEFF}" + f),
                ]
            }
            return r.pick(c)
        case .enumeration(let members):
            let m = r.pick(members)
            var decomposed = ""
            for ch in m.unicodeScalars {
                switch ch {
                case "é": decomposed += "e\u{301}"
                case "Ü": decomposed += "U\u{308}"
                case "ï": decomposed += "i\u{308}"
                default: decomposed.unicodeScalars.append(ch)
                }
            }
            return .str(r.pick([
                m.uppercased(), upperFirst(m), decomposed, m + " ", " " + m, "", r.pick(PropValues.enumPool), m + "\u{0}",
                m.lowercased(), homoglyph(m, &r),
            ]))
        }
    }

    static func proposal(_ r: inout PropRandom, _ b: PropBundle, id: String) -> PropProposal {
        let forbidden = b.policies.flatMap(\.forbidden)
        let forbiddenSet = Set(forbidden)

        // Runbook and tool.
        var runbook: String?
        var tool: PropTool
        let mode = r.int(0...99)
        if mode < 55, let rb = b.runbooks.isEmpty ? nil : r.pick(b.runbooks) {
            runbook = rb.name
            let listed = rb.investigate + rb.remediate
            tool = !listed.isEmpty && r.chance(0.85) ? b.tool(named: r.pick(listed))! : r.pick(b.tools)
        } else {
            tool = r.pick(b.tools)
            if mode >= 96 { runbook = r.pick(["runbook_9", "Runbook_0", "runbook_0 ", ""]) }
        }
        var p = PropProposal(id: id, runbook: runbook, kind: nil, tool: tool.name, args: [], context: nil)
        if r.chance(0.2) { p.kind = tool.write ? "remediation" : "tool_call" }
        if r.chance(0.2) { p.thought = PropValues.freeString(&r, scalars: r.int(0...40)) }
        if r.chance(0.1) && mode < 96 { p.iteration = r.int64(0...25) }
        if r.chance(0.3) { p.sessionTools = r.sample(b.tools.map(\.name) + ["other", "Tool_0"], r.int(0...3)) }
        if r.chance(0.6) { p.at = timestamp(&r) }
        if r.chance(0.5) { p.alert = alert(&r) }

        // Valid args (optional ones sometimes left out), in a random order.
        for arg in r.shuffled(tool.args) {
            if arg.defaultValue != nil && r.chance(0.4) { continue }
            guard let v = PropValues.valid(&r, arg.type, forbidden: forbiddenSet) ?? arg.defaultValue else { continue }
            p.args.append(PropEntry(key: arg.name, value: json(v, &r)))
        }
        // Valid context.
        if !b.contextKeys.isEmpty || r.chance(0.2) {
            var entries: [PropEntry] = []
            for key in b.contextKeys {
                if key.defaultValue != nil && r.chance(0.5) { continue }
                guard let v = PropValues.valid(&r, key.type, forbidden: forbiddenSet) else { continue }
                entries.append(PropEntry(key: key.name, value: json(v, &r)))
            }
            p.context = entries
        }

        // Mutations.
        let count = r.pick([0, 0, 0, 1, 1, 1, 1, 2, 2, 3])
        for _ in 0..<count { mutate(&p, &r, b, tool: tool, forbidden: forbidden) }
        if mode >= 99 { p.tool = r.pick(["nope", upperFirst(tool.name), tool.name + " ", homoglyph(tool.name, &r), ""]) }
        return p
    }

    /// An RFC 3339 time with a random offset (and sometimes a fraction); `utc` is the instant.
    static func timestamp(_ r: inout PropRandom) -> (text: String, utc: Int64) {
        let utc = r.int64(1_577_836_800...1_893_456_000)  // 2020 … 2030
        let offset = r.pick([0, 0, 330, -480, 840, -720, 60, -210])  // minutes
        let local = utc + Int64(offset) * 60
        let days = local / 86_400
        let secs = local % 86_400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secs / 3_600)):\(two(secs % 3_600 / 60)):\(two(secs % 60))"
        text += r.pick(["", "", "", ".5", ".000", ".123456789"])
        if offset == 0 {
            text += r.pick(["Z", "Z", "+00:00"])
        } else {
            let m = abs(offset)
            text += (offset > 0 ? "+" : "-") + two(Int64(m / 60)) + ":" + two(Int64(m % 60))
        }
        if r.chance(0.05) { text = text.lowercased() }  // RFC 3339 §5.6: `t` and `z` may be lower case
        return (text, utc)
    }

    /// An alert payload, and the severity a rule reads from it (nil: missing or ill-typed).
    static func alert(_ r: inout PropRandom) -> (json: String, severity: Int64?) {
        let n = r.int64(0...4)
        switch r.int(0...6) {
        case 0: return (#"{"data":{}}"#, nil)
        case 1: return (#"{"data":{"essentials":{"severity":\#(n)}}}"#, nil)
        case 2: return (#"{"data":{"essentials":{"severity":"Sev7"}}}"#, nil)
        case 3: return (#"{"schemaId":"azureMonitorCommonAlertSchema"}"#, nil)
        default:
            return (#"{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"gen-0-x","severity":"Sev\#(n)","monitorCondition":"Fired"}}}"#, n)
        }
    }

    static func mutate(_ p: inout PropProposal, _ r: inout PropRandom, _ b: PropBundle, tool: PropTool, forbidden: [String]) {
        switch r.int(0...14) {
        case 14:  // a malformed line: a bad value somewhere, or a shape error at the top level
            switch r.int(0...3) {
            case 0:
                p.extraTopLevel = r.pick([
                    #""tool":"x""#, #""args":{}"#, #""unknown":1"#, #""session":{"iteration":-1}"#, #""kind":"Remediation""#,
                    #""context":null"#, #""thought":"\udc00""#, #""id":7"#,
                    #""at":"2026-02-30T00:00:00Z""#, #""session":{"iteration":1.5}"#, #""alert":[]"#,
                ])
            case 1:
                if !b.contextKeys.isEmpty || p.context != nil {
                    var ctx = p.context ?? []
                    ctx.append(PropEntry(key: b.contextKeys.first?.name ?? "k", value: r.pick(malformedValues)))
                    p.context = ctx
                }
            default:
                let key = tool.args.isEmpty ? "zzz" : r.pick(tool.args).name
                p.args.insert(PropEntry(key: key, value: r.pick(malformedValues)), at: r.int(0...p.args.count))
            }
        case 0...4:  // a bad value for a declared arg
            guard let arg = tool.args.isEmpty ? nil : r.pick(tool.args) else { return }
            let v = mutated(arg.type, &r, forbidden: forbidden)
            if let i = p.args.firstIndex(where: { $0.key == arg.name }) {
                p.args[i].value = v
            } else {
                p.args.insert(PropEntry(key: arg.name, value: v), at: r.int(0...p.args.count))
            }
        case 5:  // drop an arg
            if !p.args.isEmpty { p.args.remove(at: r.int(0...(p.args.count - 1))) }
        case 6:  // duplicate an arg (same or another value)
            guard let e = p.args.isEmpty ? nil : r.pick(p.args) else { return }
            var copy = e
            if r.chance(0.5), let arg = tool.args.first(where: { $0.name == e.key }) {
                copy.value = mutated(arg.type, &r, forbidden: forbidden)
            }
            copy.escapeKey = r.chance(0.3)  // `"\u006e…"` is the same key
            p.args.insert(copy, at: r.int(0...p.args.count))
        case 7:  // an unknown arg
            var keys = ["zzz", "", " ", "args", "namespace\u{0}", "Namespace"]
            if let a = tool.args.isEmpty ? nil : r.pick(tool.args) {
                keys += [upperFirst(a.name), a.name + " ", " " + a.name, homoglyph(a.name, &r), a.name + "\u{301}"]
            }
            keys += PropValues.argNamePool.filter { n in !tool.args.contains { $0.name == n } }
            let key = r.pick(keys)
            p.args.insert(PropEntry(key: key, value: r.chance(0.5) ? .int(1) : .str("x")), at: r.int(0...p.args.count))
            if r.chance(0.2) { p.args.append(PropEntry(key: key, value: .null)) }  // a duplicated unknown key
        case 8:  // keys written with escapes (still the same keys)
            for i in p.args.indices where r.chance(0.5) { p.args[i].escapeKey = true }
        case 9:  // the wrong kind
            p.kind = tool.write ? "tool_call" : "remediation"
        case 10:  // a tool outside the runbook's lists
            guard let rb = p.runbook.flatMap({ b.runbook(named: $0) }) else { return }
            let outside = b.tools.filter { !rb.investigate.contains($0.name) && !rb.remediate.contains($0.name) }
            if let t = outside.isEmpty ? nil : r.pick(outside) {
                p.tool = t.name
                // Keep its args valid so that the scope reason stands alone.
                p.args = t.args.compactMap { a in
                    PropValues.valid(&r, a.type, forbidden: Set(forbidden)).map { PropEntry(key: a.name, value: json($0, &r)) }
                }
            }
        default:  // context
            var ctx = p.context ?? []
            switch r.int(0...4) {
            case 0:
                let names = ["zzz", "Environment", "environment ", "change-freeze", ""] + b.contextKeys.map { upperFirst($0.name) }
                ctx.append(PropEntry(key: r.pick(names), value: .str("prod")))
            case 1:
                if let key = b.contextKeys.isEmpty ? nil : r.pick(b.contextKeys) {
                    let v = mutated(key.type, &r, forbidden: forbidden)
                    if let i = ctx.firstIndex(where: { $0.key == key.name }) { ctx[i].value = v } else { ctx.append(PropEntry(key: key.name, value: v)) }
                }
            case 2:
                if !ctx.isEmpty { ctx.remove(at: r.int(0...(ctx.count - 1))) }
            case 3:
                if let e = ctx.isEmpty ? nil : r.pick(ctx) { ctx.append(e) }
            default:
                for i in ctx.indices { ctx[i].escapeKey = true }
            }
            p.context = ctx
        }
    }
}
