import Foundation
import ReinAdapters
import Testing

/// `rein diff`: the change impact of a policy change on recorded incidents.
extension CLITests {
    /// The head bundle of a scenario of `Tests/Corpus/diff`.
    func headBundle(_ name: String) throws -> URL {
        let data = try Data(contentsOf: Self.diffCorpus.appendingPathComponent("\(name).json"))
        return try headBundle(JSONDecoder().decode(DiffScenario.self, from: data))
    }

    /// The memory runbook's cap removed: the dangerous direction fails the job; the proposal
    /// denied `approval_pending` after it and the approvals given for another action are knock-on
    /// changes, counted apart from new denials.
    @Test func aLoosenedRuleShowsAsNewlyAllowed() throws {
        let head = try headBundle("loosened-rule")
        defer { try? FileManager.default.removeItem(at: head) }
        let incident = "runbooks/incidents/memory-scale-down-remediated.yaml"
        let run = try rein(["diff", "--base", ".", "--head", head.path, incident, "--fail-on", "newly-allowed"])
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // The newly allowed step comes first, named by its line and time.
        #expect(lines.dropFirst().first == "  line 27 (2026-05-09T02:48:10Z) propose: deny (rule) → require_approval [newly allowed]")
        #expect(lines.contains("  line 32 (2026-05-09T02:48:40Z) propose: require_approval → deny (approval_pending) [knock-on of line 27]"))
        #expect(run.stdout.contains(#"executed: scale_deployment {"namespace":"payments","deployment":"ledger-worker","replicas":3} → nothing"#))
        #expect(lines.last == "1 of 1 incident change: 0 newly denied, 1 newly allowed, 4 knock-on")

        let json = try rein(["diff", "--base", ".", "--head", head.path, incident, "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["newly_allowed"] as? Int == 1 && object["newly_denied"] as? Int == 0 && object["knock_on"] as? Int == 4)

        let github = try rein(["diff", "--base", ".", "--head", head.path, incident, "--format", "github"])
        #expect(github.stdout.hasPrefix("::error file=runbooks/incidents/memory-scale-down-remediated.yaml,line=27,title=rein diff%3A newly allowed::"))
    }

    @Test func theExamplesAgainstThemselvesDoNotChange() throws {
        let run = try rein(["diff", "--base", ".", "--head", ".", "runbooks/incidents", "--fail-on", "any"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout == "0 of 12 incidents change: 0 newly denied, 0 newly allowed\n")
    }
}
