import Foundation
import ReinAdapters
import Testing

/// `rein replay` and `rein test` end to end on the example incidents (docs/CLI.md).
extension CLITests {
    @Test func replayOfTheExamplesIsDeterministic() throws {
        let first = try rein(["replay", "--json", "runbooks/incidents"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        // Every outcome reason the examples cover appears, each object is one JSON line.
        for reason in ["completed", "execution_failed", "execution_unconfirmed", "investigation_only", "approval_timeout",
            "approval_rejected", "iteration_limit"]
        {
            #expect(first.stdout.contains(#""reason":"\#(reason)""#), "no incident ends with \(reason)")
        }
        #expect(try rein(["replay", "--json", "runbooks/incidents"]).stdout == first.stdout)
    }

    @Test func testPassesOnTheExamples() throws {
        let run = try rein(["test"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasSuffix("12 passed, 0 failed\n"))
    }

    @Test func aBrokenIncidentStopsTheReplayWithItsPosition() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("broken.yaml")
        try "incident: INC-9\nalert: {}\nevents:\n  - at: 2026-05-09T02:47:05Z\n    observe: {output: x}\n    approve: {by: a@b.c}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let run = try rein(["replay", file.path])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("broken.yaml:4:5: error: an event has exactly one of"))
        #expect(run.stderr.contains("[rein.incident.event]"))
    }

    @Test func aFailingExpectationPrintsTheDifference() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("runbooks/incidents/hpa-investigation-only.yaml"), encoding: .utf8)
        let file = folder.appendingPathComponent("wrong.yaml")
        try source.replacingOccurrences(of: "reason: investigation_only", with: "reason: completed")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = try rein(["test", file.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("reason: expected completed, got investigation_only"))
        #expect(run.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func anUnmatchedAlertCannotBeReplayed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("db.json")
        try #"{"incident":"INC-5","alert":{"data":{"essentials":{"alertRule":"sql-dtu-high"}}},"events":[]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let run = try rein(["replay", file.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no runbook matches alert rule `sql-dtu-high`"))
    }
}

/// `rein render` and `rein audit verify` end to end.
extension CLITests {
    static let proposal = """
        {"id":"p-7","runbook":"aks_node_memory_pressure","kind":"remediation","tool":"scale_deployment",\
        "args":{"namespace":"payments","deployment":"ledger-worker","replicas":3},"thought":"Scale down.",\
        "context":{"environment":"prod"},"at":"2026-05-09T02:48:40Z"}
        """
    static let alert = """
        {"data":{"essentials":{"alertRule":"aks-node-memory-high","severity":"Sev1","alertTargetIDs":\
        ["/subscriptions/3f2c9a1e/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod"]}}}
        """

    @Test func renderCardAndPIMForAProposal() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let proposal = folder.appendingPathComponent("p.json"), alert = folder.appendingPathComponent("a.json")
        try Self.proposal.write(to: proposal, atomically: true, encoding: .utf8)
        try Self.alert.write(to: alert, atomically: true, encoding: .utf8)
        let card = try rein(["render", "card", proposal.path, "--alert", alert.path, "--incident", "INC-7"])
        #expect(card.status == 0, "\(card.stderr)")
        #expect(card.stdout.contains(#""type":"AdaptiveCard""#) && card.stdout.contains(#""expiresAt":"2026-05-09T03:03:40Z""#))
        let pim = try rein(["render", "pim", proposal.path, "--alert", alert.path, "--incident", "INC-7"])
        #expect(pim.status == 0, "\(pim.stderr)")
        let lines = pim.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""requestType":"SelfActivate""#) == true)
        #expect(lines.first?.contains(#""startDateTime":"2026-05-09T02:48:40Z""#) == true)
        #expect(lines.last?.contains(#""requestType":"SelfDeactivate""#) == true)
        #expect(pim.stdout.contains("/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod/providers/Microsoft.Authorization/roleDefinitions/0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8"))
    }

    @Test func renderKQLChecksTheArgs() throws {
        let good = try rein(["render", "kql", "pod_memory_trend", "--args", #"{"namespace":"payments","pod":"ledger-0"}"#])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("Namespace == 'payments'") && good.stdout.contains("ago(1h)"))
        let bad = try rein(["render", "kql", "pod_memory_trend", "--args", #"{"namespace":"kube-system","pod":"x"}"#])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("forbidden_namespace"))
    }

    @Test func auditVerifyFindsATamperedEntry() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("audit.jsonl")
        let replay = try rein(["replay", "runbooks/incidents/hpa-investigation-only.yaml", "--audit", log.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        let intact = try rein(["audit", "verify", log.path])
        #expect(intact.status == 0)
        #expect(intact.stdout.contains("entries, chain intact"))
        let text = try String(contentsOf: log, encoding: .utf8)
        try text.replacingOccurrences(of: "storefront-web", with: "storefront-api").write(to: log, atomically: true, encoding: .utf8)
        let broken = try rein(["audit", "verify", log.path])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("broken at seq 1: `hash` does not match the entry"))
        // A broken log is never appended to.
        let refused = try rein(["replay", "runbooks/incidents/hpa-investigation-only.yaml", "--audit", log.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("is broken at seq 1"))
    }
}
