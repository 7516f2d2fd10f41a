import Foundation
import ReinAdapters
import Testing

/// `rein check` with lint findings: exit codes with and without `--strict`, `--rule`,
/// `--list-rules`, and lint rules in SARIF.
@Suite("rein check (lint)")
struct LintCLITests {
    let cli = CLITests()

    static let bundle = """
        identity observer { role "Reader" }
        tool get_pods {
          effect read
          arg namespace: namespace
        }

        """

    func check(_ arguments: [String], source: String = bundle) throws -> CLITests.Run {
        let folder = try cli.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try source.write(to: folder.appendingPathComponent("b.rein"), atomically: true, encoding: .utf8)
        return try cli.rein(["check", "b.rein"] + arguments, in: folder)
    }

    @Test func warningsPassUnlessStrict() throws {
        let plain = try check([])
        #expect(plain.status == 0)
        #expect(plain.stdout.hasPrefix(
            "b.rein:2:6: warning: tool `get_pods` has no `description` for the model [rein.lint.missing-description]\n"))
        #expect(plain.stdout.hasSuffix("1 file checked: 0 errors, 1 warning\n"))
        #expect(try check(["--strict"]).status == 1)
    }

    @Test func levelsAreSetPerRule() throws {
        let error = try check(["--rule", "missing-description=error"])
        #expect(error.status == 1)
        #expect(error.stdout.contains(": error: tool `get_pods` has no `description`"))
        let note = try check(["--strict", "--rule", "missing-description=note"])
        #expect(note.status == 0)
        #expect(note.stdout.hasSuffix("0 errors, 1 note\n"))
        let off = try check(["--strict", "--rule", "missing-description=off"])
        #expect(off.status == 0)
        #expect(off.stdout == "1 file checked: no problems\n")
    }

    @Test(arguments: ["missing-descripton=off", "missing-description", "missing-description=loud"])
    func badRuleSettingsExitTwo(setting: String) throws {
        let run = try check(["--rule", setting])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("rein: error: --rule: "))
    }

    @Test func aSuppressionNeedsAReason() throws {
        let silenced = try check(["--strict"], source: "# rein:ignore missing-description obvious\n" + Self.bundle)
        #expect(silenced.status == 1, "the comment covers the next line, the identity, not the tool")
        let onTheLine = Self.bundle.replacingOccurrences(of: "tool get_pods {", with: "tool get_pods { # rein:ignore missing-description obvious")
        #expect(try check(["--strict"], source: onTheLine).status == 0)
        let noReason = Self.bundle.replacingOccurrences(of: "tool get_pods {", with: "tool get_pods { # rein:ignore missing-description")
        let run = try check(["--strict"], source: noReason)
        #expect(run.status == 1)
        #expect(run.stdout.contains("[rein.lint.invalid-suppression]"))
        #expect(run.stdout.contains("[rein.lint.missing-description]"))
    }

    @Test func listRules() throws {
        let run = try cli.rein(["check", "--list-rules"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count >= 10)
        #expect(lines.contains("approval-allows-anyone (error): an approval allow glob that matches any identity, such as \"*\""))
    }

    @Test func sarifDescribesLintRules() throws {
        let run = try check(["--format", "sarif"])
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let runs = object?["runs"] as? [[String: Any]]
        let driver = (runs?.first?["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let rule = (driver?["rules"] as? [[String: Any]])?.first
        #expect(rule?["id"] as? String == "rein.lint.missing-description")
        let help = (rule?["help"] as? [String: Any])?["text"] as? String
        let description = try #require(LintRules.rule(named: "missing-description"))
        #expect(help?.hasPrefix("A tool or query the model sees that has no description.\n\n\(description.rationale)\n\n") == true)
        #expect(help?.contains("`# rein:ignore missing-description REASON`") == true)
        #expect((rule?["helpUri"] as? String)?.hasSuffix("/docs/LINT.md#missing-description") == true)
        #expect((runs?.first?["results"] as? [[String: Any]])?.first?["level"] as? String == "warning")
    }
}
