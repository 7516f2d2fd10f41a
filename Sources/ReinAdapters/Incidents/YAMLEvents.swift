import CYaml

/// Reads a YAML text into a ``DocValue`` tree straight from libyaml's event stream (the parser
/// Yams bundles): one pass, positions kept, and Rein's strictness applied as the events come —
/// one document, no anchors or aliases, no explicit tags, no duplicate keys, bounded depth.
/// Scalars stay text; the core schema resolves plain ones later.
struct YAMLEvents {
    private var parser = yaml_parser_t()
    private let file: SourceFile

    static func read(_ file: SourceFile) -> Result<DocValue, DocumentError> {
        var reader = YAMLEvents(file: file)
        return reader.run()
    }

    private init(file: SourceFile) {
        self.file = file
    }

    private mutating func run() -> Result<DocValue, DocumentError> {
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(DocumentError(message: "cannot start the YAML parser", offset: 0, code: "rein.incident.yaml"))
        }
        defer { yaml_parser_delete(&parser) }
        return file.bytes.withUnsafeBufferPointer { buffer -> Result<DocValue, DocumentError> in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                return .failure(DocumentError(message: "the file is empty", offset: 0, code: "rein.incident.empty"))
            }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            return document()
        }
    }

    /// One event (owned by the caller, who must delete it), or the parser's error.
    private mutating func next() -> Result<yaml_event_t, DocumentError> {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse"
            let mark = parser.problem_mark
            return .failure(
                DocumentError(
                    message: "invalid YAML: \(problem)", offset: offset(mark), code: "rein.incident.yaml"))
        }
        return .success(event)
    }

    /// The last position converted: events come in file order, so the next one is usually
    /// further on the same line.
    private var cursor: (line: Int, column: Int, offset: Int)?

    private mutating func offset(_ mark: yaml_mark_t) -> Int {
        let line = Int(mark.line) + 1, column = Int(mark.column) + 1
        let known = cursor.flatMap { $0.line == line ? (column: $0.column, offset: $0.offset) : nil }
        let offset = IncidentDocument.offset(line: line, column: column, in: file, from: known)
        cursor = (line, column, offset)
        return offset
    }

    private mutating func document() -> Result<DocValue, DocumentError> {
        var root: DocValue?
        var documents = 0
        while true {
            var event: yaml_event_t
            switch next() {
            case .success(let got): event = got
            case .failure(let error): return .failure(error)
            }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                guard let root else {
                    return .failure(DocumentError(message: "the file is empty", offset: 0, code: "rein.incident.empty"))
                }
                return .success(root)
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    return .failure(
                        DocumentError(
                            message: "a recorded incident is one YAML document", offset: offset(event.start_mark),
                            code: "rein.incident.yaml"))
                }
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_START_EVENT:
                continue
            default:
                switch node(event, depth: 0) {
                case .success(let value): root = value
                case .failure(let error): return .failure(error)
                }
            }
        }
    }

    /// The node that `event` starts (its children are read here; `event` stays the caller's).
    private mutating func node(_ event: yaml_event_t, depth: Int) -> Result<DocValue, DocumentError> {
        let at = offset(event.start_mark)
        guard depth <= IncidentDocument.maxDepth else {
            return .failure(
                DocumentError(message: "nesting too deep (over \(IncidentDocument.maxDepth) levels)", offset: at, code: "rein.incident.too-deep"))
        }
        let anchored: Bool
        let tagged: Bool
        switch event.type {
        case YAML_ALIAS_EVENT:
            anchored = true
            tagged = false
        case YAML_SCALAR_EVENT:
            anchored = event.data.scalar.anchor != nil
            tagged = event.data.scalar.tag != nil
        case YAML_SEQUENCE_START_EVENT:
            anchored = event.data.sequence_start.anchor != nil
            tagged = event.data.sequence_start.tag != nil
        case YAML_MAPPING_START_EVENT:
            anchored = event.data.mapping_start.anchor != nil
            tagged = event.data.mapping_start.tag != nil
        default:
            return .failure(DocumentError(message: "unexpected YAML content", offset: at, code: "rein.incident.yaml"))
        }
        if anchored {
            return .failure(
                DocumentError(message: "anchors and aliases are not allowed in a recorded incident", offset: at, code: "rein.incident.anchor"))
        }
        if tagged {
            return .failure(
                DocumentError(message: "tags are not allowed in a recorded incident", offset: at, code: "rein.incident.tag"))
        }
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let bytes = scalar.value.map { Array(UnsafeBufferPointer(start: $0, count: scalar.length)) } ?? []
            return .success(
                DocValue(kind: .scalar(String(decoding: bytes, as: UTF8.self), quoted: scalar.style != YAML_PLAIN_SCALAR_STYLE), offset: at))
        case YAML_SEQUENCE_START_EVENT:
            var items: [DocValue] = []
            while true {
                switch children(depth: depth) {
                case .failure(let error): return .failure(error)
                case .success(nil): return .success(DocValue(kind: .sequence(items), offset: at))
                case .success(let item?): items.append(item)
                }
            }
        default:
            var pairs: [(key: DocValue, value: DocValue)] = []
            var keys = Set<ExactString>()
            while true {
                let key: DocValue
                switch children(depth: depth) {
                case .failure(let error): return .failure(error)
                case .success(nil): return .success(DocValue(kind: .mapping(pairs), offset: at))
                case .success(let got?): key = got
                }
                guard case .scalar(let name, _) = key.kind else {
                    return .failure(DocumentError(message: "a key must be a plain value", offset: key.offset, code: "rein.incident.key"))
                }
                guard keys.insert(ExactString(name)).inserted else {
                    return .failure(DocumentError(message: "duplicate key `\(name)`", offset: key.offset, code: "rein.incident.duplicate-key"))
                }
                switch children(depth: depth) {
                case .failure(let error): return .failure(error)
                case .success(nil):
                    return .failure(DocumentError(message: "a key without a value", offset: key.offset, code: "rein.incident.yaml"))
                case .success(let value?): pairs.append((key, value))
                }
            }
        }
    }

    /// The next child of a collection, or nil at its end.
    private mutating func children(depth: Int) -> Result<DocValue?, DocumentError> {
        var event: yaml_event_t
        switch next() {
        case .success(let got): event = got
        case .failure(let error): return .failure(error)
        }
        defer { yaml_event_delete(&event) }
        if event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT { return .success(nil) }
        return node(event, depth: depth + 1).map { $0 }
    }
}
