import Testing
@testable import ReinEngine

/// Lines that are large in count rather than in bytes: thousands of args or context keys.
/// Reasons stay exact (one `unknown_arg` per distinct unknown key, one `invalid_context` in all).
@Suite struct AdversarialScaling {
    static func manyKeys(_ n: Int, prefix: String) -> String {
        var out = ""
        for i in 0..<n { out += ",\"\(prefix)\(i)\":0" }
        return out
    }

    @Test func twoThousandDistinctUnknownArgs() {
        let line = #"{"id":"t","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"a","limit":5\#(Self.manyKeys(2_000, prefix: "k"))},"context":{"environment":"dev"}}"#
        let reasons = Adv.reasons(Adv.decide(Array(line.utf8)))
        #expect(reasons.count == 2_000)
        #expect(reasons.allSatisfy { $0.code == .unknownArg })
    }

    @Test func twoThousandUndeclaredContextKeysGiveOneReason() {
        let line = #"{"id":"t","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"a","limit":5},"context":{"environment":"dev"\#(Self.manyKeys(2_000, prefix: "c"))}}"#
        #expect(Adv.reasons(Adv.decide(Array(line.utf8))).map(\.code) == [.invalidContext])
    }

    @Test func oneUnknownKeyRepeated100000TimesIsOneReason() {
        var repeated = ""
        for _ in 0..<100_000 { repeated += #","k":0"# }
        let line = #"{"id":"t","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"a","limit":5\#(repeated)},"context":{"environment":"dev"}}"#
        #expect(Adv.reasons(Adv.decide(Array(line.utf8))).map(\.code) == [.unknownArg])
    }

    /// A 1 MiB line can hold ~90,000 distinct keys: deduplicating unknown args and undeclared
    /// context keys must stay linear (a quadratic scan would take minutes on this line; the test
    /// asserts the exact result, not a time).
    @Test func sixtyThousandDistinctUnknownArgs() {
        let line = #"{"id":"t","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"a","limit":5\#(Self.manyKeys(60_000, prefix: "k"))},"context":{"environment":"dev"\#(Self.manyKeys(20_000, prefix: "c"))}}"#
        #expect(line.utf8.count < 1 << 20)
        let reasons = Adv.reasons(Adv.decide(Array(line.utf8)))
        #expect(reasons.count == 60_001)
        #expect(reasons.last?.code == .invalidContext)
    }
}
