import ArgumentParser
import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct ReinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rein",
        abstract: "Policies and runbooks that keep AI SRE agents on a short rein.",
        discussion: """
            Runbooks and policies live in Git as .rein files. Without paths, commands use the \
            bundle under policies/ and runbooks/ in the current folder.

            Rein's repository describes every command in docs/CLI.md, the data formats in \
            docs/FORMATS.md and the language in Grammar/README.md. The examples below run from the root of \
            Rein's repository; the files they name are in it.

            Examples:
              rein check                                  # check policies/ and runbooks/
              rein check examples/broken --format json    # exits 1: a deliberately broken bundle
              rein fmt --check                            # list files not in the canonical layout
              rein eval --batch examples/proposals.jsonl  # decide agent proposals
              rein replay runbooks/incidents              # dry-run recorded incidents
              rein test                                   # check the incidents' expect: blocks
              rein replay runbooks/incidents --audit audit.jsonl && rein audit verify audit.jsonl
            """,
        version: "0.1.0",
        subcommands: [
            CheckCommand.self, FmtCommand.self, EvalCommand.self, ReplayCommand.self, TestCommand.self, DiffCommand.self, RenderCommand.self,
            AuditCommand.self, ServeCommand.self, MCPStdioCommand.self,
        ]
    )

    /// Runs the command with docs/CLI.md's exit codes: 0 done, 1 something failed, 2 the command
    /// could not run (bad flag, unreadable file, …) with `rein: error: …` on stderr.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            writeError("rein: error: \(error.description)")
            terminate(2)
        } catch let error as ExitCode {
            terminate(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            if code == .success {
                print(message)
                terminate(0)
            }
            writeError("rein: error: \(message)")
            terminate(2)
        }
    }
}

/// Ends the process with a status; C `exit` flushes standard output.
func terminate(_ status: Int32) -> Never {
    exit(status)
}

/// Writes text (by default one line) to standard error.
func writeError(_ text: String, terminator: String = "\n") {
    // A failed write has nobody left to tell.
    OutputWriter.writeAll(Array((text + terminator).utf8), to: STDERR_FILENO)
}
