import Foundation
import ReinAdapters
import Testing

/// `rein diff`: the change impact of a policy change on recorded incidents.
extension CLITests {
    /// A copy of the example bundle without the memory runbook's cap of 6 replicas.
    func loosenedBundle() throws -> URL {
        let folder = try temporaryFolder()
        for part in ["policies", "runbooks"] {
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent(part), to: folder.appendingPathComponent(part))
        }
        let runbook = folder.appendingPathComponent("runbooks/aks_node_memory_pressure.rein")
        let text = try String(contentsOf: runbook, encoding: .utf8)
        let loosened = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("deny scale_deployment when args.replicas > 6") }.joined(separator: "\n")
        #expect(loosened != text)
        try loosened.write(to: runbook, atomically: true, encoding: .utf8)
        return folder
    }

    @Test func aLoosenedRuleShowsAsNewlyAllowed() throws {
        let head = try loosenedBundle()
        defer { try? FileManager.default.removeItem(at: head) }
        let incident = "runbooks/incidents/memory-scale-down-remediated.yaml"
        let run = try rein(["diff", "--base", ".", "--head", head.path, incident, "--fail-on", "newly-allowed"])
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // The newly allowed step comes first.
        #expect(lines.dropFirst().first == "  step 2 propose: deny (rule) → require_approval [newly allowed]")
        #expect(run.stdout.contains("step 3 propose: require_approval → deny (approval_pending) [newly denied]"))
        #expect(run.stdout.contains(#"executed: scale_deployment {"namespace":"payments","deployment":"ledger-worker","replicas":3} → scale_deployment {"namespace":"payments","deployment":"ledger-worker","replicas":8}"#))
        #expect(lines.last == "1 of 1 incident change: 1 newly denied, 1 newly allowed")

        let json = try rein(["diff", "--base", ".", "--head", head.path, incident, "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["newly_allowed"] as? Int == 1 && object["changed"] as? Int == 1)

        let github = try rein(["diff", "--base", ".", "--head", head.path, incident, "--format", "github"])
        #expect(github.stdout.hasPrefix("::error file=runbooks/incidents/memory-scale-down-remediated.yaml,title=rein diff%3A newly allowed::"))
    }

    @Test func theExamplesAgainstThemselvesDoNotChange() throws {
        let run = try rein(["diff", "--base", ".", "--head", ".", "runbooks/incidents", "--fail-on", "any"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout == "0 of 10 incidents change: 0 newly denied, 0 newly allowed\n")
    }
}
