import ReinAdapters
import Testing
@testable import ReinFuzz

/// The replay invariants are live: they hold on a real replay, and each way of breaking the
/// interpreter's safety that they claim to catch, done to that replay by hand, is caught.
@Suite struct ReplayInvariantsTests {
    /// A remediated incident: a card, two approvals, the activation, the execution, the result.
    static func remediated() throws -> (ReplayResult, RecordedIncident, ExampleBundle) {
        let bundle = try exampleBundle.get()
        let path = "runbooks/incidents/memory-scale-down-remediated.yaml"
        let incident = try #require(IncidentReader.read(SourceFile(path: path, bytes: try bytes(of: path))).incident)
        let result = try Replay.run(incident, policy: bundle.policy, bundleDigest: bundle.digest, sha256: Hashing.sha256Hex).get()
        return (result, incident, bundle)
    }

    @Test func holdOnTheRealReplay() throws {
        let (result, incident, bundle) = try Self.remediated()
        #expect(result.effects.contains { if case .execute = $0.effect { true } else { false } })
        let findings = ReplayInvariants.check(result, events: incident.events, model: bundle.model)
        #expect(findings.isEmpty, "\(findings)")
    }

    enum Tamper: String, CaseIterable {
        case neverDeactivated, approvalsNotCounted, executeBeforeActivation, timeoutAfterExecution, toolRunWhilePending,
            secondOutcome, approvedTwiceBySamePerson
    }

    @Test(arguments: Tamper.allCases)
    func catches(_ tamper: Tamper) throws {
        var (result, incident, bundle) = try Self.remediated()
        let effects = result.effects
        func index(_ match: (SessionEffect) -> Bool) throws -> Int { try #require(effects.firstIndex { match($0.effect) }) }
        let card = try index { if case .sendApprovalCard = $0 { true } else { false } }
        let activation = try index { if case .activateRole = $0 { true } else { false } }
        let approvals = result.steps.filter { $0.report.accepted == true }.map(\.index)
        try #require(approvals.count == 2)
        let expected: String
        switch tamper {
        case .neverDeactivated:
            result.effects.removeAll { if case .deactivateRole = $0.effect { true } else { false } }
            expected = "never deactivated"
        case .approvalsNotCounted:
            result.steps[approvals[1]].report.accepted = false
            result.steps[approvals[1]].report.why = "tampered"
            expected = "activated with 1 of 2 approvals"
        case .executeBeforeActivation:
            let execute = try index { if case .execute = $0 { true } else { false } }
            result.effects.insert(result.effects.remove(at: execute), at: activation)
            expected = "executed without the activation"
        case .timeoutAfterExecution:
            result.outcome = SessionOutcome(.noAction, .approvalTimeout)
            expected = "approval_timeout after an execution"
        case .toolRunWhilePending:
            var run = effects[card]
            run.effect = .runTool(tool: "get_top_pods_by_memory", identity: "observer", args: JSONObject(entries: []))
            result.effects.insert(run, at: card + 1)
            expected = "ran while an action was pending"
        case .secondOutcome:
            result.effects.append(try #require(effects.last))
            expected = "an effect after the outcome"
        case .approvedTwiceBySamePerson:
            guard case .approve(let at, _, let digest) = result.steps[approvals[1]].event,
                case .approve(_, let first, _) = result.steps[approvals[0]].event
            else { throw Unexpected() }
            result.steps[approvals[1]].event = .approve(at: at, by: first.uppercased(), digest: digest)
            incident.events[approvals[1]] = result.steps[approvals[1]].event
            expected = "twice"
        }
        let findings = ReplayInvariants.check(result, events: incident.events, model: bundle.model)
        #expect(findings.problems.contains { $0.contains(expected) }, "\(tamper.rawValue): \(findings)")
    }

    struct Unexpected: Error {}
}
