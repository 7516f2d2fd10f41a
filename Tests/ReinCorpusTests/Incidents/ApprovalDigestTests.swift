import Crypto
import ReinAdapters
import Testing

/// The approval digest as the data formats define it (docs/FORMATS.md §6), computed here on its
/// own — canonical JSON written out by hand, SHA-256 from swift-crypto — and compared with what a
/// replay sends and accepts: a card sender or an approver that follows the formats agrees with Rein.
@Suite("The approval digest of the data formats")
struct ApprovalDigestTests {
    static let bundleText = """
        identity observer {
          role "Log Analytics Reader"
        }
        query pod_errors {
          description "Error lines of one pod"
          arg pod: name
          arg lookback: duration in 5m..24h = 1h
          arg limit: int in 1..500 = 100
          kql "ContainerLogV2 | where TimeGenerated > ago({lookback}) and PodName == {pod} | take {limit}"
        }
        runbook crashloop {
          trigger alert.rule like "aks-*"
          investigate pod_errors
          approval {
            channel "sre-oncall"
            approvers 1
            allow "*@contoso.com"
            timeout 10m
            on_timeout page P2
          }
          require approvals 1 for pod_errors when args.lookback > 5m
        }
        """

    static let source = SourceFile(path: "bundle.rein", text: bundleText)
    static let bundle = Hashing.bundleDigest([source])

    /// SHA-256 hex of `{"args","bundle","incident","iteration","tool"}` in canonical form: keys
    /// sorted, no whitespace, the args validated (durations in ISO-8601, defaults filled).
    static func digest(lookback: String, iteration: Int) -> String {
        let canonical =
            #"{"args":{"limit":100,"lookback":"\#(lookback)","pod":"ledger-0"},"bundle":"\#(bundle)","#
            + #""incident":"INC-42","iteration":\#(iteration),"tool":"pod_errors"}"#
        let digits = Array("0123456789abcdef")
        return String(SHA256.hash(data: Array(canonical.utf8)).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    static func query(_ lookback: String?, at minute: Int64) -> SessionEvent {
        var args: [(key: String, value: JSONValue)] = [("pod", .string("ledger-0"))]
        if let lookback { args.append(("lookback", .string(lookback))) }
        return .propose(
            at: Timestamp(seconds: 1_780_000_000 + minute * 60),
            ProposedAction(thought: nil, kind: .toolCall, tool: "pod_errors", args: JSONObject(entries: args)))
    }

    static func approve(_ by: String, _ digest: String, at minute: Int64) -> SessionEvent {
        .approve(at: Timestamp(seconds: 1_780_000_000 + minute * 60), by: by, digest: digest)
    }

    func replay(_ events: [SessionEvent]) throws -> ReplayResult {
        let policy = try #require(CompiledPolicy.compile([Self.source]).policy)
        let alert = JSONObject(entries: [
            ("data", .object(JSONObject(entries: [("essentials", .object(JSONObject(entries: [("alertRule", .string("aks-pod-crashloop"))])))]))),
        ])
        let incident = RecordedIncident(incident: "INC-42", runbook: nil, context: nil, alert: alert, events: events)
        return try Replay.run(incident, policy: policy, bundleDigest: Self.bundle, sha256: Hashing.sha256Hex).get()
    }

    /// The card carries the digest of the formats, for a duration given as `90m` or `1h30m` and for one defaulted.
    @Test(arguments: [("90m", "PT1H30M"), ("1h30m", "PT1H30M"), ("5400s", "PT1H30M"), (nil, "PT1H")] as [(String?, String)])
    func theCardCarriesTheDigestOfTheFormats(_ given: String?, _ iso: String) throws {
        let result = try replay([Self.query(given, at: 0)])
        let cards = result.effects.compactMap { timed -> PendingApproval? in
            if case .sendApprovalCard(let pending) = timed.effect { return pending }
            return nil
        }
        #expect(cards.map(\.digest) == [Self.digest(lookback: iso, iteration: 0)])
        #expect(cards.first?.args["lookback"] == .string(iso))
    }

    /// An approval that carries the digest computed as the formats say counts, and the query runs
    /// with the ISO duration; one computed over the duration as the agent wrote it does not.
    @Test func anApprovalCarryingTheDigestOfTheFormatsIsAccepted() throws {
        let result = try replay([
            Self.query("90m", at: 0), Self.approve("alice@contoso.com", Self.digest(lookback: "PT1H30M", iteration: 0), at: 1),
            Self.query("1h30m", at: 2), Self.approve("alice@contoso.com", Self.digest(lookback: "1h30m", iteration: 1), at: 3),
            Self.approve("bob@contoso.com", Self.digest(lookback: "PT1H30M", iteration: 1), at: 4),
            Self.query(nil, at: 5), Self.approve("alice@contoso.com", Self.digest(lookback: "PT1H", iteration: 2), at: 6),
        ])
        #expect(result.steps.map(\.report.accepted) == [nil, true, nil, false, true, nil, true])
        #expect(result.steps[3].report.why == "the digest is not the pending action's")
        let runs = result.effects.compactMap { timed -> JSONValue? in
            if case .runTool(_, _, let args) = timed.effect { return args["lookback"] }
            return nil
        }
        #expect(runs == [.string("PT1H30M"), .string("PT1H30M"), .string("PT1H")])
    }
}
