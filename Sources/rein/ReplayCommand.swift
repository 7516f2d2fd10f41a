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
            Each INCIDENT is a recorded incident (docs/FORMATS.md §3, YAML or JSON) or a folder of \
            them (*.yaml, *.yml, *.json, searched recursively, in bytewise path order). Each \
            file is read and checked whole, then replayed through its runbook: every proposal decided, \
            the approval card, approvals counted or ignored (and why), the elevation, the \
            execution, the outcome. Nothing is executed and no clock is read: times come from \
            the recording. A recording that names the `bundle` it ran under has its approval \
            digests computed with that digest, so its approvals stay bound to their actions after \
            the bundle is edited; args are shown and hashed with durations in ISO-8601 (PT1M30S).

            The transcript goes to stdout; --json prints one docs/FORMATS.md §4 object per incident \
            instead, one per line. Exit status: 0 every incident replayed, 1 an incident file has \
            errors or an incident cannot be replayed (no runbook matches its alert), 2 the \
            command could not run (a bundle with errors, a missing path).

            Examples:
              rein replay runbooks/incidents
              rein replay --json runbooks/incidents/memory-scale-down-remediated.yaml
              rein replay --bundle policies --bundle runbooks runbooks/incidents/hpa-raise-remediated.json
              rein replay runbooks/incidents --audit audit.jsonl
            """
    )

    @Argument(help: ArgumentHelp("Recorded incident files or folders.", valueName: "incident"))
    var incidents: [String]

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Flag(help: "Print one replay object (docs/FORMATS.md §4) per incident, one per line.")
    var json = false

    @Option(help: ArgumentHelp("Append the audit entries to this hash-chained log (docs/FORMATS.md §8); an existing log is verified first and never rewritten.", valueName: "file"))
    var audit: String?

    func validate() throws {
        if incidents.isEmpty { throw ValidationError("no incidents: give recorded incident files or folders") }
    }

    func run() throws {
        let (policy, sources) = try loadCompiledBundle(bundlePaths)
        var failed = false
        let digest = Hashing.bundleDigest(sources)
        let output = OutputWriter(descriptor: STDOUT_FILENO)
        var log = try audit.map(AuditFile.open)
        defer { log?.close() }
        let paths = try discoverIncidents(incidents)
        // Blocks of files replayed on every core; results written in file order, the audit
        // chain extended in that order.
        let batch = ReplayBatch(policy: policy, bundleDigest: digest, json: json, ownHeads: log == nil)
        do {
            try batch.run(paths) { item in
                if !item.file.diagnostics.isEmpty {
                    output.flush()
                    writeError(TextDiagnosticRenderer(files: [item.file.file]).render(item.file.diagnostics), terminator: "")
                    failed = true
                }
                if let failure = item.failure {
                    output.flush()
                    writeError("\(item.file.file.path): error: \(failure.message) [rein.replay.cannot-replay]")
                    failed = true
                }
                guard var rendered = item.output else { return }
                var head = item.ownHead
                if var appending = log {
                    var chain = AuditChain(nextSeq: appending.chain.nextSeq, head: appending.chain.head)
                    for entry in item.audit { chain.append(entry) }
                    try appending.append(chain)
                    head = chain.head
                    log = appending
                }
                if json { rendered = ReplayBatch.settingHead(head, in: rendered) }
                output.write(rendered)
            }
        } catch let error as IncidentLoader.LoadError {
            throw CLIError(error.description)
        }
        output.flush()
        if failed { throw ExitCode(1) }
    }
}
