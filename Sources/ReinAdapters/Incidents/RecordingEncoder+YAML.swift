import ReinEngine
import Yams

extension RecordingEncoder {
    /// The recording as YAML, keys in the format's order. A string that YAML's core schema
    /// would read as something else (`yes` stays a string, `010` is 10 unquoted) is quoted, so
    /// `rein replay` reads back exactly the recording.
    public static func yaml(_ recorded: RecordedIncident) -> String {
        let document = (try? Yams.serialize(node: node(json(recorded)), width: -1, allowUnicode: true)) ?? ""
        return document
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node.scalar(Node.Scalar("null"))
        case .bool(let flag): return Node.scalar(Node.Scalar(flag ? "true" : "false"))
        case .integer(let number): return Node.scalar(Node.Scalar(String(number)))
        case .number(let text): return Node.scalar(Node.Scalar(text))
        case .string(let text):
            let plain = IncidentSchema.resolve(text) == .string(text)
            return Node.scalar(Node.Scalar(text, .implicit, plain ? .any : .doubleQuoted))
        case .array(let items): return Node.sequence(Node.Sequence(items.map(node)))
        case .object(let object): return Node.mapping(Node.Mapping(object.entries.map { (node(.string($0.key)), node($0.value)) }))
        }
    }
}
