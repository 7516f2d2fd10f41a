import ReinTestSupport
import Testing
@testable import ReinEngine

/// The fast path (a proposal decided straight from its JSON tape) must give exactly the
/// full path's decision whenever it gives one. Lines come from the adversarial generator (random
/// bytes, random JSON, valid and mutated proposals), decided against the adversarial bundle and
/// against the same bundle without its rules (where the fast path applies most).
@Suite struct FastPathTests {
    /// The adversarial bundle with every `deny` and `require approvals` line removed.
    static let ruleFree: CompiledPolicy? = {
        let text = Adv.bundleText.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let trimmed = line.drop { $0 == " " }
            return !trimmed.hasPrefix("deny ") && !trimmed.hasPrefix("require ")
        }.joined(separator: "\n")
        return CompiledPolicy.compile([SourceFile(path: "adv/rule-free.rein", text: text)]).policy
    }()

    @Test func ruleFreeBundleCompiles() {
        #expect(Self.ruleFree != nil)
        #expect(Self.ruleFree?.rules.isEmpty == true)
    }

    @Test(arguments: 0..<4)
    func agreesWithTheFullPath(_ chunk: Int) throws {
        let ruleFree = try #require(Self.ruleFree)
        var random = AdvRandom(seed: 0xFA57_0000 &+ UInt64(chunk))
        var tape = JSONTape()
        var confirmed = 0, denied = 0
        let settings = [
            DecisionOptions(), DecisionOptions(defaultRunbook: "incident"),
            DecisionOptions(defaultRunbook: "incident", agentInput: true),
        ]
        for number in 1...5_000 {
            let line = AdvLineGenerator.line(&random)
            guard ProposalDecoder.parse(line: line, lineNumber: number, into: &tape) == nil else { continue }
            for policy in [Adv.policy, ruleFree] {
                for options in settings {
                    guard let fast = policy.fastDecision(tape, lineNumber: number, options: options) else { continue }
                    if fast.isDenied { denied += 1 } else { confirmed += 1 }
                    let full = DecisionEncoder.jsonLine(policy.decideInFull(tape, lineNumber: number, options: options))
                    var rendered: [UInt8] = []
                    policy.append(fast, tape: tape, to: &rendered)
                    #expect(
                        String(decoding: rendered, as: UTF8.self) == full,
                        "line \(number): \(String(decoding: line.prefix(300), as: UTF8.self))")
                    #expect(DecisionEncoder.jsonLine(policy.decision(fast, tape: tape)) == full)
                }
            }
        }
        // The generator's valid proposals do reach the fast path.
        #expect(confirmed > 500, "only \(confirmed) lines were confirmed on the fast path")
        #expect(denied > 500, "only \(denied) lines were denied on the fast path")
    }

    /// The batch entry point writes exactly what deciding and encoding one by one writes.
    @Test func decideLineWritesTheEncodedDecision() throws {
        let ruleFree = try #require(Self.ruleFree)
        var random = AdvRandom(seed: 0xBA7C_0001)
        var tape = JSONTape()
        for number in 1...4_000 {
            let line = AdvLineGenerator.line(&random)
            for policy in [Adv.policy, ruleFree] {
                var out: [UInt8] = []
                let denied = policy.decideLine(line, lineNumber: number, scratch: &tape, appendingTo: &out)
                let decision = policy.decide(line: line, lineNumber: number)
                #expect(String(decoding: out, as: UTF8.self) == DecisionEncoder.jsonLine(decision) + "\n")
                if case .deny = decision.verdict { #expect(denied) } else { #expect(!denied) }
            }
        }
    }

    /// Host facts and `--explain` always go the full way.
    @Test func explainAndHostFactsNeverTakeTheFastPath() throws {
        let policy = try #require(Self.ruleFree)
        let line = Array(#"{"id":"x","runbook":"incident","tool":"inspect","args":{"namespace":"payments","pod":"api-0","limit":5},"context":{"environment":"staging"}}"#.utf8)
        var tape = JSONTape()
        #expect(ProposalDecoder.parse(line: line, lineNumber: 1, into: &tape) == nil)
        #expect(policy.fastDecision(tape, lineNumber: 1, options: DecisionOptions()) != nil)
        for options in [DecisionOptions(explain: true), DecisionOptions(sessionClosed: true), DecisionOptions(approvalPending: true)] {
            #expect(policy.fastDecision(tape, lineNumber: 1, options: options) == nil)
        }
    }
}
