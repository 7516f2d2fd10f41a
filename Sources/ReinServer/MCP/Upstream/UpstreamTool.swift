import ReinAdapters

/// One tool of an upstream's `tools/list`: its name and what its input schema says of the
/// arguments it takes, to check a configuration's mapping against it at start-up.
public struct UpstreamTool: Sendable, Hashable {
    public var name: String
    /// The argument names of the schema's `properties`; nil when the schema lists none (the
    /// upstream then takes whatever it is given, and no name can be checked).
    public var properties: [String]?
    /// The schema's `required` names.
    public var required: [String]

    public init(name: String, inputSchema: JSONValue?) {
        self.name = name
        guard case .object(let schema)? = inputSchema else {
            (properties, required) = (nil, [])
            return
        }
        if case .object(let listed)? = schema["properties"] {
            properties = listed.entries.map(\.key)
        } else {
            properties = nil
        }
        if case .array(let names)? = schema["required"] {
            required = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
        } else {
            required = []
        }
    }

    /// The mapping's arguments this tool does not take, and its required arguments the mapping
    /// does not give: one message each, at the argument's place (or the mapping's) in `path`.
    func problems(with mapping: MCPConfig.ToolMapping, path: String) -> [String] {
        var problems: [String] = []
        if let properties {
            for binding in mapping.args where !properties.contains(binding.name) {
                problems.append(
                    "\(path):\(binding.place.line):\(binding.place.column): upstream tool `\(name)` takes no argument `\(binding.name)` "
                        + "(it takes \(properties.isEmpty ? "none" : properties.map { "`\($0)`" }.joined(separator: ", ")))")
            }
        }
        let given = Set(mapping.args.map(\.name))
        for missing in required where !given.contains(missing) {
            problems.append(
                "\(path):\(mapping.place.line):\(mapping.place.column): upstream tool `\(name)` requires `\(missing)`, which the mapping of `\(mapping.reinTool)` does not give")
        }
        return problems
    }
}
