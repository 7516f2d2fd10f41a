import ReinEngine

/// What an MCP client sees of a runbook's tools (`tools/list`): exactly its `investigate` and
/// `remediate` tools and queries, each with its description, an `inputSchema` (JSON Schema
/// 2020-12) generated from its args, and annotations saying whether it changes anything. The
/// schema advises the model; Rein's own checks decide every call.
public enum ToolCatalog {
    /// The longest `reason` (the thought a call carries), in characters.
    public static let maxReasonLength = 2000

    /// `tools/list`'s `tools` for runbook `runbook`; nil when the bundle does not declare it.
    public static func tools(_ policy: CompiledPolicy, runbook: String) -> [JSONValue]? {
        policy.runbookTools(runbook).map { tools in
            tools.map { tool(from: $0, forbidden: policy.forbiddenNamespaces) }
        }
    }

    /// One tool's entry: `name`, `description`, `inputSchema`, `annotations`.
    public static func tool(from tool: ToolModel, forbidden: [String]) -> JSONValue {
        let writes = tool.effect == .write
        var annotations: [(key: String, value: JSONValue)] = [("readOnlyHint", .bool(!writes))]
        if writes { annotations.append(("destructiveHint", .bool(true))) }
        annotations.append(("openWorldHint", .bool(false)))
        return .object(
            JSONObject(entries: [
                ("name", .string(tool.name)), ("description", .string(description(of: tool))),
                ("inputSchema", inputSchema(of: tool, forbidden: forbidden)), ("annotations", .object(JSONObject(entries: annotations))),
            ]))
    }

    /// The tool's `description`, else its doc comment, else what it is; a write tool says it
    /// waits for a human's approval.
    static func description(of tool: ToolModel) -> String {
        let text = tool.description ?? tool.doc ?? (tool.isQuery ? "Runs the query \(tool.name)." : "Runs \(tool.name).")
        guard tool.effect == .write else { return text }
        // A sentence of its own, whether or not the runbook's description ends with a stop.
        let ended = text.last.map { ".!?".contains($0) } ?? true
        return text + (ended ? "" : ".") + " Changes production: the call waits for a human's approval, then runs with a just-in-time elevation."
    }

    /// `{type: object, properties, required, additionalProperties: false}`, with a `reason`
    /// string unless the tool has an arg of that name.
    public static func inputSchema(of tool: ToolModel, forbidden: [String]) -> JSONValue {
        var properties = tool.args.map { (key: $0.name, value: ArgSchema.schema(of: $0, forbidden: forbidden)) }
        if tool.arg(named: "reason") == nil {
            properties.append(
                (
                    "reason",
                    .object(
                        JSONObject(entries: [
                            ("type", .string("string")), ("maxLength", .integer(Int64(maxReasonLength))),
                            ("description", .string("Why you make this call: it is recorded as your thought and shown to the approvers.")),
                        ]))
                ))
        }
        let required = tool.args.filter { !$0.isOptional }.map { JSONValue.string($0.name) }
        return .object(
            JSONObject(entries: [
                ("$schema", .string("https://json-schema.org/draft/2020-12/schema")), ("type", .string("object")),
                ("properties", .object(JSONObject(entries: properties))), ("required", .array(required)),
                ("additionalProperties", .bool(false)),
            ]))
    }
}
