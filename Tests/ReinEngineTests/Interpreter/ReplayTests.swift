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

    func replay(_ events: [SessionEvent], runbook: String? = nil, rule: String = "aks-node-memory-high")
        throws -> Result<ReplayResult, ReplayFailure>
    {
        let policy = try #require(InterpreterTests.policy)
        let incident = RecordedIncident(
            incident: "INC-7", runbook: runbook, context: nil, alert: Self.alert(rule: rule), events: events)
        return Replay.run(incident, policy: policy, bundleDigest: String(repeating: "b", count: 64), sha256: InterpreterTests.hash)
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
}
