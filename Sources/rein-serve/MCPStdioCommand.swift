import ArgumentParser
import Foundation
import ReinAdapters
import ReinServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rein mcp-stdio` (run as `rein-serve mcp-stdio`): an incident's MCP gateway on standard
/// input and output, for agents that only start local MCP servers.
struct MCPStdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rein mcp-stdio",
        abstract: "Relay an agent's stdio MCP messages to an incident's gateway.",
        discussion: "The relay that `rein mcp-stdio` runs; `rein mcp-stdio --help` describes it."
    )

    @Option(help: ArgumentHelp("The incident's gateway: http(s)://HOST:PORT/v1/incidents/ID/mcp.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The environment variable that holds the agent's token.", valueName: "variable"))
    var tokenEnv: String

    func validate() throws {
        switch OutgoingURLProblem(url) {
        case .notHTTP?: throw ValidationError("--url: expected an http:// or https:// URL, not `\(url)`")
        case .credentials?: throw ValidationError("--url: the URL must not carry credentials; give the token with --token-env")
        case nil: break
        }
        guard let token = ProcessInfo.processInfo.environment[tokenEnv], !token.isEmpty else {
            throw ValidationError("--token-env: the variable `\(tokenEnv)` is not set")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let token = ProcessInfo.processInfo.environment[tokenEnv] ?? ""
        await StdioBridge(url: url, token: token).run()
    }
}
