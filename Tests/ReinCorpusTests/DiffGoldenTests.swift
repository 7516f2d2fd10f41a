import Foundation
import Testing

/// Golden `rein diff` runs: each `Tests/Corpus/diff/NAME.json` describes a head bundle (the
/// examples with a few edits) and the recorded incidents to compare; `NAME.expected` holds what
/// `rein diff` prints in each format with `--fail-on any`, and what `rein test` says of the same
/// incidents under the head bundle. `REIN_UPDATE_GOLDEN=1 swift test` rewrites them.
extension CLITests {
    static let diffCorpus = repositoryRoot.appendingPathComponent("Tests/Corpus/diff")

    static var diffScenarios: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: diffCorpus.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) }.sorted()
    }

    struct DiffScenario: Decodable {
        struct Edit: Decodable {
            var file: String
            var replace: String?
            var with: String?
            var append: String?
        }

        var edits: [Edit]
        var incidents: [String]
    }

    /// A copy of the example bundle with the scenario's edits (each replaced text found exactly once).
    func headBundle(_ scenario: DiffScenario) throws -> URL {
        let folder = try temporaryFolder()
        for part in ["policies", "runbooks"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(part), to: folder.appendingPathComponent(part))
        }
        for edit in scenario.edits {
            let file = folder.appendingPathComponent(edit.file)
            var text = try String(contentsOf: file, encoding: .utf8)
            if let old = edit.replace {
                let parts = text.components(separatedBy: old)
                try #require(parts.count == 2, "`\(old)` is not found exactly once in \(edit.file)")
                text = parts.joined(separator: edit.with ?? "")
            }
            text += edit.append ?? ""
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test func thereAreDiffScenarios() {
        #expect(Self.diffScenarios.count >= 3)
    }

    @Test(arguments: diffScenarios)
    func diffMatchesTheGoldenFile(_ name: String) throws {
        let data = try Data(contentsOf: Self.diffCorpus.appendingPathComponent("\(name).json"))
        let scenario = try JSONDecoder().decode(DiffScenario.self, from: data)
        let head = try headBundle(scenario)
        defer { try? FileManager.default.removeItem(at: head) }
        var transcript = ""
        let runs: [[String]] = [
            ["diff", "--base", ".", "--head", head.path] + scenario.incidents + ["--fail-on", "any"],
            ["diff", "--base", ".", "--head", head.path] + scenario.incidents + ["--format", "json"],
            ["diff", "--base", ".", "--head", head.path] + scenario.incidents + ["--format", "github"],
            ["test", "--bundle", "\(head.path)/policies", "--bundle", "\(head.path)/runbooks"] + scenario.incidents,
        ]
        for arguments in runs {
            let run = try rein(arguments)
            let shown = arguments.map { $0.replacingOccurrences(of: head.path, with: "HEAD") }
            transcript += "$ rein \(shown.joined(separator: " "))\n\(run.stdout)"
            if !run.stderr.isEmpty { transcript += "stderr:\n\(run.stderr)" }
            transcript += "exit \(run.status)\n\n"
        }
        let difference = compareGolden(transcript, file: Self.diffCorpus.appendingPathComponent("\(name).expected"))
        #expect(difference == nil, "\(difference ?? "")")
    }
}
