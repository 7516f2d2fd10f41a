import ArgumentParser
import ReinAdapters

/// Output formats of `rein check`.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    /// SARIF 2.1.0, for code scanning.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…`), to annotate a pull request.
    case github
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, type-check and lint a bundle of .rein files.",
        discussion: """
            Every PATH (or --bundle PATH) is a .rein file or a folder searched recursively; together \
            they form one bundle. Without any, the bundle is policies/ and runbooks/ in the current \
            folder, whichever exist.

            Diagnostics go to stdout, compiler style, with paths relative to the current folder. \
            Exit status: 0 clean, 1 errors found (or warnings with --strict), 2 the check could \
            not run (missing path, unreadable file, bad flag).

            --format sarif writes SARIF 2.1.0 for code scanning: every rule with its help text and \
            a link to its documentation (--help-base-uri), every result with a fingerprint that \
            survives unrelated edits. Its paths are relative to the source root: --srcroot, by \
            default the repository root (the nearest folder at or above the current one holding \
            .git), else the current folder; a file outside the root gets an absolute file:// URI.

            When the bundle has no errors, the lint rules run too (docs/LINT.md; --list-rules \
            prints them). A finding is silenced on one line by a comment that says why, on that \
            line or alone on the line above: `# rein:ignore RULE-ID reason`.

            Examples:
              rein check
              rein check policies runbooks --format json
              rein check --format sarif > rein.sarif       # for GitHub code scanning
              rein check --format sarif --help-base-uri https://example.com/rein/v1/
              rein check --format github                   # annotations in a GitHub Actions job
              rein check --strict policies runbooks         # warnings fail too
              rein check examples/broken                    # exits 1: a range written backwards
              rein check --rule unused-tool=off --rule long-elevation=error
              rein check --list-rules
            """
    )

    @Argument(help: "Files or folders to check (default: policies/ and runbooks/).")
    var paths: [String] = []

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable); the same as a PATH.", valueName: "path"))
    var bundlePaths: [String] = []

    @Option(help: "Output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow commands).")
    var format: CheckFormat = .text

    @Option(help: ArgumentHelp(
        "SARIF paths are relative to this folder (default: the repository root holding .git, else the current folder).",
        valueName: "dir"))
    var srcroot: String?

    @Option(name: .customLong("help-base-uri"), help: ArgumentHelp(
        "SARIF rule help links are this absolute URI followed by docs/….md#anchor.",
        valueName: "uri"))
    var helpBaseURI: String = SARIFDiagnosticRenderer.defaultDocumentationBase

    @Flag(help: "Treat warnings as failures (exit 1).")
    var strict = false

    @Option(name: .customLong("rule"), help: ArgumentHelp(
        "Set a lint rule's level: error, warning, note or off (repeatable).", valueName: "id=level"))
    var ruleLevels: [String] = []

    @Flag(help: "List the lint rules with their default levels, and exit.")
    var listRules = false

    func run() throws {
        if listRules {
            print(LintRules.all.map { "\($0.id) (\($0.defaultLevel.rawValue)): \($0.summary)" }.joined(separator: "\n"))
            return
        }
        let levels: LintLevels
        switch LintLevels.parse(ruleLevels) {
        case .success(let parsed): levels = parsed
        case .failure(let error): throw CLIError("--rule: " + error.message)
        }
        let sarif = format == .sarif ? try sarifRenderer() : nil
        let bundle = try loadBundle(paths + bundlePaths)
        let outcome = bundle.check(lint: levels)
        switch format {
        case .text:
            var out = TextDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics)
            out += summary(outcome, files: bundle.files.count) + "\n"
            print(out, terminator: "")
        case .json:
            print(JSONDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics), terminator: "")
        case .sarif:
            if let sarif { print(sarif(bundle.sources).render(outcome.diagnostics), terminator: "") }
        case .github:
            print(GitHubDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics), terminator: "")
        }
        if outcome.errorCount > 0 || (strict && outcome.warningCount > 0) {
            throw ExitCode(1)
        }
    }

    /// Checks --srcroot and --help-base-uri before anything is read (a bad one is exit 2), and
    /// returns the SARIF renderer for the bundle's files.
    private func sarifRenderer() throws -> ([SourceFile]) -> SARIFDiagnosticRenderer {
        guard let workingFolder = SourceRoot.workingFolder() else { throw CLIError("cannot read the current folder") }
        let root: String
        if let srcroot {
            guard let resolved = SourceRoot.resolve(srcroot, base: workingFolder) else {
                throw CLIError("--srcroot: no such folder: \(srcroot)")
            }
            root = resolved
        } else {
            root = SourceRoot.find(from: workingFolder)
        }
        guard let base = SARIFDiagnosticRenderer.documentationBase(helpBaseURI) else {
            throw CLIError("--help-base-uri: `\(helpBaseURI)` is not an absolute URI (such as https://example.com/rein/)")
        }
        return { files in
            SARIFDiagnosticRenderer(
                files: files, toolVersion: ReinCommand.configuration.version,
                locations: SourceRoot.locations(of: files, base: workingFolder, root: root),
                documentationBase: base, describe: RuleDocumentation.describe)
        }
    }

    private func summary(_ outcome: CheckOutcome, files: Int) -> String {
        let filesText = files == 1 ? "1 file" : "\(files) files"
        guard !outcome.diagnostics.isEmpty else { return "\(filesText) checked: no problems" }
        var parts: [String] = []
        parts.append(outcome.errorCount == 1 ? "1 error" : "\(outcome.errorCount) errors")
        if outcome.warningCount > 0 {
            parts.append(outcome.warningCount == 1 ? "1 warning" : "\(outcome.warningCount) warnings")
        }
        let notes = outcome.diagnostics.count(of: .note)
        if notes > 0 { parts.append(notes == 1 ? "1 note" : "\(notes) notes") }
        return "\(filesText) checked: " + parts.joined(separator: ", ")
    }
}
