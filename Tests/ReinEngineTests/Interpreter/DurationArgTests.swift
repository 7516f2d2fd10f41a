import ReinSyntax
import Testing
@testable import ReinEngine

/// Durations in args are echoed and hashed in ISO-8601 (docs/FORMATS.md §1): one length of time,
/// however it was written or defaulted, is one action with one digest.
@Suite("Durations in args")
struct DurationArgTests {
    static let bundle = """
        identity observer {
          role "Monitoring Reader"
        }
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Azure Kubernetes Service Cluster Admin Role" at resource
        }
        tool drain_node {
          effect write
          arg node: name
          arg grace_period: duration in 30s..10m = 1m30s
          elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
        }
        runbook disk {
          trigger alert.rule like "aks-*"
          remediate drain_node
          approval {
            channel "sre-oncall"
            approvers 1
            allow "*@contoso.com"
            timeout 15m
            on_timeout page P2
          }
        }
        """

    func interpreter() throws -> Interpreter {
        let policy = try #require(CompiledPolicy.compile([SourceFile(path: "t.rein", text: Self.bundle)]).policy)
        return try #require(
            Interpreter(
                policy: policy, incident: "INC-1", runbook: "disk", alert: JSONObject(entries: []), context: nil,
                bundleDigest: String(repeating: "b", count: 64), sha256: InterpreterTests.hash))
    }

    static func drain(_ grace: String?) -> ProposedAction {
        var args: [(key: String, value: JSONValue)] = [("node", .string("aks-node-7"))]
        if let grace { args.append(("grace_period", .string(grace))) }
        return ProposedAction(thought: "drain it", kind: .remediation, tool: "drain_node", args: JSONObject(entries: args))
    }

    @Test(arguments: [Int64(0), 1, 59, 60, 90, 3_600, 5_400, 86_400, 93_784, Int64.max])
    func iso8601ReadsBackWhatItWrites(_ seconds: Int64) {
        #expect(DurationValue(iso8601: DurationValue(seconds: seconds).iso8601) == DurationValue(seconds: seconds))
    }

    @Test(arguments: [
        "", "PT", "P1D", "PT1M1H", "PT1H1H", "pt1h", "PT-1S", "PT1.5S", "PT1", "PTH", "1h30m", "90s", " PT1H",
        "PT9223372036854775808S", "PT2562047788015216H",
    ])
    func otherFormsAreNotRead(_ text: String) {
        #expect(DurationValue(iso8601: text) == nil)
    }

    /// `90s`, `1m30s` and the default (written `1m30s`) are one action: one digest, and the same
    /// args everywhere they are echoed. Another length is another digest.
    @Test func oneLengthOfTimeIsOneDigest() throws {
        let machine = try interpreter()
        let start = machine.start().state
        let pendings = try ["90s", "1m30s", nil].map { grace in
            try #require(machine.step(start, .propose(at: InterpreterTests.time(0), Self.drain(grace))).state.pending)
        }
        #expect(Set(pendings.map(\.digest)).count == 1)
        #expect(pendings.allSatisfy { $0.args["grace_period"] == .string("PT1M30S") })
        let other = machine.step(start, .propose(at: InterpreterTests.time(0), Self.drain("2m"))).state.pending
        #expect(other?.args["grace_period"] == .string("PT2M"))
        #expect(other?.digest != pendings[0].digest)
    }

    /// The card, the execution and its audit entry carry the ISO form; the audit's proposal entry
    /// keeps what the agent sent.
    @Test func effectsEchoTheISOFormAndTheProposalEntryWhatWasSent() throws {
        let machine = try interpreter()
        var (state, effects) = machine.start()
        for event: SessionEvent in [
            .propose(at: InterpreterTests.time(0), Self.drain("90s")),
            .approve(at: InterpreterTests.time(1), by: "alice@contoso.com", digest: nil),
        ] {
            let next = machine.step(state, event)
            state = next.state
            effects += next.effects
        }
        let iso = JSONValue.string("PT1M30S")
        var checked: Set<String> = []
        for effect in effects {
            switch effect {
            case .sendApprovalCard(let pending):
                let card = JSONWriter.string(ApprovalCard.card(pending, incident: "INC-1", runbook: "disk"))
                #expect(card.contains(#""title":"grace_period","value":"PT1M30S""#))
                checked.insert("card")
            case .execute(_, _, let args):
                #expect(args["grace_period"] == iso)
                checked.insert("execute")
            case .audit("proposal", let data):
                guard case .object(let args)? = data["args"] else { continue }
                #expect(args["grace_period"] == .string("90s"))
                checked.insert("proposal")
            case .audit("execution", let data):
                guard case .object(let args)? = data["args"] else { continue }
                #expect(args["grace_period"] == iso)
                checked.insert("execution")
            default: continue
            }
        }
        #expect(checked == ["card", "execute", "proposal", "execution"])
    }

    /// A query's KQL reads the ISO form back: the literal is a KQL timespan.
    @Test func theKQLOfValidatedArgsRenders() throws {
        let bundle = """
            identity observer {
              role "Log Analytics Reader"
            }
            query pods {
              arg lookback: duration in 5m..24h = 1h30m
              kql "KubePodInventory | where TimeGenerated > ago({lookback})"
            }
            """
        let policy = try #require(CompiledPolicy.compile([SourceFile(path: "q.rein", text: bundle)]).policy)
        let validated = try policy.validatedArgs(tool: "pods", args: JSONObject(entries: [])).get()
        #expect(validated["lookback"] == .string("PT1H30M"))
        #expect(policy.renderedKQL(tool: "pods", args: validated) == "KubePodInventory | where TimeGenerated > ago(90m)")
        #expect(policy.renderedKQL(tool: "pods", args: JSONObject(entries: [("lookback", .string("90m"))])) == nil)
    }
}
