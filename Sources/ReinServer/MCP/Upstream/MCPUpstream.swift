import ReinAdapters

/// A tool server the gateway forwards allowed calls to (`mcp.upstreams`): Streamable HTTP
/// today; stdio servers plug into the same protocol.
public protocol MCPUpstream: Sendable {
    /// Sends one request (connecting, and handshaking, first when needed); its result.
    func request(_ method: String, params: JSONObject) async throws -> JSONObject
    /// Releases connections and processes.
    func shutdown() async
}

extension MCPUpstream {
    /// The upstream's tools (`tools/list`), to check the configuration's mappings.
    public func tools() async throws -> [UpstreamTool] {
        let result = try await request("tools/list", params: JSONObject(entries: []))
        guard case .array(let tools)? = result["tools"] else { throw UpstreamError(message: "`tools/list` answered no tools") }
        return tools.compactMap { entry in
            guard case .object(let tool) = entry, case .string(let name)? = tool["name"] else { return nil }
            return UpstreamTool(name: name, inputSchema: tool["inputSchema"])
        }
    }

    /// Calls `tool` with `arguments`; the upstream's result object (`content`, `isError`, …).
    /// An upstream of the 2026-07-28 era that answers `input_required` (an elicitation) is
    /// declined and asked again, a few times at most.
    public func callTool(_ tool: String, arguments: JSONObject) async throws -> JSONObject {
        let call: [(key: String, value: JSONValue)] = [("name", .string(tool)), ("arguments", .object(arguments))]
        var params = JSONObject(entries: call)
        for _ in 0..<3 {
            let result = try await request("tools/call", params: params)
            guard result["resultType"] == .string("input_required") else { return result }
            params = JSONObject(entries: call + (try UpstreamRequests.declining(result)))
        }
        throw UpstreamError(message: "`\(tool)` kept asking for input, which Rein declines")
    }
}

/// Why an upstream call failed (no answer, a refusal, a malformed answer).
struct UpstreamError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension MCPConfig {
    /// The upstreams this configuration declares, credentials read from `environment`. Throws
    /// ``ConfigError`` for a variable that is not set.
    public func connectUpstreams(environment: [String: String], path: String) throws(ConfigError) -> [String: any MCPUpstream] {
        var made: [String: any MCPUpstream] = [:]
        var problems: [String] = []
        for upstream in upstreams {
            let place = "\(path):\(upstream.place.line):\(upstream.place.column)"
            let settings: [MCPConfig.NamedSetting]
            switch upstream.transport {
            case .stdio(_, let env): settings = env
            case .http(_, let headers): settings = headers
            }
            var values: [(String, String)] = []
            for setting in settings {
                switch setting.value {
                case .literal(let value): values.append((setting.name, value))
                case .environment(let variable):
                    guard let value = environment[variable], !value.isEmpty else {
                        problems.append("\(place): upstream `\(upstream.name)`: the variable `\(variable)` for `\(setting.name)` is not set")
                        continue
                    }
                    values.append((setting.name, value))
                }
            }
            switch upstream.transport {
            case .stdio(let command, _):
                made[upstream.name] = StdioUpstream(command: command, environment: Dictionary(values, uniquingKeysWith: { _, last in last }))
            case .http(let url, _):
                made[upstream.name] = HTTPUpstream(url: url, headers: values)
            }
        }
        guard problems.isEmpty else { throw ConfigError(messages: problems) }
        return made
    }

    /// What does not fit the upstreams' own tool lists: a mapped tool the upstream does not
    /// offer, an argument its input schema does not take, a required argument the mapping does
    /// not give, or an upstream that does not answer. Each message with its place in `path`.
    public func upstreamProblems(_ upstreams: [String: any MCPUpstream], path: String) async -> [String] {
        var problems: [String] = []
        struct Unchecked: Error {}
        var offered: [String: Result<[UpstreamTool], any Error>] = [:]
        for mapping in tools {
            guard let upstream = upstreams[mapping.upstream] else { continue }
            if offered[mapping.upstream] == nil {
                do {
                    offered[mapping.upstream] = .success(try await upstream.tools())
                } catch {
                    offered[mapping.upstream] = .failure(error)
                }
            }
            let place = "\(path):\(mapping.place.line):\(mapping.place.column)"
            switch offered[mapping.upstream] {
            case .failure(is Unchecked)?: continue
            case .success(let tools)?:
                guard let tool = tools.first(where: { $0.name == mapping.tool }) else {
                    problems.append("\(place): upstream `\(mapping.upstream)` has no tool `\(mapping.tool)` (it offers \(tools.map(\.name).joined(separator: ", ")))")
                    continue
                }
                problems += tool.problems(with: mapping, path: path)
            case .failure(let error)?:
                // Said once, at the first mapping to it; the later ones cannot be checked.
                problems.append("\(place): upstream `\(mapping.upstream)` did not list its tools: \(error)")
                offered[mapping.upstream] = .failure(Unchecked())
            case nil: break
            }
        }
        return problems
    }
}
