import ReinTestSupport
import Testing
@testable import ReinEngine

/// Safety over generated sessions: random proposals, approvals (valid, outsiders, repeats, the
/// bundle's own principal, wrong digests), rejections, results and gaps of up to 6 minutes,
/// replayed with the deadline firing as the driver fires it.
@Suite("Interpreter properties")
struct InterpreterPropertyTests {
    static let people = [
        "alice@contoso.com", "ALICE@contoso.com", "bob@contoso.com", "carol@contoso.com", "mallory@evil.example",
        "a3bb8764-cb92-4276-9d2a-ca1e895e55ea",
    ]

    /// A random recording (a digest, when one is given, is a wrong one: the right one is only
    /// known while replaying, and approvals without one bind to the pending action).
    static func events(_ random: inout SplitMix64) -> [SessionEvent] {
        var events: [SessionEvent] = []
        var seconds: Int64 = 0
        for _ in 0..<(1 + random.below(14)) {
            seconds += Int64(random.below(360))
            let at = InterpreterTests.time(0, seconds)
            switch random.below(10) {
            case 0, 1: events.append(.propose(at: at, InterpreterTests.getPods))
            case 2, 3: events.append(.propose(at: at, InterpreterTests.scale(Int64(random.below(13)))))
            case 4, 5, 6:
                let digest = random.below(3) == 0 ? String(repeating: "f", count: 64) : nil
                events.append(.approve(at: at, by: random.pick(people), digest: digest))
            case 7: events.append(.reject(at: at, by: random.pick(people), comment: nil, digest: nil))
            case 8: events.append(.result(at: at, succeeded: random.below(2) == 0))
            default: events.append(.observe(at: at, output: "…"))
            }
        }
        return events
    }

    @Test(arguments: 0..<4)
    func safetyHoldsOnGeneratedSessions(_ chunk: Int) throws {
        let policy = try #require(InterpreterTests.policy)
        var random = SplitMix64(seed: 0x5AFE_0000 &+ UInt64(chunk))
        var executions = 0
        for _ in 0..<500 {
            let recorded = RecordedIncident(
                incident: "INC-P", runbook: "memory", context: nil, alert: JSONObject(entries: []), events: Self.events(&random))
            let result = try Replay.run(
                recorded, policy: policy, bundleDigest: String(repeating: "b", count: 64), sha256: InterpreterTests.hash
            ).get()
            #expect(try Replay.run(
                recorded, policy: policy, bundleDigest: String(repeating: "b", count: 64), sha256: InterpreterTests.hash
            ).get() == result, "replaying twice differs")

            // Walk the effects in order, counting the accepted approvals of the steps up to
            // each effect's own step.
            var approversSinceCard: [String] = []
            var activated: [String] = []  // digests activated, not yet deactivated
            var cardDigest: String?
            var stepsCounted = 0
            for timed in result.effects {
                while let step = timed.step, stepsCounted <= step {
                    let report = result.steps[stepsCounted]
                    if report.report.accepted == true, case .approve(_, let by, _) = report.event {
                        approversSinceCard.append(by.lowercased())
                    }
                    stepsCounted += 1
                }
                switch timed.effect {
                case .sendApprovalCard(let pending):
                    cardDigest = pending.digest
                    approversSinceCard = []
                case .activateRole(_, _, let digest):
                    #expect(digest == cardDigest, "activation for a digest no card asked for")
                    #expect(Set(approversSinceCard).count >= 2, "activated with \(approversSinceCard)")
                    activated.append(digest)
                case .execute:
                    executions += 1
                    #expect(activated.last == cardDigest, "execute without its activation")
                    #expect(Set(approversSinceCard).count >= 2, "executed with \(approversSinceCard)")
                case .deactivateRole(_, let digest):
                    #expect(activated.last == digest)
                    activated.removeLast()
                default: break
                }
            }
            #expect(activated.isEmpty, "an activation was never deactivated")
            switch result.outcome.reason {
            case .approvalTimeout, .approvalRejected, .iterationLimit, .investigationOnly:
                #expect(result.outcome.result == .noAction)
                #expect(!result.effects.contains { if case .execute = $0.effect { true } else { false } })
            case .completed: #expect(result.outcome.result == .remediated)
            case .executionFailed, .executionUnconfirmed: #expect(result.outcome.result == .failed)
            }
        }
        // The generator does reach executions.
        #expect(executions > 5, "only \(executions) executions")
    }
}
