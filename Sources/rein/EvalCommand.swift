import ArgumentParser
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Decide agent proposals: allow, deny with reasons, or require approval.",
        discussion: """
            Reads proposals (docs/FORMATS.md §1) and writes one decision line per proposal \
            (docs/FORMATS.md §2) to stdout, in input order. --batch and - read JSON Lines: every \
            line, blank or not, gets exactly one decision; a malformed line is denied with \
            malformed_proposal. --proposal reads one JSON object, which may span several lines.

            A proposal without "runbook" uses --runbook; without either it is decided in \
            policy-only mode (every declared tool in scope). A bundle with errors stops the \
            command (its errors on stderr, exit 2); its warnings get one line there. Exit status: 0 decided, 1 a deny \
            was seen and --fail-on-deny is set, 2 the command could not run.

            The session, context, alert, time and runbook of a proposal are facts only the host \
            knows. Never pass the model's JSON through as a proposal: decide it with \
            --agent-input, which denies a proposal carrying any of them (malformed_proposal), \
            and give the facts with --runbook, --context, --session, --alert and --at.

            Examples:
              rein eval --proposal examples/proposal.json
              rein eval --runbook aks_node_memory_pressure --batch examples/proposals.jsonl
              cat examples/proposals.jsonl | rein eval --explain -
              rein eval --bundle policies --bundle runbooks --fail-on-deny --batch examples/proposals.jsonl   # exits 1: two denials
              rein eval --agent-input --runbook aks_node_memory_pressure --context '{"environment":"prod"}' --batch examples/model-proposals.jsonl
            """
    )

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable; default: policies/ and runbooks/).", valueName: "path"))
    var bundlePaths: [String] = []

    @Option(help: ArgumentHelp("The runbook of proposals that name none.", valueName: "name"))
    var runbook: String?

    @Option(help: ArgumentHelp("A file holding one proposal (JSON object); - reads stdin.", valueName: "file"))
    var proposal: String?

    @Option(help: ArgumentHelp("A JSON Lines file of proposals, one per line; - reads stdin.", valueName: "file"))
    var batch: String?

    @Argument(help: ArgumentHelp("Read JSON Lines proposals from stdin (the same as --batch -).", valueName: "-"))
    var stdin: String?

    @Flag(help: "Add to each decision the trace of every check and rule evaluated.")
    var explain = false

    @Flag(help: "Exit 1 when any proposal is denied.")
    var failOnDeny = false

    @Flag(help: ArgumentHelp(
        "The proposals are the model's own JSON: one that carries runbook, context, session, alert or at is denied (malformed_proposal); give those facts with --runbook, --context, --session, --alert and --at."))
    var agentInput = false

    @Option(help: ArgumentHelp("The caller's context for every proposal, as a JSON object.", valueName: "json"))
    var context: String?

    @Option(help: ArgumentHelp("The session state for every proposal, as a JSON object: iteration, denials, tools.", valueName: "json"))
    var session: String?

    @Option(help: ArgumentHelp("The alert for every proposal: a file holding the alert (common alert schema JSON).", valueName: "file"))
    var alert: String?

    @Option(help: ArgumentHelp("The time of every proposal (RFC 3339).", valueName: "time"))
    var at: String?

    func validate() throws {
        if let stdin, stdin != "-" {
            throw ValidationError("unexpected argument `\(stdin)`: give proposals with --proposal FILE, --batch FILE or -")
        }
        let sources = [proposal != nil, batch != nil, stdin != nil].filter { $0 }.count
        if sources == 0 {
            throw ValidationError("no proposals: give --proposal FILE, --batch FILE.jsonl or - (stdin)")
        }
        if sources > 1 {
            throw ValidationError("give only one of --proposal, --batch and -")
        }
    }

    func run() throws {
        let policy = try loadPolicy(bundlePaths)
        if let runbook, !policy.declaresRunbook(runbook) {
            writeError("rein: warning: runbook `\(runbook)` is not declared in the bundle: every proposal without its own runbook is denied")
        }
        if agentInput, runbook == nil {
            writeError("rein: warning: --agent-input without --runbook: every proposal is decided in policy-only mode, with every declared tool in scope")
        }
        let alertText = try alert.map(readText)
        let host: HostFacts
        do throws(HostFacts.Invalid) {
            host = try HostFacts.parse(context: context, session: session, alert: alertText, at: at)
        } catch {
            throw CLIError("--\(error.fact): \(error.description)")
        }
        let options = DecisionOptions(defaultRunbook: runbook, explain: explain, agentInput: agentInput, host: host)
        let output = OutputWriter(descriptor: STDOUT_FILENO)
        var denied = false
        func emit(_ decision: Decision) {
            if case .deny = decision.verdict { denied = true }
            output.writeLine { DecisionEncoder.append(decision, to: &$0) }
        }
        if let proposal {
            if let bytes = try readProposalFile(proposal) {
                emit(policy.decide(line: bytes, lineNumber: 1, options: options))
            } else {
                emit(policy.decide(malformed: .tooLong(lineNumber: 1), explain: explain))
            }
        } else {
            let path = batch ?? "-"
            let decider = BatchDecider(policy: policy, options: options)
            try withInput(path) { descriptor in
                let reader = LineReader(descriptor: descriptor, maxLineBytes: ProposalDecoder.maxLineBytes)
                // Blocks of at most 4,096 lines or 4 MiB, decided on every core while the
                // previous block is written and the next one read: memory stays flat.
                let stream = BatchStream(decider: decider, reader: reader, output: output)
                do throws(LineReader.ReadError) {
                    if try stream.run() { denied = true }
                } catch {
                    throw CLIError("cannot read \(displayName(path)): \(error.description)")
                }
            }
        }
        output.flush()
        if failOnDeny && denied { throw ExitCode(1) }
    }

    /// Reads a `--proposal` file whole; nil when it is over the 1 MiB limit (it is not read to
    /// the end).
    private func readProposalFile(_ path: String) throws -> [UInt8]? {
        try withInput(path) { descriptor in
            do throws(LineReader.ReadError) {
                return try LineReader.readAll(descriptor: descriptor, maxBytes: ProposalDecoder.maxLineBytes)
            } catch {
                throw CLIError("cannot read \(displayName(path)): \(error.description)")
            }
        }
    }
}

private func displayName(_ path: String) -> String {
    path == "-" ? "standard input" : "`\(path)`"
}

/// Opens `path` (`-` is stdin) for reading, runs `body` on its descriptor, closes it.
private func withInput<T>(_ path: String, _ body: (Int32) throws -> T) throws -> T {
    if path == "-" { return try body(STDIN_FILENO) }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
        throw CLIError("cannot read `\(path)`: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var info = stat()
    if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
        throw CLIError("cannot read `\(path)`: it is a folder")
    }
    return try body(descriptor)
}
