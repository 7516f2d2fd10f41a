import ReinSyntax
import Testing
@testable import ReinEngine

/// The session state machine (docs/FORMATS.md §3) on a small bundle: one read tool, one write tool,
/// a runbook that needs two approvals from `*@contoso.com` within 15 minutes and pages on timeout.
@Suite("Runbook interpreter")
struct InterpreterTests {
    static let bundle = """
        policy base {
          max_iterations 4
          approval_timeout 15m
          forbid namespace "kube-system"
        }
        identity observer {
          role "Monitoring Reader"
        }
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Azure Kubernetes Service Cluster Admin Role" at resource
        }
        tool get_pods {
          effect read
          arg namespace: namespace
          arg limit: int in 1..50 = 10
        }
        tool scale_deployment {
          effect write
          arg namespace: namespace
          arg deployment: name
          arg replicas: int in 1..10
          elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
        }
        runbook memory {
          trigger alert.rule like "aks-*"
          max_iterations 3
          investigate get_pods
          remediate scale_deployment
          approval {
            channel "sre-oncall"
            approvers 2
            allow "*@contoso.com"
            timeout 15m
            on_timeout page P1
          }
        }
        """

    static let policy: CompiledPolicy? = CompiledPolicy.compile([SourceFile(path: "t.rein", text: bundle)]).policy

