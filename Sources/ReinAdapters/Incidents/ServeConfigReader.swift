import ReinEngine

/// `rein-serve.yaml` as read: the keys this version of the server knows, each checked for its
/// type; an unknown key is an error at its line.
public struct ServeConfigValues: Sendable, Hashable {
    public struct Token: Sendable, Hashable {
        public var name: String
        public var role: String
        public var sha256: String
        /// Where the entry starts (for messages about its values).
        public var line: Int
    }

    public var listen: String?
    public var data: String?
    public var audit: String?
    public var logFormat: String?
    public var tokens: [Token] = []
}

public enum ServeConfigReader {
    /// Reads the configuration file strictly (YAML 1.2 core schema, no duplicate keys).
    public static func read(_ file: SourceFile) -> Result<ServeConfigValues, BodyError> {
        let document: Result<DocValue, DocumentError> = IncidentDocument.yaml(file)
        switch document {
        case .failure(let error):
            return .failure(BodyError([.error(error.code, error.message, at: SourceSpan(file: 0, start: error.offset, end: error.offset))]))
        case .success(let root):
            var reading = Reading()
            var values = ServeConfigValues()
            if let top = reading.members(root, "the configuration", allowed: ["listen", "data", "audit", "log_format", "tokens"]) {
                values.listen = top["listen"].flatMap { reading.string($0.value, "`listen`") }
                values.data = top["data"].flatMap { reading.string($0.value, "`data`") }
                values.audit = top["audit"].flatMap { reading.string($0.value, "`audit`") }
                values.logFormat = top["log_format"].flatMap { reading.string($0.value, "`log_format`") }
                if let tokens = top["tokens"]?.value { values.tokens = reading.tokens(tokens, in: file) }
            }
            return reading.problems.isEmpty ? .success(values) : .failure(BodyError(reading.problems.map { $0.withCode(from: "rein.incident.", to: "rein.config.") }))
        }
    }
}

extension Reading {
    fileprivate mutating func tokens(_ value: DocValue, in file: SourceFile) -> [ServeConfigValues.Token] {
        guard case .sequence(let items) = value.kind else {
            fail("type", "`tokens` must be a list", at: value)
            return []
        }
        return items.compactMap { item in
            guard let fields = members(item, "a token", allowed: ["name", "role", "sha256"]),
                let name = required(fields, "name", item), let role = required(fields, "role", item),
                let sha256 = required(fields, "sha256", item)
            else { return nil }
            return ServeConfigValues.Token(name: name, role: role, sha256: sha256, line: file.position(of: item.offset).line)
        }
    }
}

extension Diagnostic {
    fileprivate func withCode(from prefix: String, to replacement: String) -> Diagnostic {
        var copy = self
        if copy.code.hasPrefix(prefix) { copy.code = replacement + copy.code.dropFirst(prefix.count) }
        return copy
    }
}
