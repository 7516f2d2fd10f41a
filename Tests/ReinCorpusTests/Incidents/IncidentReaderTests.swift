import ReinAdapters
import Testing

/// Recorded incidents are read strictly (docs/FORMATS.md §3): each problem at its line and column.
@Suite("Recorded incident reading")
struct IncidentReaderTests {
    static let valid = """
        incident: INC-1
        context: {environment: prod, retries: 010, flag: yes, on: true, window: 1:30}
        alert: {data: {essentials: {alertRule: aks-node-memory-high}}}
        events:
          - at: 2026-05-09T02:47:05Z
            propose: {tool: get_pods, args: {namespace: payments}}
          - at: 2026-05-09T02:48:00Z
            approve: {by: alice@contoso.com}
        expect: {outcome: no_action, decisions: [allow], paged: none}
        """

    func read(_ text: String, path: String = "i.yaml") -> IncidentFile {
        IncidentReader.read(SourceFile(path: path, text: text))
    }

    /// `path:line:col: code` of each problem.
    func problems(_ text: String, path: String = "i.yaml") -> [String] {
        let file = read(text, path: path)
        return file.diagnostics.map { diagnostic in
            "\(file.file.position(of: diagnostic.span.start)) \(diagnostic.code)"
        }
    }

    @Test func aValidFileReadsWithTheCoreSchema() throws {
        let file = read(Self.valid)
        #expect(file.diagnostics.isEmpty)
        let incident = try #require(file.incident)
        #expect(incident.incident == "INC-1")
        #expect(incident.events.count == 2)
        let context = try #require(incident.context)
        // 010 is 10; `yes` and `1:30` are strings; only true/false are booleans.
        #expect(context["retries"] == .integer(10))
        #expect(context["flag"] == .string("yes"))
        #expect(context["on"] == .bool(true))
        #expect(context["window"] == .string("1:30"))
        #expect(file.expectation?.decisions == ["allow"])
    }

    static let broken: [(String, String)] = [
        ("incident: INC-1\nincident: INC-2\nalert: {}\nevents: []\n", "rein.incident.duplicate-key"),
        ("incident: INC-1\nalert: &a {}\nctx: *a\nevents: []\n", "rein.incident.anchor"),
        ("incident: INC-1\nalert: {}\nevents: []\nextra: 1\n", "rein.incident.unknown-key"),
        ("incident: INC-1\nevents: []\n", "rein.incident.missing-key"),
        ("incident: 12\nalert: {}\nevents: []\n", "rein.incident.type"),
        ("incident: INC-1\nalert: {}\nevents:\n  - at: yesterday\n    observe: {output: x}\n", "rein.incident.time"),
        ("incident: INC-1\nalert: {}\nevents:\n  - at: 2026-05-09T02:47:05Z\n", "rein.incident.event"),
        (
            "incident: INC-1\nalert: {}\nevents:\n  - at: 2026-05-09T02:47:05Z\n    propose: {tool: a, remediate: b, args: {}}\n",
            "rein.incident.event"
        ),
        (
            "incident: INC-1\nalert: {}\nevents:\n  - at: 2026-05-09T02:48:05Z\n    observe: {output: x}\n  - at: 2026-05-09T02:47:05Z\n    observe: {output: y}\n",
            "rein.incident.time-order"
        ),
        ("incident: INC-1\nalert: {}\nevents:\n  - at: 2026-05-09T02:47:05Z\n    result: {status: ok}\n", "rein.incident.value"),
        ("incident: [unclosed\n", "rein.incident.yaml"),
        ("incident: !!str INC-1\nalert: {}\nevents: []\n", "rein.incident.tag"),
        ("incident: a\nalert: {}\nevents: []\n---\nincident: b\n", "rein.incident.yaml"),
        ("incident: INC-1\nalert: {a: 1, a: 2}\nevents: []\n", "rein.incident.duplicate-key"),
        ("", "rein.incident.empty"),
    ]

