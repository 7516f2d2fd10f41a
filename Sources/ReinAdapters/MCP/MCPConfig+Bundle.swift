import ReinEngine

extension MCPConfig {
    /// What does not fit the bundle, each message with its place in `path`: a mapped tool the
    /// bundle does not declare, an undeclared upstream, an arg the tool does not have (named
    /// directly or in a template), `{kql: true}` for a tool that is not a query, and an upstream
    /// that serves both read and write tools (observer and remediator credentials must not mix).
    public func problems(against policy: CompiledPolicy, path: String) -> [String] {
        var problems: [String] = []
        func report(_ place: Place, _ message: String) { problems.append("\(path):\(place.line):\(place.column): \(message)") }
        let declared = Set(upstreams.map(\.name))
        var effects: [String: (read: String?, write: String?)] = [:]
        for mapping in tools {
            guard let tool = policy.tool(named: mapping.reinTool) else {
                report(mapping.place, "`\(mapping.reinTool)` is not a tool or query of the bundle")
                continue
            }
            if !declared.contains(mapping.upstream) {
                report(mapping.upstreamPlace, "no upstream `\(mapping.upstream)` in `mcp.upstreams`")
            } else if tool.effect == .write {
                effects[mapping.upstream, default: (nil, nil)].write = effects[mapping.upstream]?.write ?? mapping.reinTool
            } else {
                effects[mapping.upstream, default: (nil, nil)].read = effects[mapping.upstream]?.read ?? mapping.reinTool
            }
            check(mapping.args, of: tool, report)
        }
        for upstream in upstreams {
            guard let uses = effects[upstream.name], let read = uses.read, let write = uses.write else { continue }
            report(
                upstream.place,
                "upstream `\(upstream.name)` serves the read tool `\(read)` and the write tool `\(write)`: reads run as the observer "
                    + "and changes as the remediator, so give each its own upstream with its own credentials")
        }
        return problems
    }

    private func check(_ bindings: [ArgBinding], of tool: ToolModel, _ report: (Place, String) -> Void) {
        for binding in bindings {
            switch binding.mapping {
            case .arg(let name):
                if tool.arg(named: name) == nil { report(binding.place, "`\(tool.name)` has no arg `\(name)`") }
            case .kql:
                if !tool.isQuery { report(binding.place, "`{kql: true}` is for a query; `\(tool.name)` is a tool") }
            case .template(let text):
                for name in Self.placeholders(text) where tool.arg(named: name) == nil {
                    report(binding.place, "the template names `{\(name)}`, but `\(tool.name)` has no arg `\(name)`")
                }
            case .json(let members): check(members, of: tool, report)
            case .constant: break
            }
        }
    }

    /// The `{name}` placeholders of a command template, in order.
    static func placeholders(_ template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