    /// A stand-in for SHA-256 (the adapter links the real one): any fixed function will do for
    /// the machine, which only compares digests.
    static let hash: @Sendable ([UInt8]) -> String = { bytes in
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: String(repeating: "0", count: 16 - hex.count) + hex, count: 4)
    }

    func interpreter() throws -> Interpreter {
        let policy = try #require(Self.policy)
        return try #require(
            Interpreter(
                policy: policy, incident: "INC-1", runbook: "memory", alert: JSONObject(entries: []), context: nil,
                bundleDigest: String(repeating: "b", count: 64), sha256: Self.hash))
    }

    static func time(_ minutes: Int64, _ seconds: Int64 = 0) -> Timestamp {
        Timestamp(seconds: 1_778_294_820 + minutes * 60 + seconds)
    }

    static func scale(_ replicas: Int64) -> ProposedAction {
        ProposedAction(
            thought: "scale it down", kind: .remediation, tool: "scale_deployment",
            args: JSONObject(entries: [
                ("namespace", .string("payments")), ("deployment", .string("ledger")), ("replicas", .integer(replicas)),
            ]))
    }

    /// A remediation proposed at minute 0 and approved by two people at minutes 1 and 2.
    static let approvedByTwo: [SessionEvent] = [
        .propose(at: time(0), scale(3)),
        .approve(at: time(1), by: "alice@contoso.com", digest: nil),
        .approve(at: time(2), by: "bob@contoso.com", digest: nil),
    ]

    static let getPods = ProposedAction(
        thought: "which pods?", kind: .toolCall, tool: "get_pods",
        args: JSONObject(entries: [("namespace", .string("payments"))]))

    /// Runs events through the machine: every state, effect and report.
    func run(_ events: [SessionEvent]) throws -> (states: [IncidentState], effects: [SessionEffect], reports: [StepReport]) {
        let machine = try interpreter()
        var (state, effects) = machine.start()
        var states = [state], reports: [StepReport] = []
        for event in events {
            let next = machine.step(state, event)
            state = next.state
            states.append(state)
            effects += next.effects
            reports.append(next.report)
        }
        return (states, effects, reports)
    }

    func actions(_ effects: [SessionEffect]) -> [String] {
        effects.compactMap { effect in
            switch effect {
            case .runTool(let tool, let identity, _): "run_tool \(tool) as \(identity)"
            case .sendApprovalCard(let pending): "send_approval_card \(pending.tool) x\(pending.approval.approvers)"
            case .activateRole(let plan, let start, _): "activate_role \(plan.identity) at \(start)"
            case .execute(let tool, let identity, _): "execute \(tool) as \(identity)"
            case .deactivateRole(let plan, _): "deactivate_role \(plan.identity)"
            case .page(let priority, _): "page \(priority)"
            case .audit: nil
            }
        }
    }

    @Test func allowedToolRunsWithDefaultsFilled() throws {
        let (states, effects, reports) = try run([.propose(at: Self.time(0), Self.getPods), .end(at: Self.time(1))])
        #expect(reports[0].decision?.verdict == .allow(identity: "observer"))
        #expect(effects.contains(.runTool(tool: "get_pods", identity: "observer", args: JSONObject(entries: [
            ("namespace", .string("payments")), ("limit", .integer(10)),
        ]))))
        #expect(states[1].toolsRun == ["get_pods"])
        #expect(states.last?.outcome == SessionOutcome(.noAction, .investigationOnly))
    }

    @Test func twoApprovalsActivateExecuteAndDeactivate() throws {
        let (states, effects, reports) = try run([
            .propose(at: Self.time(1), Self.scale(3)),
            .approve(at: Self.time(2), by: "alice@contoso.com", digest: nil),
            .approve(at: Self.time(3), by: "bob@contoso.com", digest: nil),
            .result(at: Self.time(4), succeeded: true),
        ])
        #expect(actions(effects) == [
            "send_approval_card scale_deployment x2", "activate_role remediator at \(Self.time(3))",
            "execute scale_deployment as remediator", "deactivate_role remediator",
        ])
        #expect(reports[1].accepted == true && reports[2].accepted == true)
        #expect(states.last?.outcome == SessionOutcome(.remediated, .completed))
        let audits = effects.compactMap { if case .audit(let type, _) = $0 { type } else { nil } }
        #expect(audits == [
            "alert", "proposal", "decision", "card", "approval", "approval", "elevation", "execution", "execution",
            "elevation", "outcome",
        ])
    }

    /// Approvals that must not count: an outsider, the same person again (any case), a bundle
    /// identity, the wrong digest, a late one — and then the deadline passes.
    @Test func invalidApprovalsAreIgnoredWithWhy() throws {
        let (states, effects, reports) = try run([
            .propose(at: Self.time(0), Self.scale(3)),
            .approve(at: Self.time(1), by: "mallory@evil.example", digest: nil),
            .approve(at: Self.time(2), by: "alice@contoso.com", digest: nil),
            .approve(at: Self.time(3), by: "ALICE@Contoso.com", digest: nil),
            .approve(at: Self.time(4), by: "a3bb8764-cb92-4276-9d2a-ca1e895e55ea", digest: nil),
            .approve(at: Self.time(5), by: "carol@contoso.com", digest: String(repeating: "0", count: 64)),
            .approve(at: Self.time(15, 1), by: "dave@contoso.com", digest: nil),
            .deadline(at: Self.time(15)),
        ])
        #expect(reports.map(\.accepted) == [nil, false, true, false, false, false, false, nil])
        #expect(reports[1].why == #"`mallory@evil.example` is not allowed to approve (allow "*@contoso.com")"#)
        #expect(reports[3].why == "`ALICE@Contoso.com` has already approved")
        #expect(reports[4].why == "`a3bb8764-cb92-4276-9d2a-ca1e895e55ea` is an identity of the bundle, not a person")
        #expect(reports[5].why == "the digest is not the pending action's")
        #expect(reports[6].why == "late: the deadline was \(Self.time(15))")
        #expect(!actions(effects).contains { $0.hasPrefix("execute") || $0.hasPrefix("activate") })
        #expect(actions(effects).last == "page P1")
        #expect(states.last?.outcome == SessionOutcome(.noAction, .approvalTimeout))
    }

    @Test func anApprovalExactlyAtTheDeadlineCounts() throws {
        let machine = try interpreter()
        let proposed = machine.step(machine.start().state, .propose(at: Self.time(0), Self.scale(2)))
        let digest = try #require(proposed.state.pending?.digest)
        let first = machine.step(proposed.state, .approve(at: Self.time(1), by: "alice@contoso.com", digest: digest))
        let second = machine.step(first.state, .approve(at: Self.time(15), by: "bob@contoso.com", digest: digest))
        #expect(second.report.accepted == true)
        guard case .executing = second.state.phase else {
            Issue.record("not executing: \(second.state.phase)")
            return
        }
        // The deadline firing after the count is reached changes nothing.
        #expect(machine.step(second.state, .deadline(at: Self.time(15))).state == second.state)
    }

    @Test func aValidRejectionEndsWithNoAction() throws {
        let (states, effects, reports) = try run([
            .propose(at: Self.time(0), Self.scale(3)),
            .reject(at: Self.time(1), by: "eve@evil.example", comment: nil, digest: nil),
            .reject(at: Self.time(2), by: "alice@contoso.com", comment: "not now", digest: nil),
            .approve(at: Self.time(3), by: "bob@contoso.com", digest: nil),
        ])
        #expect(reports.map(\.accepted) == [nil, false, true, nil])
        #expect(reports[3].ignored)
        #expect(states.last?.outcome == SessionOutcome(.noAction, .approvalRejected))
        #expect(actions(effects) == ["send_approval_card scale_deployment x2"])
    }

    @Test func proposalsWhilePendingAreDeniedAndCount() throws {
        let (states, _, reports) = try run([
            .propose(at: Self.time(0), Self.scale(3)),
            .propose(at: Self.time(1), Self.getPods),
        ])
        guard case .deny(let reasons)? = reports[1].decision?.verdict else {
            Issue.record("not denied")
            return
        }
        #expect(reasons.map(\.code) == [.approvalPending])
        #expect(states.last?.iteration == 2 && states.last?.denials == 1)
    }

    @Test func aDenialGoesBackToTheAgentAndTheLimitEndsTheSession() throws {
        let (states, effects, reports) = try run([
            .propose(at: Self.time(0), Self.scale(50)),
            .propose(at: Self.time(1), Self.getPods),
            .propose(at: Self.time(2), Self.getPods),
            .propose(at: Self.time(3), Self.getPods),
            .propose(at: Self.time(4), Self.getPods),
        ])
        #expect(reports.map { $0.decision?.verdict.word } == ["deny", "allow", "allow", "deny", nil])
        #expect(reports[4].ignored)
        #expect(states[3].phase == .investigating)
        #expect(states.last?.outcome == SessionOutcome(.noAction, .iterationLimit))
        #expect(actions(effects).last == "page P1")
    }

    @Test func anExecutionWithoutAResultIsUnconfirmedAndStillDeactivated() throws {
        let (states, effects, _) = try run(Self.approvedByTwo + [.end(at: Self.time(3))])
        #expect(actions(effects).suffix(2) == ["execute scale_deployment as remediator", "deactivate_role remediator"])
        #expect(states.last?.outcome == SessionOutcome(.failed, .executionUnconfirmed))
    }

    /// Found by the property test: the iteration limit reached while a remediation executes
    /// must not end the session without ending the elevation; the result ends both.
    @Test func theIterationLimitDuringAnExecutionWaitsForTheResult() throws {
        let (states, effects, reports) = try run(
            Self.approvedByTwo + [
                .propose(at: Self.time(3), Self.getPods), .propose(at: Self.time(4), Self.getPods),
                .propose(at: Self.time(5), Self.getPods), .result(at: Self.time(6), succeeded: true),
            ])
        guard case .deny(let reasons)? = reports[5].decision?.verdict else {
            Issue.record("the proposal at the limit was not denied")
            return
        }
        #expect(reasons.map(\.code) == [.approvalPending, .iterationLimit])
        #expect(actions(effects).last == "deactivate_role remediator")
        #expect(states.last?.outcome == SessionOutcome(.remediated, .completed))
    }

    @Test func aFailedExecutionIsDeactivatedToo() throws {
        let (states, effects, _) = try run(Self.approvedByTwo + [.result(at: Self.time(3), succeeded: false)])
        #expect(actions(effects).last == "deactivate_role remediator")
        #expect(states.last?.outcome == SessionOutcome(.failed, .executionFailed))
    }

    /// The digest binds the approval to the action: other args, another iteration or another
    /// bundle give another digest.
    @Test func digestsBindTheAction() throws {
        let machine = try interpreter()
        let args = JSONObject(entries: [("replicas", .integer(3))])
        let base = try #require(machine.actionDigest(tool: "scale_deployment", args: args, iteration: 0))
        #expect(machine.actionDigest(tool: "scale_deployment", args: args, iteration: 1) != base)
        #expect(machine.actionDigest(tool: "scale_deployment", args: JSONObject(entries: [("replicas", .integer(4))]), iteration: 0) != base)
        let other = try #require(
            Interpreter(
                policy: machine.policy, incident: "INC-1", runbook: "memory", alert: JSONObject(entries: []), context: nil,
                bundleDigest: String(repeating: "c", count: 64), sha256: Self.hash))
        #expect(other.actionDigest(tool: "scale_deployment", args: args, iteration: 0) != base)
        #expect(machine.actionDigest(tool: "scale_deployment", args: JSONObject(entries: [("n", .integer(1 << 60))]), iteration: 0) == nil)
    }

    @Test func anUndeclaredRunbookHasNoInterpreter() throws {
        let policy = try #require(Self.policy)
        #expect(
            Interpreter(
                policy: policy, incident: "INC-1", runbook: "Memory", alert: JSONObject(entries: []), context: nil,
                bundleDigest: "", sha256: Self.hash) == nil)
    }
}
