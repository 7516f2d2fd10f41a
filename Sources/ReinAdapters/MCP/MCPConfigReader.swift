import ReinEngine
import ReinSyntax

extension Reading {
    /// The `mcp` section (``MCPConfig``), read strictly; nil after a problem.
    mutating func mcp(_ value: DocValue, in file: SourceFile) -> MCPConfig? {
        guard let fields = members(value, "`mcp`", allowed: ["approval_hold", "output_limit", "upstreams", "tools"]) else { return nil }
        let before = problems.count
        var config = MCPConfig()
        if let hold = fields["approval_hold"]?.value, let text = string(hold, "`approval_hold`") {
            switch NumberSyntax.duration(text.utf8.span) {
            case .success(let seconds) where seconds <= MCPConfig.maxApprovalHold: config.approvalHold = seconds
            default:
                fail("value", "`approval_hold` must be a duration from 0s to 5m, not `\(text)`", at: hold, help: "clients time calls out after about a minute: 45s is a good hold")
            }
        }
        if let limit = fields["output_limit"]?.value, let text = string(limit, "`output_limit`") {
            if let bytes = Self.size(text), MCPConfig.outputLimits.contains(bytes) {
                config.outputLimit = bytes
            } else {
                fail("value", "`output_limit` must be a size from 1KiB to 16MiB, such as `64KiB`, not `\(text)`", at: limit)
            }
        }
        if let upstreams = fields["upstreams"]?.value { config.upstreams = self.upstreams(upstreams, in: file) }
        if let tools = fields["tools"]?.value { config.tools = self.toolMappings(tools, in: file) }
        var names: Set<String> = []
        for upstream in config.upstreams where !names.insert(upstream.name).inserted {
            fail("duplicate", "upstream `\(upstream.name)` is declared twice", at: value)
        }
        return problems.count == before ? config : nil
    }

    /// `64KiB`, `1MiB`, `512B`: bytes; nil otherwise.
    static func size(_ text: String) -> Int? {
        for (unit, scale) in [("KiB", 1024), ("MiB", 1024 * 1024), ("B", 1)] where text.hasSuffix(unit) {
            guard let number = Int(text.dropLast(unit.count)), number >= 0 else { return nil }
            let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
            return overflow ? nil : bytes
        }
        return nil
    }

    private func place(_ value: DocValue, _ file: SourceFile) -> MCPConfig.Place {
        let position = file.position(of: value.offset)
        return MCPConfig.Place(line: position.line, column: position.column)
    }

    /// The pairs of a mapping whose keys are names the user chose, in the order written.
    private mutating func named(_ value: DocValue, _ what: String) -> [(name: String, key: DocValue, value: DocValue)] {
        guard case .mapping(let pairs) = value.kind else {
            fail("type", "\(what) must be a mapping", at: value)
            return []
        }
        return pairs.compactMap { pair in
            guard let name = string(pair.key, "a name in \(what)") else { return nil }
            return (name, pair.key, pair.value)
        }
    }

    private mutating func upstreams(_ value: DocValue, in file: SourceFile) -> [MCPConfig.Upstream] {
        named(value, "`mcp.upstreams`").compactMap { name, key, body in
            guard let fields = members(body, "upstream `\(name)`", allowed: ["command", "env", "url", "headers"]) else { return nil }
            switch (fields["command"], fields["url"]) {
            case (let command?, nil):
                if let headers = fields["headers"] {
                    fail("unknown-key", "`headers` are for an upstream with a `url`; a `command` gets `env`", at: headers.key)
                    return nil
                }
                guard case .sequence(let items) = command.value.kind, !items.isEmpty else {
                    fail("type", "`command` must be a non-empty list: the program and its arguments", at: command.value)
                    return nil
                }
                let words = items.compactMap { string($0, "an item of `command`") }
                guard words.count == items.count else { return nil }
                let env = fields["env"].map { settings($0.value, "`env` of upstream `\(name)`") } ?? []
                return MCPConfig.Upstream(name: name, transport: .stdio(command: words, env: env), place: place(key, file))
            case (nil, let url?):
                if let env = fields["env"] {
                    fail("unknown-key", "`env` is for an upstream with a `command`; a `url` gets `headers`", at: env.key)
                    return nil
                }
                guard let text = string(url.value, "`url`") else { return nil }
                guard checkURL(text, at: url.value) else { return nil }
                let headers = fields["headers"].map { settings($0.value, "`headers` of upstream `\(name)`") } ?? []
                return MCPConfig.Upstream(name: name, transport: .http(url: text, headers: headers), place: place(key, file))
            default:
                fail("value", "upstream `\(name)` needs either `command` (stdio) or `url` (Streamable HTTP)", at: body)
                return nil
            }
        }
    }

