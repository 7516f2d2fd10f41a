import ArgumentParser
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Dry-run recorded incidents: what the agent would have been allowed to do.",
        discussion: """
            Each INCIDENT is a recorded incident (FORMATS.md §3, YAML or JSON) or a folder of \
            them (*.yaml, *.yml, *.json, searched recursively, in bytewise path order). Each \
            file is read and checked whole, then replayed through its runbook: every proposal decided, \
            the approval card, approvals counted or ignored (and why), the elevation, the \
            execution, the outcome. Nothing is executed and no clock is read: times come from \
            the recording.

            The transcript goes to stdout; --json prints one FORMATS.md §4 object per incident \
            instead, one per line. Exit status: 0 every incident replayed, 1 an incident file has \
            errors or an incident cannot be replayed (no runbook matches its alert), 2 the \
            command could not run (a bundle with errors, a missing path).

            Examples:
              rein replay runbooks/incidents
              rein replay --json runbooks/incidents/memory-scale-down.yaml
              rein replay --bundle policies --bundle runbooks incident.json
              rein replay runbooks/incidents --audit audit.jsonl
            """
    )

    @Argument(help: ArgumentHelp("Recorded incident files or folders.", valueName: "incident"))
    var incidents: [String]

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Flag(help: "Print one replay object (FORMATS.md §4) per incident, one per line.")
    var json = false

    @Option(help: ArgumentHelp("Append the audit entries to this hash-chained log (FORMATS.md §8); an existing log is verified first and never rewritten.", valueName: "file"))
    var audit: String?

    func validate() throws {
        if incidents.isEmpty { throw ValidationError("no incidents: give recorded incident files or folders") }
    }

    func run() throws {
        let (policy, sources) = try loadCompiledBundle(bundlePaths)
        var failed = false
        let digest = Hashing.bundleDigest(sources)
        let encoder = ReplayEncoder(policy: policy)
        let output = OutputWriter(descriptor: STDOUT_FILENO)
        var log = try audit.map(AuditFile.open)
        defer { log?.close() }
        // One file at a time: read and checked whole, then replayed (memory stays flat).
        try forEachIncident(incidents) { file in
            guard let incident = file.incident else {
                failed = true
                return
            }
            switch Replay.run(incident, policy: policy, bundleDigest: digest, sha256: Hashing.sha256Hex) {
            case .success(let result):
                var head: String?
                if var appending = log {
                    let chain = encoder.audit(result, continuing: appending.chain)
                    try appending.append(chain)
                    head = chain.head
                    log = appending
                }
                if json {
                    output.writeLine { JSONWriter.append(encoder.json(result, alert: incident.alert, auditHead: head), to: &$0) }
                } else {
                    output.write(Array(ReplayTranscript.render(result).utf8))
                }
            case .failure(let failure):
                output.flush()
                writeError("\(file.file.path): error: \(failure.message) [rein.replay.cannot-replay]")
                failed = true
            }
        }
        output.flush()
        if failed { throw ExitCode(1) }
    }
}
