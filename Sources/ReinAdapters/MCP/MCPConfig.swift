import ReinEngine

/// The `mcp` section of `rein-serve.yaml`: how the MCP gateway reaches the tool servers the
/// agent's calls go to. Each entry keeps its place in the file, so that a mapping that does not
/// fit the bundle or the upstream is reported at its line and column.
public struct MCPConfig: Sendable, Hashable {
    /// How long a call that needs approval holds before answering that it is pending (seconds).
    public var approvalHold: Int64 = 45
    /// The most of an upstream's output kept and returned (bytes); the rest is cut, marked.
    public var outputLimit: Int = 64 * 1024
    public var upstreams: [Upstream] = []
    public var tools: [ToolMapping] = []

    public static let maxApprovalHold: Int64 = 300
    public static let outputLimits = 1024...(16 * 1024 * 1024)

    public init() {}

    /// A tool server: a command run over stdio, or a Streamable HTTP URL.
    public struct Upstream: Sendable, Hashable {
        public var name: String
        public var transport: Transport
        public var place: Place
    }

    public enum Transport: Sendable, Hashable {
        /// The command and its arguments, and its environment.
        case stdio(command: [String], env: [NamedSetting])
        /// The URL, and headers sent with every request.
        case http(url: String, headers: [NamedSetting])
    }

    /// A named value given as it is, or read from an environment variable (secrets only so).
    public struct NamedSetting: Sendable, Hashable {
        public var name: String
        public var value: Setting
    }

    public enum Setting: Sendable, Hashable {
        case literal(String)
        case environment(String)
    }

    /// `REIN_TOOL: {upstream, tool, args}`: a bundle tool carried out by an upstream's tool.
    public struct ToolMapping: Sendable, Hashable {
        public var reinTool: String
        public var upstream: String
        public var tool: String
        /// Each upstream argument and where its value comes from, in the order written.
        public var args: [ArgBinding]
        public var place: Place
        public var upstreamPlace: Place
    }

    /// One upstream argument and where its value comes from.
    public struct ArgBinding: Sendable, Hashable {
        public var name: String
        public var mapping: ArgMapping
        public var place: Place
    }

    /// A line and column of the configuration file.
    public struct Place: Sendable, Hashable {
        public var line: Int
        public var column: Int
    }

    /// Where an upstream argument's value comes from.
    public indirect enum ArgMapping: Sendable, Hashable {
        /// A validated arg of the Rein tool, by name.
        case arg(String)
        /// A constant.
        case constant(JSONValue)
        /// The query's KQL, rendered by Rein.
        case kql
        /// A command string with `{arg}` placeholders, each filled shell-quoted.
        case template(String)
        /// A JSON object built from mappings, passed as its text.
        case json([ArgBinding])
    }
}
