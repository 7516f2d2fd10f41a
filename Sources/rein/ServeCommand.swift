import ArgumentParser
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rein serve`: starts the live session host, `rein-serve`, which is its own executable so that
/// the `rein` policy repositories build in every pull request links none of the server stack.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the live session host (the rein-serve executable).",
        discussion: """
            Runs `rein-serve` with the same arguments: first the one beside this `rein`, else the \
            first on PATH. Build it with `swift build --product rein-serve`. Its options are \
            listed by `rein serve --help-serve`; the API is described in docs/SERVE.md.

            Examples:
              rein serve --check --config examples/rein-serve.yaml
              rein serve --help-serve
            """
    )

    @Flag(help: "Show rein-serve's own help.")
    var helpServe = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("rein-serve's options.", valueName: "option"))
    var arguments: [String] = []

    func run() throws {
        try ServeExecutable.exec((helpServe ? ["--help"] : []) + arguments, for: "rein serve")
    }
}
