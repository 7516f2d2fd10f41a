import ArgumentParser
import ReinAdapters

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with Rein's append-only audit log.",
        subcommands: [AuditVerifyCommand.self]
    )
}

struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every entry's hash and chain link.",
        discussion: """
            Recomputes each entry's SHA-256 over its canonical JSON (docs/FORMATS.md §8) and checks \
            that it links to the entry before it. On a break, prints the first bad seq and why. \
            Exit status: 0 the chain is intact, 1 it is broken, 2 the file cannot be read.

            Example:
              rein replay runbooks/incidents --audit audit.jsonl && rein audit verify audit.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The audit log (JSON Lines).", valueName: "file"))
    var file: String

    func run() throws {
        let source = try loadAuditLog(file)
        switch AuditVerifier.verify(String(decoding: source.bytes, as: UTF8.self)) {
        case .success(let chain):
            print("\(file): \(chain.nextSeq) entr\(chain.nextSeq == 1 ? "y" : "ies"), chain intact (head \(chain.head))")
        case .failure(let broken):
            print("\(file): broken at \(broken)")
            throw ExitCode(1)
        }
    }
}
