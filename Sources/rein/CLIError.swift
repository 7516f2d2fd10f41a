/// A reason the command could not run: printed as `rein: error: …` on stderr, exit 2.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}
