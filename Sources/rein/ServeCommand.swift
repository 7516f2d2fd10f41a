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
        guard let executable = Self.locate() else {
            throw CLIError("`rein serve` needs the rein-serve executable: build it with `swift build --product rein-serve`, or put it on PATH")
        }
        let argv = [executable] + (helpServe ? ["--help"] : []) + arguments
        var pointers = argv.map { strdup($0) }
        pointers.append(nil)
        execv(executable, pointers)
        throw CLIError("cannot run `\(executable)`: \(String(cString: strerror(errno)))")
    }

    /// `rein-serve` beside this executable, else on PATH.
    static func locate() -> String? {
        var candidates: [String] = []
        if let own = ownPath() {
            candidates.append(String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/rein-serve")
        }
        if let path = getenv("PATH") {
            candidates += String(cString: path).split(separator: ":").map { "\($0)/rein-serve" }
        }
        return candidates.first { access($0, X_OK) == 0 }
    }

    private static func ownPath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