    @Test(arguments: broken)
    func eachProblemHasItsCode(_ text: String, _ code: String) {
        let file = read(text)
        #expect(file.incident == nil)
        #expect(file.diagnostics.map(\.code).contains(code), "\(file.diagnostics.map(\.code))")
    }

    @Test func problemsAreReportedWhereTheyAre() {
        #expect(problems("incident: INC-1\nalert: {}\nevents: []\nextra: 1\n") == ["4:1 rein.incident.unknown-key"])
        #expect(
            problems("incident: INC-1\nalert: {}\nevents:\n  - at: 2026-13-01T00:00:00Z\n    observe: {output: x}\n")
                == ["4:9 rein.incident.time"])
    }

    /// Positions on one long line (a flow sequence of 2,000 events) are still exact.
    @Test func positionsOnALongLine() {
        let event = "{at: 2026-05-09T02:47:05Z, observe: {output: é}}, "
        let text = "incident: INC-1\nalert: {}\nevents: [" + String(repeating: event, count: 2_000) + "{at: nope, observe: {output: x}}]\n"
        let column = "events: [".count + 2_000 * event.count + "{at: ".count + 1
        #expect(problems(text) == ["3:\(column) rein.incident.time"])
    }

    @Test func jsonFilesAreReadStrictlyToo() {
        let json = #"{"incident":"INC-1","alert":{},"events":[],"incident":"INC-2"}"#
        #expect(problems(json, path: "i.json") == ["1:44 rein.incident.duplicate-key"])
        let valid = #"{"incident":"INC-1","alert":{"a":1.5},"events":[{"at":"2026-05-09T02:47:05Z","observe":{"output":"x"}}]}"#
        #expect(read(valid, path: "i.json").incident?.events.count == 1)
    }

    static let digest = "4f1c" + String(repeating: "0", count: 58) + "e9"

    /// `bundle`: the digest of the bundle the session ran under, exactly 64 lowercase hex digits.
    @Test func aRecordedBundleIsReadStrictly() throws {
        let text = "incident: INC-1\nbundle: \(Self.digest)\nalert: {}\nevents: []\n"
        #expect(read(text).incident?.bundle == Self.digest)
        #expect(read("incident: INC-1\nalert: {}\nevents: []\n").incident?.bundle == nil)
        let json = #"{"incident":"INC-1","bundle":"\#(Self.digest)","alert":{},"events":[]}"#
        #expect(read(json, path: "i.json").incident?.bundle == Self.digest)
    }

    @Test(arguments: [
        (IncidentReaderTests.digest.uppercased(), "2:9 rein.incident.value"),
        (String(IncidentReaderTests.digest.dropLast()), "2:9 rein.incident.value"),
        ("\"\(IncidentReaderTests.digest) \"", "2:9 rein.incident.value"),
        (String(repeating: "1", count: 64), "2:9 rein.incident.type"),
        ("{a: 1}", "2:9 rein.incident.type"),
    ])
    func aBadBundleIsAnErrorWhereItIs(_ value: String, _ problem: String) {
        let text = "incident: INC-1\nbundle: \(value)\nalert: {}\nevents: []\n"
        #expect(read(text).incident == nil)
        #expect(problems(text) == [problem])
    }

    /// Each event keeps the line it starts on (`rein diff` names changed steps by it).
    @Test func eventsKeepTheirLines() {
        let yaml = read(Self.valid)
        #expect((0..<3).map { yaml.line(ofEvent: $0) } == [5, 7, nil])
        let json = read(
            "{\"incident\":\"INC-1\",\"alert\":{},\"events\":[\n{\"at\":\"2026-05-09T02:47:05Z\",\"observe\":{\"output\":\"x\"}},\n\n"
                + "{\"at\":\"2026-05-09T02:48:05Z\",\"observe\":{\"output\":\"y\"}}]}",
            path: "i.json")
        #expect([json.line(ofEvent: 0), json.line(ofEvent: 1)] == [2, 4])
    }
}
