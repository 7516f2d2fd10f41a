import ArgumentParser

/// `rein mcp-stdio`: an incident's MCP gateway as a local stdio server, for agents (desktop
/// apps) that only start local servers. The relay itself is in `rein-serve`, which links the
/// HTTP client.
struct MCPStdioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-stdio",
        abstract: "Serve an incident's MCP gateway on stdio (for agents that start local servers).",
        discussion: """
            Reads one JSON-RPC message a line on standard input, posts each to the incident's \
            gateway (--url) with the agent's bearer token, read from the environment variable \
            that --token-env names, and writes the answers on standard output, one message a \
            line, as they arrive (a held call's progress included). Either protocol era is \
            relayed. Runs the rein-serve executable, which must be beside this rein or on PATH. \
            Exits 0 when standard input ends, 64 for a wrong option or an unset variable.

            In an agent's configuration (Claude Desktop's claude_desktop_config.json):
              "rein": {"command": "rein", "args": ["mcp-stdio", "--url", "http://127.0.0.1:8080/v1/incidents/INC-1/mcp",
                       "--token-env", "REIN_AGENT_TOKEN"], "env": {"REIN_AGENT_TOKEN": "…"}}

            Examples:
              REIN_AGENT_TOKEN=example-agent-token rein mcp-stdio --url http://127.0.0.1:8080/v1/incidents/INC-1/mcp --token-env REIN_AGENT_TOKEN
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("--url URL (the incident's gateway) and --token-env VARIABLE (the agent's token).", valueName: "option"))
    var arguments: [String] = []

    func run() throws {
        try ServeExecutable.exec(["mcp-stdio"] + arguments, for: "rein mcp-stdio")
    }
}
