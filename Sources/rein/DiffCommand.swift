import ArgumentParser
import ReinAdapters

/// Output formats of `rein diff`.
enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    /// GitHub workflow commands at the incident file's line: a newly allowed step annotates as
    /// an error, a different action as a warning.
    case github
}

/// When `rein diff` fails (exit 1).
enum DiffFailOn: String, ExpressibleByArgument, CaseIterable {
    case newlyAllowed = "newly-allowed"
    case any
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Replay incidents under two bundles and list every step whose decision or outcome changes.",
        discussion: """
            The change impact of a policy pull request: each recorded incident is replayed under \
            the base bundle and under the head bundle, and every step whose decision (with its \
            reason codes), approval verdict or outcome differs is listed, grouped by incident and \
            named by its line in the incident file and its time: newly allowed steps first (the \
            dangerous direction), then proposals decided alike whose action differs (a different \
            action would run), then new denials; a change that only follows from an earlier one \
            (a proposal denied approval_pending, an approval met by another pending action, an \
            event after the session ended) is marked knock-on and not counted as a new denial. \
            Then a summary line (`3 of 41 incidents change: 2 newly denied, 1 newly allowed`).

            The session is taken to have been recorded under the base bundle: approval digests \
            use the recording's `bundle`, else the base bundle's digest, in both replays, and an \
            approval without a digest counts under the head only for the action it was given for \
            under the base, never for a different one.

            Exit status: 0, unless --fail-on newly-allowed (or any) finds such a change, or an \
            incident file has errors or cannot be replayed: 1; 2 the command could not run (a \
            bundle with errors, a missing path).

            In a pull-request job the base is a checkout of the target branch (for example \
            `git worktree add /tmp/base origin/main`, then `--base /tmp/base --head .`).

            Examples:
              rein diff --base . --head . runbooks/incidents --fail-on any    # a bundle against itself: no change
              rein diff --base policies --base runbooks --head policies --head runbooks runbooks/incidents --format github --fail-on newly-allowed
            """
    )

    @Option(help: ArgumentHelp("The base bundle: a file or folder (repeatable; a folder with policies/ or runbooks/ means those).", valueName: "path"))
    var base: [String]

    @Option(help: ArgumentHelp("The head bundle, given like --base.", valueName: "path"))
    var head: [String]

    @Argument(help: ArgumentHelp("Recorded incident files or folders.", valueName: "incident"))
    var incidents: [String]

    @Option(help: "Output format: text, json or github.")
    var format: DiffFormat = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a change of this kind is found: newly-allowed or any.")
    var failOn: DiffFailOn?

    func run() throws {
        let (basePolicy, baseSources) = try loadCompiledBundle(Self.bundlePaths(base), name: "the base bundle")
        let headPolicy = try loadCompiledBundle(Self.bundlePaths(head), name: "the head bundle").policy
        let baseDigest = Hashing.bundleDigest(baseSources)
        var diffs: [ReplayDiff.IncidentDiff] = []
        var total = 0
        var failed = false
        try forEachIncident(incidents) { file in
            guard let incident = file.incident, file.diagnostics.isEmpty else {
                failed = true
                return
            }
            total += 1
            switch ReplayDiff.replay(incident, base: basePolicy, baseDigest: baseDigest, head: headPolicy) {
            case .success(let replays):
                diffs.append(ReplayDiff.compare(file, base: replays.base, head: replays.head))
            case .failure(let failure):
                writeError("\(file.file.path): error: \(failure.message) [rein.replay.cannot-replay]")
                failed = true
            }
        }
        switch format {
        case .text: print(ReplayDiff.text(diffs, total: total), terminator: "")
        case .json: print(ReplayDiff.json(diffs, total: total), terminator: "")
        case .github: print(ReplayDiff.github(diffs, total: total), terminator: "")
        }
        let changes = diffs.flatMap(\.changes)
        switch failOn {
        case .newlyAllowed? where changes.contains(where: { $0.direction == .newlyAllowed }): throw ExitCode(1)
        case .any? where !changes.isEmpty: throw ExitCode(1)
        default: if failed { throw ExitCode(1) }
        }
    }

    /// A folder that holds policies/ or runbooks/ stands for those (a checkout of the base
    /// branch); anything else is a bundle path as given.
    static func bundlePaths(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            let parts = ["policies", "runbooks"].map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            let found = parts.filter(BundleLoader.exists)
            return found.isEmpty ? [path] : found
        }
    }
}
