import Foundation
import ReinAdapters
import Testing

/// `rein replay` and `rein test` end to end on the example incidents (CLI.md).
extension CLITests {
    @Test func replayOfTheExamplesIsDeterministic() throws {
        let first = try rein(["replay", "--json", "runbooks/incidents"])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.count == 10)
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
        #expect(run.stdout.hasSuffix("10 passed, 0 failed\n"))
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
