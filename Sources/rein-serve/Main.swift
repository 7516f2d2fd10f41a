/// `rein-serve [options]` serves; `rein-serve mcp-stdio …` is the stdio bridge that
/// `rein mcp-stdio` runs (it needs the HTTP client, which only this executable links).
@main
enum Main {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "mcp-stdio" {
            await MCPStdioCommand.main(Array(arguments.dropFirst()))
        } else {
            await ServeCommand.main(arguments)
        }
    }
}
