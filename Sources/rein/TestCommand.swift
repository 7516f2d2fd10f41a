import ArgumentParser
import ReinAdapters

/// Output formats of `rein test`.
enum TestFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    /// JUnit XML, for CI test reports.
    case junit
}

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Replay recorded incidents and check their expect: blocks.",
        discussion: """
            Every incident with an `expect:` block (docs/FORMATS.md §3) is replayed and each expected \
            key compared: outcome, reason, the decision of each proposal, the page. A failure \
            prints the expected and actual values; the last line of the text report is \
            `N passed, N failed`. Incidents without `expect:` are skipped (and counted as such); \
            a file with errors, or an incident that cannot be replayed, fails. Default: \
            runbooks/incidents/.

            Exit status: 0 all passed, 1 a test failed or an incident file has errors, 2 the \
            command could not run.

            Examples:
              rein test
              rein test runbooks/incidents/memory-scale-down-remediated.yaml
              rein test --format junit > rein-tests.xml
            """
    )

    @Argument(help: ArgumentHelp("Recorded incident files or folders (default: runbooks/incidents).", valueName: "incident"))
    var incidents: [String] = []

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Option(help: "Report format: text, json or junit (JUnit XML).")
    var format: TestFormat = .text

    @Flag(help: "Report which tools, queries, runbooks and rules the incidents exercised (before the last line; on stderr with --format json or junit).")
    var coverage = false

    @Option(name: .customLong("min-coverage"), help: ArgumentHelp("Fail (exit 1) when coverage is below this percentage (implies --coverage).", valueName: "percent"))
    var minCoverage: Double?

    func run() throws {
        let (policy, sources) = try loadCompiledBundle(bundlePaths)
        let digest = Hashing.bundleDigest(sources)
        var report = IncidentTestReport()
        var covered = IncidentCoverage()
        let measuring = coverage || minCoverage != nil
        try forEachIncident(incidents.isEmpty ? ["runbooks/incidents"] : incidents) { file in
            let path = file.file.path
            guard let incident = file.incident, file.diagnostics.isEmpty else {
                let count = file.diagnostics.count
                report.cases.append(.init(path: path, status: .error, error: "the file has \(count == 1 ? "an error" : "\(count) errors")"))
                return
            }
            guard let expectation = file.expectation else {
                report.cases.append(.init(path: path, status: .skipped))
                return
            }
            switch Replay.run(incident, policy: policy, bundleDigest: digest, sha256: Hashing.sha256Hex, explain: measuring) {
            case .success(let result):
                if measuring { covered.add(result) }
                let mismatches = IncidentTest.compare(result, with: expectation)
                report.cases.append(.init(path: path, status: mismatches.isEmpty ? .passed : .failed, mismatches: mismatches))
            case .failure(let failure):
                report.cases.append(.init(path: path, status: .error, error: "cannot replay: \(failure.message)"))
            }
        }
        let coverageReport = measuring ? covered.report(policy) : nil
        switch format {
        case .text:
            // The report's last line stays `N passed, N failed`: coverage goes before it.
            var lines = report.text().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let summary = lines.popLast() ?? ""
            print(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") + (coverageReport?.text ?? "") + summary)
        case .json, .junit:
            print(format == .json ? report.json() : report.junit(), terminator: "")
            if let coverageReport { writeError(coverageReport.text, terminator: "") }
        }
        if report.failed > 0 { throw ExitCode(1) }
        if let minCoverage, let coverageReport, coverageReport.percent < minCoverage {
            writeError("rein: coverage \(Int(coverageReport.percent))% is below --min-coverage \(Int(minCoverage))%")
            throw ExitCode(1)
        }
    }
}

/// Finds recorded incidents and reads them one at a time (memory stays flat in their number):
/// each file is read and checked whole, its diagnostics go to stderr, then `body` gets it. A
/// missing path or an unreadable file stops the command (exit 2).
func forEachIncident(_ paths: [String], _ body: (IncidentFile) throws -> Void) throws {
    for path in try discoverIncidents(paths) {
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

/// The recorded incident files under `paths`, in bytewise order; none, or a missing path, stops
/// the command (exit 2).
func discoverIncidents(_ paths: [String]) throws -> [String] {
    let found: [String]
    do throws(IncidentLoader.LoadError) {
        found = try IncidentLoader.discover(paths)
    } catch {
        throw CLIError(error.description)
    }
    guard !found.isEmpty else {
        throw CLIError("no recorded incidents (*.yaml, *.yml, *.json) under \(paths.map { "`\($0)`" }.joined(separator: ", "))")
    }
    return found
}
