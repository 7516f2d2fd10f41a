import Testing
@testable import ReinEngine

/// Whole recorded incidents through the interpreter: runbook choice, the deadline, the end.
@Suite("Replay")
struct ReplayTests {
    static func alert(rule: String) -> JSONObject {
        JSONObject(entries: [
            ("schemaId", .string("azureMonitorCommonAlertSchema")),
            ("data", .object(JSONObject(entries: [
                ("essentials", .object(JSONObject(entries: [
                    ("alertRule", .string(rule)), ("severity", .string("Sev1")),
                    ("alertTargetIDs", .array([.string("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks")])),
                ]))),
            ]))),
        ])
    }

    func replay(
        _ events: [SessionEvent], runbook: String? = nil, rule: String = "aks-node-memory-high", recordedBundle: String? = nil,
        currentBundle: String = String(repeating: "b", count: 64), givenFor: [Int: ApprovalBinding] = [:]
    ) throws -> Result<ReplayResult, ReplayFailure> {
        let policy = try #require(InterpreterTests.policy)
        let incident = RecordedIncident(
            incident: "INC-7", runbook: runbook, context: nil, alert: Self.alert(rule: rule), events: events,
            bundle: recordedBundle)
        return Replay.run(
            incident, policy: policy, bundleDigest: currentBundle, sha256: InterpreterTests.hash, approvalsGivenFor: givenFor)
    }

    @Test func theTriggerChoosesTheRunbook() throws {
        let result = try replay([.propose(at: InterpreterTests.time(0), InterpreterTests.getPods)]).get()
        #expect(result.runbook == "memory")
        #expect(result.outcome == SessionOutcome(.noAction, .investigationOnly))
        #expect(result.steps.map(\.report.decision?.verdict.word) == ["allow"])
    }

    @Test func noMatchingTriggerOrAnUndeclaredRunbookIsAnError() throws {
        #expect(try replay([], rule: "db-cpu-high") == .failure(ReplayFailure(message: "no runbook matches alert rule `db-cpu-high`")))
        #expect(try replay([], runbook: "disk") == .failure(ReplayFailure(message: "runbook `disk` is not declared")))
    }

