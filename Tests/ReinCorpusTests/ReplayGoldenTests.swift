import Foundation
import ReinAdapters
import Testing

/// Golden replays of the example incidents (`runbooks/incidents`): for each, the transcript
/// (`Tests/Corpus/replay/NAME.txt`) and the docs/FORMATS.md §4 object with its approval card, PIM
/// requests and rendered KQL (`NAME.json`, pretty-printed one key per line for readable diffs).
/// `REIN_UPDATE_GOLDEN=1 swift test` rewrites them.
@Suite("Golden replays")
struct ReplayGoldenTests {
    static let incidents = repositoryRoot.appendingPathComponent("runbooks/incidents")
    static let folder = repositoryRoot.appendingPathComponent("Tests/Corpus/replay")

    static var names: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: incidents.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }

    @Test func thereAreTenIncidents() {
        #expect(Self.names.count >= 10)
    }

    @Test(arguments: names)
    func replayMatches(_ name: String) throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let policy = try #require(bundle.compile().policy)
        let data = try Data(contentsOf: Self.incidents.appendingPathComponent(name))
        let file = IncidentReader.read(SourceFile(path: "runbooks/incidents/\(name)", bytes: Array(data)))
        #expect(file.diagnostics.isEmpty)
        let incident = try #require(file.incident)
        let result = try Replay.run(
            incident, policy: policy, bundleDigest: Hashing.bundleDigest(bundle.sources), sha256: Hashing.sha256Hex
        ).get()
        let stem = (name as NSString).deletingPathExtension
        let transcript = ReplayTranscript.render(result)
        #expect(compareGolden(transcript, file: Self.folder.appendingPathComponent("\(stem).txt")).map { "\($0)" } == nil)
        let json = ReplayEncoder(policy: policy).json(result, alert: incident.alert)
        let pretty = try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: Data(JSONWriter.encode(json))),
            options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let difference = compareGolden(String(decoding: pretty, as: UTF8.self) + "\n", file: Self.folder.appendingPathComponent("\(stem).json"))
        #expect(difference == nil, "\(difference ?? "")")
    }
}
