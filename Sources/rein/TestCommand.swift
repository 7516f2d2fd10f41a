import ArgumentParser
import ReinAdapters

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Replay recorded incidents and check their expect: blocks.",
        discussion: """
            Every incident with an `expect:` block (FORMATS.md §3) is replayed and each expected \
            key compared: outcome, reason, the decision of each proposal, the page. A failure \
            prints the expected and actual values; the last line is `N passed, N failed`. \
            Incidents without `expect:` are skipped (and counted as such). Default: \
            runbooks/incidents/.

            Exit status: 0 all passed, 1 a test failed or an incident file has errors, 2 the \
            command could not run.

            Examples:
              rein test
              rein test runbooks/incidents/memory-scale-down-remediated.yaml
            """
    )

    @Argument(help: ArgumentHelp("Recorded incident files or folders (default: runbooks/incidents).", valueName: "incident"))
    var incidents: [String] = []

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    func run() throws {
        let (policy, sources) = try loadCompiledBundle(bundlePaths)
        let digest = Hashing.bundleDigest(sources)
        var passed = 0, failed = 0, skipped = 0
        try forEachIncident(incidents.isEmpty ? ["runbooks/incidents"] : incidents) { file in
            guard let incident = file.incident, file.diagnostics.isEmpty else {
                failed += 1
                return
            }
            guard let expectation = file.expectation else {
                skipped += 1
                return
            }
            switch Replay.run(incident, policy: policy, bundleDigest: digest, sha256: Hashing.sha256Hex) {
            case .success(let result):
                let mismatches = IncidentTest.compare(result, with: expectation)
                if mismatches.isEmpty {
                    passed += 1
                    print("ok    \(file.file.path)")
                } else {
                    failed += 1
                    print("FAIL  \(file.file.path)")
                    for mismatch in mismatches {
                        print("      \(mismatch.key): expected \(mismatch.expected), got \(mismatch.actual)")
                    }
                }
            case .failure(let failure):
                failed += 1
                print("FAIL  \(file.file.path)\n      cannot replay: \(failure.message)")
            }
        }
        print("\(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) without expect" : ""))
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Finds recorded incidents and reads them one at a time (memory stays flat in their number):
/// each file is read and checked whole, its diagnostics go to stderr, then `body` gets it. A
/// missing path or an unreadable file stops the command (exit 2).
func forEachIncident(_ paths: [String], _ body: (IncidentFile) throws -> Void) throws {
    let found: [String]
    do throws(IncidentLoader.LoadError) {
        found = try IncidentLoader.discover(paths)
    } catch {
        throw CLIError(error.description)
    }
    guard !found.isEmpty else {
        throw CLIError("no recorded incidents (*.yaml, *.yml, *.json) under \(paths.map { "`\($0)`" }.joined(separator: ", "))")
    }
    for path in found {
        let source: SourceFile
        do throws(IncidentLoader.LoadError) {
            source = try IncidentLoader.load(path)
        } catch {
            throw CLIError(error.description)
        }
        let file = IncidentReader.read(source)
        if !file.diagnostics.isEmpty {
            writeError(TextDiagnosticRenderer(files: [source]).render(file.diagnostics), terminator: "")
        }
        try body(file)
    }
}
