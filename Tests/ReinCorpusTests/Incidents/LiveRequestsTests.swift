import Foundation
import ReinAdapters
import Testing

/// A session written as a recording reads back as the same incident; the bodies a live host
/// reads are read as strictly as a recording.
@Suite("Recordings and live requests")
struct LiveRequestsTests {
    static func body(_ text: String) -> SourceFile { SourceFile(path: "body.json", bytes: Array(text.utf8)) }

    static func messages<T>(_ result: Result<T, BodyError>) -> [String] {
        if case .failure(let error) = result { return error.diagnostics.map(\.message) }
        return []
    }

    @Test(arguments: ReplayGoldenTests.names)
    func aRecordingReadsBackAsTheSameIncident(_ name: String) throws {
        let data = try Data(contentsOf: ReplayGoldenTests.incidents.appendingPathComponent(name))
        let original = try #require(IncidentReader.read(SourceFile(path: name, bytes: Array(data))).incident)
        let written = JSONWriter.encode(RecordingEncoder.json(original))
        let file = IncidentReader.read(SourceFile(path: "recording.json", bytes: written))
        #expect(file.diagnostics.isEmpty)
        #expect(file.incident == original)
    }

    @Test func anOpeningIsReadStrictly() throws {
        let opening = try LiveRequests.opening(Self.body(#"{"incident":"INC-1","context":{"environment":"prod"},"alert":{"data":{}}}"#)).get()
        #expect(opening.incident == "INC-1" && opening.runbook == nil && opening.context?["environment"] == .string("prod"))
        #expect(Self.messages(LiveRequests.opening(Self.body(#"{"incident":"INC-1"}"#))) == ["missing key `alert`"])
        #expect(Self.messages(LiveRequests.opening(Self.body(#"{"alert":{},"events":[]}"#))) == ["unknown key `events` in the incident"])
        #expect(Self.messages(LiveRequests.opening(Self.body(#"{"alert":{},"alert":{}}"#))).count == 1)
        #expect(
            Self.messages(LiveRequests.opening(Self.body(#"{"incident":"../etc","alert":{}}"#)))
                == ["`incident` must be 1 to 128 letters, digits, `.`, `_`, `:` or `-`"])
        #expect(Self.messages(LiveRequests.opening(Self.body("[1]"))) == ["the incident must be a mapping"])
    }

    @Test func aLiveEventIsStampedByTheHost() throws {
        let at = Timestamp(seconds: 1_778_295_000)
        let event = try LiveRequests.event(
            Self.body(#"{"propose":{"thought":"t","tool":"get_pods","args":{"namespace":"payments"}}}"#), at: at,
            kinds: LiveRequests.agentEvents
        ).get()
        #expect(event == .propose(at: at, ProposedAction(thought: "t", kind: .toolCall, tool: "get_pods", args: JSONObject(["namespace": .string("payments")]))))
        // The time is the host's: an `at` in the body is refused, not used.
        #expect(
            Self.messages(LiveRequests.event(Self.body(#"{"at":"2026-01-01T00:00:00Z","observe":{"output":""}}"#), at: at, kinds: LiveRequests.agentEvents))
                == ["unknown key `at` in an event"])
        // An agent cannot post a result or an approval; an executor posts only results.
        #expect(
            Self.messages(LiveRequests.event(Self.body(#"{"result":{"status":"succeeded"}}"#), at: at, kinds: LiveRequests.agentEvents))
                == ["unknown key `result` in an event"])
        #expect(
            Self.messages(LiveRequests.event(Self.body(#"{"approve":{"by":"alice@contoso.com"}}"#), at: at, kinds: LiveRequests.executorEvents))
                == ["unknown key `approve` in an event"])
        #expect(
            try LiveRequests.event(Self.body(#"{"result":{"status":"failed","detail":"quota"}}"#), at: at, kinds: LiveRequests.executorEvents).get()
                == .result(at: at, succeeded: false, detail: "quota"))
    }

    @Test func aVerdictIsGivenByTheCredentialsPerson() throws {
        let at = Timestamp(seconds: 60)
        let digest = String(repeating: "a", count: 64)
        #expect(
            try LiveRequests.verdict(Self.body(#"{"verdict":"approve","digest":"\#(digest)"}"#), by: "alice@contoso.com", at: at).get()
                == .approve(at: at, by: "alice@contoso.com", digest: digest))
        #expect(
            try LiveRequests.verdict(Self.body(#"{"verdict":"reject","digest":"\#(digest)","comment":"no"}"#), by: "bob", at: at).get()
                == .reject(at: at, by: "bob", comment: "no", digest: digest))
        #expect(
            Self.messages(LiveRequests.verdict(Self.body(#"{"verdict":"approve","digest":"\#(digest)","by":"mallory"}"#), by: "bob", at: at))
                == ["unknown key `by` in a verdict"])
        #expect(Self.messages(LiveRequests.verdict(Self.body(#"{"verdict":"approve"}"#), by: "bob", at: at)) == ["missing key `digest`"])
        #expect(
            Self.messages(LiveRequests.verdict(Self.body(#"{"verdict":"maybe","digest":"\#(digest)"}"#), by: "bob", at: at))
                == ["`verdict` must be `approve` or `reject`"])
    }
}

/// A recording written as YAML reads back as the same incident, strings that look like other
/// things included.
@Suite("Recordings as YAML")
struct RecordingYAMLTests {
    @Test(arguments: ReplayGoldenTests.names)
    func aYAMLRecordingReadsBackAsTheSameIncident(_ name: String) throws {
        let data = try Data(contentsOf: ReplayGoldenTests.incidents.appendingPathComponent(name))
        let original = try #require(IncidentReader.read(SourceFile(path: name, bytes: Array(data))).incident)
        let file = IncidentReader.read(SourceFile(path: "recording.yaml", bytes: Array(RecordingEncoder.yaml(original).utf8)))
        #expect(file.diagnostics.isEmpty, "\(file.diagnostics.map(\.message))")
        #expect(file.incident == original)
    }

    @Test func stringsThatLookLikeOtherValuesStayStrings() throws {
        let tricky = ["yes", "010", "null", "", "1.5", "true", "a: b", "- x", "# c", "~", "0x1F", "multi\nline", "ünïcode"]
        let args = JSONObject(entries: tricky.enumerated().map { ("k\($0.offset)", JSONValue.string($0.element)) } + [("n", .integer(10)), ("f", .bool(false))])
        let recorded = RecordedIncident(
            incident: "INC-Y", runbook: nil, context: nil, alert: JSONObject(["x": .string("010")]),
            events: [.propose(at: Timestamp(seconds: 60), ProposedAction(thought: "yes", kind: .toolCall, tool: "t", args: args))])
        let file = IncidentReader.read(SourceFile(path: "r.yaml", bytes: Array(RecordingEncoder.yaml(recorded).utf8)))
        #expect(file.diagnostics.isEmpty, "\(file.diagnostics.map(\.message))")
        #expect(file.incident == recorded)
    }
}
