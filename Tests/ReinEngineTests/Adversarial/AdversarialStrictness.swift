import Testing
@testable import ReinEngine

/// Shapes and bytes (docs/FORMATS.md §1): anything that is not one strict JSON object of the proposal
/// shape is `malformed_proposal` alone, without `at`; its `id` is the proposal's when readable,
/// else the line number.
@Suite struct AdversarialStrictness {
    static let args = #""args":{"namespace":"payments","pod":"api-0","limit":5}"#
    static let ctx = #""context":{"environment":"staging"}"#

    /// A valid `inspect` line with `member` (raw JSON text, `,"key":value`) added at the end.
    static func with(_ member: String) -> String { #"{"id":"t","tool":"inspect",\#(args),\#(ctx)\#(member)}"# }

    static let shapeCases: [Adv.Case] = [
        Adv.malformed("not json", "not json").with(id: "1"),
        Adv.malformed("empty line", "").with(id: "1"),
        Adv.malformed("blank: spaces", "   ").with(id: "1"),
        Adv.malformed("blank: tab", "\t").with(id: "1"),
        Adv.malformed("blank: CR", "\r").with(id: "1"),
        Adv.malformed("empty object", "{}"),
        Adv.malformed("array", "[]"),
        Adv.malformed("array of a proposal", "[" + Adv.inspect() + "]"),
        Adv.malformed("null", "null"),
        Adv.malformed("number", "42"),
        Adv.malformed("string", #""inspect""#),
        Adv.malformed("two objects", Adv.inspect() + Adv.inspect()),
        Adv.malformed("object then garbage", Adv.inspect() + "x"),
        Adv.malformed("trailing comma", #"{"id":"t","tool":"inspect",\#(args),}"#),
        Adv.malformed("comment", #"{"id":"t","tool":"inspect",\#(args)} // ok"#),
        Adv.malformed("single quotes", #"{'id':'t','tool':'inspect','args':{}}"#),
        Adv.malformed("unquoted key", #"{id:"t","tool":"inspect",\#(args)}"#),
        Adv.malformed("missing args", #"{"id":"t","tool":"inspect"}"#).with(id: "t"),
        Adv.malformed("missing tool", #"{"id":"t",\#(args)}"#).with(id: "t"),
        Adv.malformed("tool a number", #"{"id":"t","tool":5,\#(args)}"#).with(id: "t"),
        Adv.malformed("tool null", #"{"id":"t","tool":null,\#(args)}"#),
        Adv.malformed("tool an array", #"{"id":"t","tool":["inspect"],\#(args)}"#),
        Adv.malformed("args an array", #"{"id":"t","tool":"inspect","args":[]}"#),
        Adv.malformed("args null", #"{"id":"t","tool":"inspect","args":null}"#),
        Adv.malformed("args a string", #"{"id":"t","tool":"inspect","args":"namespace=payments"}"#),
        Adv.malformed("id a number (id unreadable)", #"{"id":5,"tool":"inspect",\#(args)}"#).with(id: "1"),
        Adv.malformed("id null", #"{"id":null,"tool":"inspect",\#(args)}"#).with(id: "1"),
        Adv.malformed("runbook null", #"{"id":"t","runbook":null,"tool":"inspect",\#(args)}"#),
        Adv.malformed("runbook a number", #"{"id":"t","runbook":1,"tool":"inspect",\#(args)}"#),
        Adv.malformed("kind Remediation", with(#","kind":"Remediation""#)),
        Adv.malformed("kind tool-call", with(#","kind":"tool-call""#)),
        Adv.malformed("kind with space", with(#","kind":"tool_call ""#)),
        Adv.malformed("kind null", with(#","kind":null"#)),
        Adv.malformed("kind a number", with(#","kind":0"#)),
        Adv.malformed("thought a number", with(#","thought":5"#)),
        Adv.malformed("thought null", with(#","thought":null"#)),
        Adv.malformed("thought an object", with(#","thought":{"text":"x"}"#)),
        Adv.malformed("context null", #"{"id":"t","tool":"inspect",\#(args),"context":null}"#),
        Adv.malformed("context an array", #"{"id":"t","tool":"inspect",\#(args),"context":[]}"#),
        Adv.malformed("context a string", #"{"id":"t","tool":"inspect",\#(args),"context":"prod"}"#),
        Adv.malformed("session null", with(#","session":null"#)),
        Adv.malformed("session an array", with(#","session":[0]"#)),
        Adv.malformed("session iteration -1", with(#","session":{"iteration":-1}"#)),
        Adv.malformed("session iteration 1.0", with(#","session":{"iteration":1.0}"#)),
        Adv.malformed("session iteration a string", with(#","session":{"iteration":"1"}"#)),
        Adv.malformed("session iteration beyond 64 bits", with(#","session":{"iteration":9223372036854775808}"#)),
        Adv.malformed("session iteration null", with(#","session":{"iteration":null}"#)),
        Adv.malformed("session unknown key", with(#","session":{"Iteration":1}"#)),
        Adv.malformed("session tools not an array", with(#","session":{"tools":"inspect"}"#)),
        Adv.malformed("session tools with a number", with(#","session":{"tools":["inspect",1]}"#)),
        Adv.malformed("alert null", with(#","alert":null"#)),
        Adv.malformed("alert an array", with(#","alert":[]"#)),
        Adv.malformed("at not RFC 3339", with(#","at":"yesterday""#)),
        Adv.malformed("at month 13", with(#","at":"2026-13-01T00:00:00Z""#)),
        Adv.malformed("at a number", with(#","at":1700000000"#)),
        Adv.malformed("at 2026-02-29 (not a leap year)", with(#","at":"2026-02-29T00:00:00Z""#)),
        Adv.malformed("at Feb 30", with(#","at":"2026-02-30T00:00:00Z""#)),
        Adv.malformed("at hour 24", with(#","at":"2026-05-09T24:00:00Z""#)),
        Adv.malformed("at without offset", with(#","at":"2026-05-09T02:48:40""#)),
        Adv.malformed("at empty fraction", with(#","at":"2026-05-09T02:48:40.Z""#)),
        Adv.malformed("at offset +24:00", with(#","at":"2026-05-09T02:48:40+24:00""#)),
        Adv.allow("at 2024-02-29 (leap year)", with(#","at":"2024-02-29T00:00:00Z""#)),
        Adv.allow("at with offset", with(#","at":"2026-05-09T02:48:40+01:00""#)),
        Adv.allow("at with nanoseconds", with(#","at":"2026-05-09T02:48:40.123456789Z""#)),
        Adv.malformed("unknown top-level key", with(#","extra":1"#)),
        Adv.malformed("top-level key Tool", #"{"id":"t","Tool":"inspect",\#(args)}"#),
        Adv.malformed("top-level key with trailing space", with(#","thought ":"x""#)),
        Adv.malformed("top-level key decision", with(#","decision":"allow""#)),
        Adv.malformed("leading zero in an arg", Adv.inspect([("limit", "05")])),
        Adv.malformed("plus sign in an arg", Adv.inspect([("limit", "+5")])),
        Adv.malformed("bare fraction in an arg", Adv.inspect([("limit", ".5")])),
        Adv.malformed("NaN in an arg", Adv.inspect([("limit", "NaN")])),
        Adv.malformed("Infinity in an arg", Adv.inspect([("limit", "Infinity")])),
        Adv.malformed("True in an arg", Adv.inspect([("verbose", "True")])),
        Adv.malformed("bad escape in a string", Adv.inspect([("note", #""\x41""#)])),
        Adv.malformed("deep nesting (10,000 arrays)", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
        Adv.malformed("unterminated deep nesting", String(repeating: #"{"a":"#, count: 100_000)),
        // Well formed despite looking odd.
        Adv.allow("leading and trailing JSON whitespace", " \t" + Adv.inspect() + " \r"),
        Adv.allow("whitespace between tokens", #"{ "id" : "t" , "runbook" : "incident" , "tool" : "inspect" , "args" : { "namespace" : "payments" , "pod" : "api-0" , "limit" : 5 } , "context" : { "environment" : "staging" } }"#),
        Adv.allow("keys in another order", #"{"context":{"environment":"staging"},"args":{"limit":5,"pod":"api-0","namespace":"payments"},"tool":"inspect","runbook":"incident","id":"t"}"#),
        Adv.allow("every optional key", with(#","kind":"tool_call","thought":"x","session":{"iteration":0,"denials":0,"tools":[]},"alert":{},"at":"2026-05-09T02:48:40Z""#)),
        Adv.allow("escaped top-level key \\u0074ool", #"{"id":"t","runbook":"incident","\u0074ool":"inspect",\#(args),\#(ctx)}"#),
        Adv.allow("session -0 is the integer 0", with(#","session":{"iteration":-0}"#)),
        Adv.allow("empty session", with(#","session":{}"#)),
        Adv.allow("empty id", #"{"id":"","runbook":"incident","tool":"inspect",\#(args),\#(ctx)}"#).with(id: ""),
        Adv.allow("no id: defaults to the line number", #"{"runbook":"incident","tool":"inspect",\#(args),\#(ctx)}"#).with(id: "1"),
    ]

    // MARK: - Bytes and escapes

    static func bytes(_ prefix: String, _ raw: [UInt8], _ suffix: String) -> [UInt8] {
        Array(prefix.utf8) + raw + Array(suffix.utf8)
    }
    /// A valid `inspect` line whose `note` string holds `raw` bytes.
    static func noteBytes(_ raw: [UInt8]) -> [UInt8] {
        bytes(#"{"id":"t","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"api-0","limit":5,"note":""#, raw, #""},"context":{"environment":"staging"}}"#)
    }

    static let encodingCases: [Adv.Case] = [
        // Unpaired surrogate escapes, anywhere.
        Adv.malformed("lone high surrogate in thought", with(#","thought":"\ud800""#)),
        Adv.malformed("lone low surrogate in an arg", Adv.inspect([("note", #""\udc00""#)])),
        Adv.malformed("reversed pair", Adv.inspect([("note", #""\udc00\ud800""#)])),
        Adv.malformed("high then letter", Adv.inspect([("note", #""\ud800\u0041""#)])),
        Adv.malformed("high then high", Adv.inspect([("note", #""\ud800\ud800""#)])),
        Adv.malformed("high at end of string", Adv.inspect([("note", #""abc\uD83D""#)])),
        Adv.malformed("lone surrogate in a key", Adv.inspect().advReplacingFirst(#""namespace""#, with: #""namespace\ud800""#)),
        Adv.malformed("lone surrogate in an unknown arg key", Adv.inspect().advReplacingFirst(#""limit":5"#, with: #""limit":5,"x\ud800":1"#)),
        Adv.malformed("lone surrogate in context", Adv.inspect(context: #"{"environment":"staging","x":"\udfff"}"#)),
        Adv.malformed("lone surrogate deep in alert", with(#","alert":{"a":[{"b":"\ud801"}]}"#)),
        Adv.malformed("lone surrogate in id", #"{"id":"\ud800","tool":"inspect",\#(args)}"#).with(id: "1"),
        Adv.allow("valid surrogate pair in note", Adv.inspect([("note", #""\ud83d\ude00""#)])),
        // Invalid UTF-8.
        Adv.malformed("0xFF in a string", noteBytes([0xFF])),
        Adv.malformed("overlong slash C0 AF", noteBytes([0xC0, 0xAF])),
        Adv.malformed("overlong NUL C0 80", noteBytes([0xC0, 0x80])),
        Adv.malformed("UTF-8 encoded surrogate ED A0 80", noteBytes([0xED, 0xA0, 0x80])),
        Adv.malformed("truncated sequence E2 82", noteBytes([0xE2, 0x82])),
        Adv.malformed("beyond U+10FFFF F4 90 80 80", noteBytes([0xF4, 0x90, 0x80, 0x80])),
        Adv.malformed("lone continuation byte", noteBytes([0x80])),
        Adv.malformed("invalid byte outside strings", bytes(Adv.inspect(), [0xFF], "")),
        Adv.malformed("invalid byte in namespace", bytes(#"{"id":"t","tool":"inspect","args":{"namespace":"kube-system"#, [0xC0], #"","pod":"a","limit":5},"context":{"environment":"staging"}}"#)),
        // NUL and other controls.
        Adv.malformed("raw NUL in a string", noteBytes([0x00])),
        Adv.malformed("raw NUL after the object", bytes(Adv.inspect(), [0x00], "")),
        Adv.malformed("raw NUL before the object", bytes("", [0x00], Adv.inspect())),
        Adv.malformed("raw NUL in a namespace", bytes(#"{"id":"t","tool":"inspect","args":{"namespace":"kube-system"#, [0x00], #"","pod":"a","limit":5},"context":{"environment":"staging"}}"#)),
        Adv.malformed("raw tab in a string", noteBytes([0x09])),
        Adv.malformed("raw CR in a string", noteBytes([0x0D])),
        Adv.malformed("lone byte 0x85", noteBytes([0x85])),
        Adv.allow("escaped NUL in note", Adv.inspect([("note", #""\u0000""#)])),
        Adv.allow("raw DEL in note (not a JSON control)", noteBytes([0x7F])),
        Adv.allow("raw U+2028 in note", noteBytes([0xE2, 0x80, 0xA8])),
        Adv.allow("raw U+10FFFF in note", noteBytes([0xF4, 0x8F, 0xBF, 0xBF])),
        Adv.deny(
            "escaped NUL in namespace", Adv.inspect([("namespace", #""kube-system\u0000""#)]), ["invalid_name"],
            at: [Adv.arg("inspect", "namespace")]),
        Adv.deny("escaped NUL in tool name", Adv.proposal(tool: "inspect\u{0}", args: "{}"), ["unknown_tool"], at: [.absent]),
    ]

    @Test(arguments: shapeCases) func shape(_ c: Adv.Case) { Adv.verify(c) }
    @Test(arguments: encodingCases) func encoding(_ c: Adv.Case) { Adv.verify(c) }

    // MARK: - Line length (docs/FORMATS.md §1: a line over 1 MiB is malformed)

    /// A valid `inspect` line padded (in `thought`) to exactly `size` bytes.
    static func padded(to size: Int) -> [UInt8] {
        let head = Array(#"{"id":"big","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"api-0","limit":5},"context":{"environment":"staging"},"thought":""#.utf8)
        let tail = Array(#""}"#.utf8)
        return head + [UInt8](repeating: UInt8(ascii: "x"), count: size - head.count - tail.count) + tail
    }

    @Test func lineOfExactlyOneMiBIsDecided() {
        let line = Self.padded(to: 1 << 20)
        #expect(line.count == 1_048_576)
        Adv.verify(Adv.allow("exactly 1 MiB", line).with(id: "big"))
    }

    @Test func lineOneByteOverOneMiBIsMalformed() {
        Adv.verify(Adv.malformed("1 MiB + 1", Self.padded(to: (1 << 20) + 1)))
    }

    @Test func tenMegabyteLineIsMalformed() {
        let line = Self.padded(to: 10 << 20)
        Adv.verify(Adv.malformed("10 MiB", line))
        Adv.verify(Adv.malformed("10 MiB of spaces then an object", [UInt8](repeating: 0x20, count: 10 << 20) + Array(Adv.inspect().utf8)))
    }
}

extension String {
    /// `self` with the first occurrence of `target` replaced (no Foundation).
    func advReplacingFirst(_ target: String, with replacement: String) -> String {
        let s = Array(unicodeScalars), t = Array(target.unicodeScalars)
        guard t.count <= s.count else { return self }
        for start in 0...(s.count - t.count) where Array(s[start..<start + t.count]) == t {
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s[..<start])
            out.append(contentsOf: replacement.unicodeScalars)
            out.append(contentsOf: s[(start + t.count)...])
            return String(out)
        }
        fatalError("no \(target) in \(self)")
    }
}