    /// A trigger reads the incident's context as proposals do: declared keys, defaults filled;
    /// a key that is missing or invalid makes a trigger that reads it fail (no match).
    @Test(arguments: [
        (#"{"environment": "staging"}"#, "staging_only"),
        (#"{"environment": "prod"}"#, "any"),
        (#"{"environment": "qa"}"#, "any"),
        (nil, "any"),
    ])
    func triggersReadTheIncidentsContext(context: String?, chosen: String) throws {
        let bundle = """
            policy p {
              context environment: "prod" | "staging"
            }
            runbook staging_only {
              trigger alert.rule == "x" and context.environment == "staging"
            }
            runbook any {
              trigger alert.rule == "x"
            }
            """
        let policy = try #require(CompiledPolicy.compile([SourceFile(path: "t.rein", text: bundle)]).policy)
        let object: JSONObject? = try context.map { text in
            guard case .object(let object) = try JSONReader.parse(text).get() else { throw ReplayFailure(message: "not an object") }
            return object
        }
        #expect(policy.runbookTriggered(by: Self.alert(rule: "x"), context: object, at: Timestamp(seconds: 0)) == chosen)
    }

    @Test func timesMustNotGoBack() throws {
        let events: [SessionEvent] = [
            .observe(at: InterpreterTests.time(2), output: "x"), .observe(at: InterpreterTests.time(1), output: "y"),
        ]
        #expect(try replay(events) == .failure(ReplayFailure(message: "event 1 is earlier than event 0: times must not go back")))
    }

    /// An approval after the deadline: the deadline fires first (at the deadline), the session
    /// times out and pages, and the late approval is an ignored step.
    @Test func theDeadlineFiresBeforeALaterEvent() throws {
        let result = try replay([
            .propose(at: InterpreterTests.time(0), InterpreterTests.scale(3)),
            .approve(at: InterpreterTests.time(1), by: "alice@contoso.com", digest: nil),
            .approve(at: InterpreterTests.time(16), by: "bob@contoso.com", digest: nil),
        ]).get()
        #expect(result.outcome == SessionOutcome(.noAction, .approvalTimeout))
        #expect(result.steps.map(\.report.ignored) == [false, false, true])
        let pages = result.effects.filter { if case .page = $0.effect { true } else { false } }
        #expect(pages.map(\.at) == [InterpreterTests.time(15)])
        #expect(!result.effects.contains { if case .execute = $0.effect { true } else { false } })
    }

    @Test func theEndOfTheRecordingTimesOutAPendingApproval() throws {
        let result = try replay([.propose(at: InterpreterTests.time(0), InterpreterTests.scale(3))]).get()
        #expect(result.outcome == SessionOutcome(.noAction, .approvalTimeout))
    }

    @Test func replayingTwiceGivesTheSameResult() throws {
        let events = InterpreterTests.approvedByTwo + [.result(at: InterpreterTests.time(4), succeeded: true)]
        let first = try replay(events).get()
        #expect(first.outcome == SessionOutcome(.remediated, .completed))
        #expect(try replay(events).get() == first)
    }

    /// A recorded `bundle` takes the current bundle's place in the approval digests: an approval
    /// carrying the recorded card's digest counts under any current bundle.
    @Test func aRecordedBundleBindsApprovalsWhateverTheCurrentBundle() throws {
        let recorded = String(repeating: "a", count: 64)
        let first = try replay([.propose(at: InterpreterTests.time(0), InterpreterTests.scale(3))], recordedBundle: recorded).get()
        #expect(first.bundle == recorded)
        let card = first.effects.compactMap { if case .sendApprovalCard(let pending) = $0.effect { pending.digest } else { nil } }
        let policy = try #require(InterpreterTests.policy)
        let machine = try #require(
            Interpreter(
                policy: policy, incident: "INC-7", runbook: "memory", alert: JSONObject(entries: []), context: nil,
                bundleDigest: recorded, sha256: InterpreterTests.hash))
        let digest = try #require(card.first)
        #expect(digest == machine.actionDigest(tool: "scale_deployment", args: Self.scaleArgs, iteration: 0))
        let events: [SessionEvent] = [
            .propose(at: InterpreterTests.time(0), InterpreterTests.scale(3)),
            .approve(at: InterpreterTests.time(1), by: "alice@contoso.com", digest: digest),
            .approve(at: InterpreterTests.time(2), by: "bob@contoso.com", digest: digest),
        ]
        for current in ["b", "c"].map({ String(repeating: $0, count: 64) }) {
            let result = try replay(events, recordedBundle: recorded, currentBundle: current).get()
            #expect(result.steps.map(\.report.accepted) == [nil, true, true])
            #expect(result.bundle == recorded)
        }
        // Without the recorded bundle, the current one is hashed: the same approvals no longer count.
        let unbound = try replay(events).get()
        #expect(unbound.bundle == String(repeating: "b", count: 64))
        #expect(unbound.steps.map(\.report.why) == [nil, "the digest is not the pending action's", "the digest is not the pending action's"])
    }

    static let scaleArgs = JSONObject(entries: [
        ("namespace", .string("payments")), ("deployment", .string("ledger")), ("replicas", .integer(3)),
    ])

    /// An approval without a digest, replayed with what it was given for in another replay
    /// (`rein diff`'s base), counts only for that same action.
    @Test func anApprovalWithoutADigestCountsOnlyForTheActionItWasGivenFor() throws {
        let base = try replay(InterpreterTests.approvedByTwo).get()
        let bindings = base.approvalBindings
        #expect(bindings.keys.sorted() == [1, 2])
        #expect(try replay(InterpreterTests.approvedByTwo, givenFor: bindings).get().steps.map(\.report.accepted) == [nil, true, true])

        // The same events proposing 4 replicas: the approvals were given for 3.
        var other = InterpreterTests.approvedByTwo
        other[0] = .propose(at: InterpreterTests.time(0), InterpreterTests.scale(4))
        let moved = try replay(other, givenFor: bindings).get()
        #expect(moved.steps.map(\.report.accepted) == [nil, false, false])
        #expect(moved.steps[1].report.why == "given for another action: `scale_deployment` (iteration 0) with other args under the base bundle")
        #expect(moved.outcome == SessionOutcome(.noAction, .approvalTimeout))

        // Given while nothing was pending: they approve nothing.
        let nothing = try replay(InterpreterTests.approvedByTwo, givenFor: [1: .nothing, 2: .nothing]).get()
        #expect(nothing.steps[1].report.why == "given for no action: nothing was pending at this point under the base bundle")

        // A digest binds by itself: the binding does not apply to an approval that carries one.
        let digest = try #require(moved.effects.compactMap { if case .sendApprovalCard(let p) = $0.effect { p.digest } else { nil } }.first)
        let digested: [SessionEvent] = [
            other[0], .approve(at: InterpreterTests.time(1), by: "alice@contoso.com", digest: digest),
        ]
        #expect(try replay(digested, givenFor: [1: .nothing]).get().steps[1].report.accepted == true)
    }
}
