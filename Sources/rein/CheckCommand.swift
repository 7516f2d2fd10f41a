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
        abstract: "Parse and type-check a bundle of .rein files.",
        discussion: """
            Every PATH (or --bundle PATH) is a .rein file or a folder searched recursively; together \
            they form one bundle. Without any, the bundle is policies/ and runbooks/ in the current \
            folder, whichever exist.

            Diagnostics go to stdout, compiler style, with paths relative to the current folder. \
            Exit status: 0 clean, 1 errors found (or warnings with --strict), 2 the check could \
            not run (missing path, unreadable file, bad flag).

            Examples:
              rein check
              rein check policies runbooks --format json
              rein check --format sarif > rein.sarif       # for GitHub code scanning
              rein check --format github                   # annotations in a GitHub Actions job
              rein check runbooks/aks_node_memory_pressure.rein --strict
            """
    )

    @Argument(help: "Files or folders to check (default: policies/ and runbooks/).")
    var paths: [String] = []

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A file or folder of the bundle (repeatable); the same as a PATH.", valueName: "path"))
    var bundlePaths: [String] = []

    @Option(help: "Output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow commands).")
    var format: CheckFormat = .text

    @Flag(help: "Treat warnings as failures (exit 1).")
    var strict = false

    func run() throws {
        let bundle = try loadBundle(paths + bundlePaths)
        let outcome = bundle.check()
        switch format {
        case .text:
            var out = TextDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics)
            out += summary(outcome, files: bundle.files.count) + "\n"
            print(out, terminator: "")
        case .json:
            print(JSONDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics), terminator: "")
        case .sarif:
            let version = ReinCommand.configuration.version
            print(SARIFDiagnosticRenderer(files: bundle.sources, toolVersion: version).render(outcome.diagnostics), terminator: "")
        case .github:
            print(GitHubDiagnosticRenderer(files: bundle.sources).render(outcome.diagnostics), terminator: "")
        }
        if outcome.errorCount > 0 || (strict && outcome.warningCount > 0) {
            throw ExitCode(1)
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
        return "\(filesText) checked: " + parts.joined(separator: ", ")
    }
}