    /// `NAME: text` or `NAME: {env: VARIABLE}`.
    private mutating func settings(_ value: DocValue, _ what: String) -> [MCPConfig.NamedSetting] {
        named(value, what).compactMap { name, _, body in
            if case .mapping = body.kind {
                guard let fields = members(body, "`\(name)` in \(what)", allowed: ["env"]),
                    let variable = required(fields, "env", body)
                else { return nil }
                return MCPConfig.NamedSetting(name: name, value: .environment(variable))
            }
            return string(body, "`\(name)` in \(what)").map { MCPConfig.NamedSetting(name: name, value: .literal($0)) }
        }
    }

    private mutating func toolMappings(_ value: DocValue, in file: SourceFile) -> [MCPConfig.ToolMapping] {
        named(value, "`mcp.tools`").compactMap { name, key, body in
            guard let fields = members(body, "tool `\(name)`", allowed: ["upstream", "tool", "args"]),
                let upstream = required(fields, "upstream", body), let tool = required(fields, "tool", body)
            else { return nil }
            let args = fields["args"].map { bindings($0.value, in: file, depth: 0) } ?? []
            return MCPConfig.ToolMapping(
                reinTool: name, upstream: upstream, tool: tool, args: args, place: place(key, file),
                upstreamPlace: place(fields["upstream"]?.value ?? body, file))
        }
    }

    /// `UPSTREAM_ARG: MAPPING` pairs; `depth` bounds `{json: …}` nesting.
    private mutating func bindings(_ value: DocValue, in file: SourceFile, depth: Int) -> [MCPConfig.ArgBinding] {
        named(value, "`args`").compactMap { name, key, body in
            mapping(body, in: file, depth: depth).map { MCPConfig.ArgBinding(name: name, mapping: $0, place: place(body, file)) }
        }
    }

    private mutating func mapping(_ value: DocValue, in file: SourceFile, depth: Int) -> MCPConfig.ArgMapping? {
        guard case .mapping(let pairs) = value.kind else { return string(value, "a mapping").map(MCPConfig.ArgMapping.arg) }
        guard pairs.count == 1, let fields = members(value, "a mapping", allowed: ["const", "kql", "template", "json"]) else {
            if pairs.count != 1 {
                fail(
                    "value", "a mapping is an arg's name, or one of {const: …}, {kql: true}, {template: \"…\"}, {json: {…}}",
                    at: value)
            }
            return nil
        }
        if let constant = fields["const"] { return .constant(IncidentSchema.json(constant.value)) }
        if let kql = fields["kql"] {
            guard case .scalar(let text, false) = kql.value.kind, IncidentSchema.resolve(text) == .bool(true) else {
                fail("value", "`kql` must be `true`: the query's KQL, rendered by Rein", at: kql.value)
                return nil
            }
            return .kql
        }
        if let template = fields["template"] { return string(template.value, "`template`").map(MCPConfig.ArgMapping.template) }
        if let json = fields["json"] {
            guard depth < 8 else {
                fail("value", "`json` mappings nest at most 8 deep", at: json.value)
                return nil
            }
            return .json(bindings(json.value, in: file, depth: depth + 1))
        }
        return nil
    }
}
