import Foundation
import Testing

/// `rein eval --agent-input` with the host's facts from flags, the one-line lint note of the
/// commands other than `check`, and `rein render`'s time, `--pretty` and tool-versus-query
/// messages, end to end.
extension CLITests {
    static let readPods = #"{"id":"r","runbook":"aks_node_memory_pressure","tool":"get_top_pods_by_memory","args":{"namespace":"payments"}}"#

    @Test func agentInputRefusesHostFactsAndTakesThemFromFlags() throws {
        let forged = #"{"id":"m","tool":"get_top_pods_by_memory","args":{"namespace":"payments"},"context":{"environment":"dev"}}"#
        let flags = ["eval", "--agent-input", "--runbook", "aks_node_memory_pressure", "-"]
        let refused = try rein(flags, stdin: Data((forged + "\n").utf8))
        #expect(refused.status == 0, "\(refused.stderr)")
        #expect(
            refused.stdout
                == #"{"id":"m","decision":"deny","reasons":[{"code":"malformed_proposal","message":"`context` is a fact only the host knows: an agent's proposal may not carry it"}]}"# + "\n")
        let plain = #"{"id":"m","tool":"get_top_pods_by_memory","args":{"namespace":"payments"}}"#
        let hosted = try rein(
            flags + ["--context", #"{"environment":"prod"}"#, "--session", #"{"iteration":2}"#, "--at", "2026-05-09T02:47:05Z"],
            stdin: Data((plain + "\n").utf8))
        #expect(hosted.status == 0, "\(hosted.stderr)")
        #expect(hosted.stdout == #"{"id":"m","decision":"allow","identity":"observer"}"# + "\n")
        let limit = try rein(flags + ["--context", #"{"environment":"prod"}"#, "--session", #"{"iteration":99}"#], stdin: Data((plain + "\n").utf8))
        #expect(limit.stdout.contains(#""code":"iteration_limit""#))
    }

    @Test func aProposalNeverOverridesAFlag() throws {
        let line = #"{"id":"o","runbook":"aks_node_memory_pressure","tool":"get_top_pods_by_memory","args":{"namespace":"payments"},"context":{"environment":"prod"}}"#
        let run = try rein(["eval", "--context", #"{"environment":"dev"}"#, "-"], stdin: Data((line + "\n").utf8))
        #expect(run.stdout.contains("`context` is given by the host: the proposal may not give it too"))
    }

    @Test(arguments: [
        (["--session", #"{"iteration":"2"}"#], "rein: error: --session: `session.iteration` must be an integer >= 0"),
        (["--context", "[]"], "rein: error: --context: `context` must be a json object"),
        (["--at", "02:47"], "rein: error: --at: `at` must be an rfc 3339 timestamp, not `02:47`"),
        (["--alert", "runbooks"], "rein: error: `runbooks` cannot be read"),
    ])
    func badHostFactsStopTheCommand(_ flags: [String], _ message: String) throws {
        let run = try rein(["eval"] + flags + ["-"], stdin: Data((Self.readPods + "\n").utf8))
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
    }

    /// A bundle that checks without errors but with lint warnings (tools without descriptions,
    /// one listed by no runbook), and a recorded incident for it.
    func lintyBundle() throws -> URL {
        let folder = try temporaryFolder()
        try """
            identity observer { role "Reader" }
            tool look {
              effect read
            }
            tool spare {
              effect read
            }
            query events {
              arg namespace: namespace
              kql \"\"\"
                KubeEvents
                | where Namespace == {namespace}
                \"\"\"
            }
            runbook probe {
              trigger alert.rule like "probe-*"
              investigate look, events
            }

            """.write(to: folder.appendingPathComponent("bundle.rein"), atomically: true, encoding: .utf8)
        try """
            incident: INC-1
            alert: {data: {essentials: {alertRule: probe-1, severity: Sev2, firedDateTime: "2026-05-09T02:47:00Z"}}}
            events:
              - at: 2026-05-09T02:47:05Z
                propose: {tool: look, args: {}}
            expect: {outcome: no_action, reason: investigation_only}

            """.write(to: folder.appendingPathComponent("incident.yaml"), atomically: true, encoding: .utf8)
        try #"{"tool":"look","args":{}}"#.write(to: folder.appendingPathComponent("p.json"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func commandsOtherThanCheckPrintOneLineAboutLint() throws {
        let folder = try lintyBundle()
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = try rein(["check", "bundle.rein"], in: folder)
        #expect(check.status == 0)
        let warnings = check.stdout.split(separator: "\n").filter { $0.contains(": warning: ") }.count
        #expect(warnings >= 3, "\(check.stdout)")
        func note(_ bundle: String) -> String { "rein: note: \(bundle) has \(warnings) lint warnings; run rein check\n" }
        let commands: [([String], String)] = [
            (["eval", "--bundle", "bundle.rein", "--proposal", "p.json"], note("the bundle")),
            (["replay", "--bundle", "bundle.rein", "incident.yaml"], note("the bundle")),
            (["test", "--bundle", "bundle.rein", "incident.yaml"], note("the bundle")),
            (["diff", "--base", "bundle.rein", "--head", "bundle.rein", "incident.yaml"], note("the base bundle") + note("the head bundle")),
            (["render", "kql", "events", "--bundle", "bundle.rein", "--args", #"{"namespace":"payments"}"#], note("the bundle")),
        ]
        for (command, expected) in commands {
            let run = try rein(command, in: folder)
            #expect(run.status == 0, "\(command): \(run.stderr)")
            #expect(run.stderr == expected, "\(command)")
        }
    }

    @Test func bundleErrorsAreStillPrintedInFull() throws {
        let folder = try lintyBundle()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "tool broken {\n  effect maybe\n}\n".write(to: folder.appendingPathComponent("broken.rein"), atomically: true, encoding: .utf8)
        let run = try rein(["eval", "--bundle", ".", "--proposal", "p.json"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr.contains("broken.rein:2:"))
        #expect(run.stderr.contains("rein: error: the bundle has 1 error"))
        #expect(!run.stderr.contains("warning: "))
    }

    @Test func renderTakesTheAlertTimeWarnsWithoutOneAndPrettyPrints() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let untimed = Self.proposal.replacingOccurrences(of: #","at":"2026-05-09T02:48:40Z""#, with: "")
        let proposal = folder.appendingPathComponent("p.json"), alert = folder.appendingPathComponent("a.json")
        try untimed.write(to: proposal, atomically: true, encoding: .utf8)
        let fired = Self.alert.replacingOccurrences(of: #""severity":"Sev1","#, with: #""severity":"Sev1","firedDateTime":"2026-05-09T02:47:00Z","#)
        try fired.write(to: alert, atomically: true, encoding: .utf8)
        let timed = try rein(["render", "card", proposal.path, "--alert", alert.path])
        #expect(timed.status == 0 && timed.stderr.isEmpty, "\(timed.stderr)")
        #expect(timed.stdout.contains(#""expiresAt":"2026-05-09T03:02:00Z""#))
        let epoch = try rein(["render", "card", proposal.path])
        #expect(epoch.status == 0)
        #expect(epoch.stderr.hasPrefix("rein: warning: the proposal has no `at` and no alert gives `firedDateTime`"))
        #expect(epoch.stdout.contains(#""expiresAt":"1970-01-01T00:15:00Z""#))
        let pretty = try rein(["render", "card", proposal.path, "--alert", alert.path, "--pretty"])
        #expect(pretty.stdout.hasPrefix("{\n  \"type\": \"AdaptiveCard\",\n"))
        let compact = try JSONSerialization.jsonObject(with: Data(timed.stdout.utf8)) as? NSDictionary
        let indented = try JSONSerialization.jsonObject(with: Data(pretty.stdout.utf8)) as? NSDictionary
        #expect(compact != nil && compact == indented)
    }

    @Test func renderKQLOfAToolSaysOnlyQueriesHaveKQL() throws {
        let tool = try rein(["render", "kql", "scale_deployment"])
        #expect(tool.status == 2)
        #expect(tool.stderr == "rein: error: `scale_deployment` is a tool, not a query: only queries have KQL\n")
        let unknown = try rein(["render", "kql", "scale_deployments"])
        #expect(unknown.stderr == "rein: error: `scale_deployments` is not a query of the bundle\n")
    }
}
