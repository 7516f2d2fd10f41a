import Foundation
import ReinAdapters
import Testing

/// `rein eval` end to end (docs/CLI.md): inputs, output, exit codes.
extension CLITests {
    static let decisions = "Tests/Corpus/decisions"

    @Test func evalBatchMatchesTheGoldenDecisions() throws {
        let run = try rein(["eval", "--batch", "\(Self.decisions)/examples.jsonl"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try String(
            contentsOf: repositoryRoot.appendingPathComponent("\(Self.decisions)/examples.expected.jsonl"), encoding: .utf8)
        #expect(run.stdout == expected)
        #expect(run.stderr.isEmpty)
    }

    @Test func evalStdinAndExplainMatchTheGoldenTrace() throws {
        let input = try Data(contentsOf: repositoryRoot.appendingPathComponent("\(Self.decisions)/explain.jsonl"))
        let run = try rein(["eval", "--explain", "-"], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try String(
            contentsOf: repositoryRoot.appendingPathComponent("\(Self.decisions)/explain.expected.jsonl"), encoding: .utf8)
        #expect(run.stdout == expected)
    }

    @Test func evalOneProposalFileMaySpanLines() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.json")
        try """
            {
              "id": "p-1",
              "runbook": "aks_node_memory_pressure",
              "tool": "get_top_pods_by_memory",
              "args": {"namespace": "payments"},
              "context": {"environment": "prod"}
            }

            """.write(to: file, atomically: true, encoding: .utf8)
        let run = try rein(["eval", "--proposal", file.path])
        #expect(run.status == 0)
        #expect(run.stdout == "{\"id\":\"p-1\",\"decision\":\"allow\",\"identity\":\"observer\"}\n")
    }

    @Test func evalRunbookOptionAndFailOnDeny() throws {
        let lines = """
            {"id":"a","tool":"get_top_pods_by_memory","args":{"namespace":"payments"},"context":{"environment":"prod"}}
            {"id":"b","tool":"get_pod_logs","args":{"namespace":"payments","pod":"p","container":"c"},"context":{"environment":"prod"}}

            """
        let plain = try rein(["eval", "--runbook", "aks_node_memory_pressure", "-"], stdin: Data(lines.utf8))
        #expect(plain.status == 0)
        #expect(plain.stdout.split(separator: "\n").count == 2)
        #expect(plain.stdout.contains("{\"id\":\"b\",\"decision\":\"deny\",\"reasons\":[{\"code\":\"not_in_runbook\""))
        let failing = try rein(["eval", "--runbook", "aks_node_memory_pressure", "--fail-on-deny", "-"], stdin: Data(lines.utf8))
        #expect(failing.status == 1)
        #expect(failing.stdout == plain.stdout)
        let allowed = try rein(["eval", "--fail-on-deny", "-"], stdin: Data(lines.utf8))
        #expect(allowed.status == 0, "policy-only mode allows both reads")
    }

    @Test func evalUnknownRunbookOptionWarnsAndDenies() throws {
        let line = #"{"tool":"describe_node","args":{"node":"n1"},"context":{"environment":"dev"}}"# + "\n"
        let run = try rein(["eval", "--runbook", "aks_memory", "-"], stdin: Data(line.utf8))
        #expect(run.status == 0)
        #expect(run.stderr.contains("rein: warning: runbook `aks_memory` is not declared"))
        #expect(run.stdout.contains("\"code\":\"unknown_runbook\""))
    }

    @Test func evalEveryLineGetsOneDecisionEvenPastTheSizeLimit() throws {
        var input = Data(#"{"id":"x","tool":"describe_node","args":{"node":"n1"},"context":{"environment":"dev"}}"#.utf8)
        input.append(0x0A)
        input.append(Data(repeating: 0x20, count: 1_048_577))  // one byte over the limit
        input.append(0x0A)
        input.append(Data("\n\r\n".utf8))
        input.append(Data(#"{"tool":"describe_node","args":{"node":"n1"},"context":{"environment":"dev"}}"#.utf8))
        let run = try rein(["eval", "-"], stdin: input)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 6, "five decisions and the final newline")
        #expect(lines[0].contains("\"id\":\"x\",\"decision\":\"allow\""))
        #expect(lines[1] == #"{"id":"2","decision":"deny","reasons":[{"code":"malformed_proposal","message":"line is longer than 1048576 bytes"}]}"#)
        #expect(lines[2].contains("\"id\":\"3\"") && lines[2].contains("blank line"))
        #expect(lines[3].contains("\"id\":\"4\"") && lines[3].contains("blank line"))
        #expect(lines[4] == #"{"id":"5","decision":"allow","identity":"observer"}"#, "no newline after the last line")
    }

    @Test func evalUsageErrorsExitTwo() throws {
        let none = try rein(["eval"])
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("rein: error: no proposals"))
        let both = try rein(["eval", "--proposal", "a.json", "--batch", "b.jsonl"])
        #expect(both.status == 2)
        let missing = try rein(["eval", "--batch", "no/such.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("rein: error: cannot read `no/such.jsonl`"))
        let folder = try rein(["eval", "--batch", "runbooks"])
        #expect(folder.status == 2)
    }

    @Test func evalRefusesABundleWithErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "tool t {\n  efect read\n}\n".write(to: folder.appendingPathComponent("bad.rein"), atomically: true, encoding: .utf8)
        let run = try rein(["eval", "--bundle", "bad.rein", "-"], in: folder, stdin: Data("{}\n".utf8))
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("bad.rein:2:3: error: unknown statement `efect`"))
        #expect(run.stderr.contains("rein: error: the bundle has 1 error"))
    }
}
