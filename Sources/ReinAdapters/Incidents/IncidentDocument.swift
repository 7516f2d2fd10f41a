import ReinEngine

/// A recorded incident file (YAML or JSON) as a tree of values that know where they start, so
/// that every problem can be reported at `path:line:col`. Scalars stay text here; what a plain
/// scalar means is decided later, once, by the YAML 1.2 core schema (``IncidentDocument/resolve``).
struct DocValue {
    enum Kind {
        /// `quoted`: written in quotes (a string whatever it looks like); plain scalars are
        /// resolved by the core schema.
        case scalar(String, quoted: Bool)
        case mapping([(key: DocValue, value: DocValue)])
        case sequence([DocValue])
    }

    var kind: Kind
    /// Byte offset of the value's first character in the file.
    var offset: Int
}

/// Why a file could not be read into a ``DocValue`` tree.
struct DocumentError: Error {
    var message: String
    var offset: Int
    var code: String
}

enum IncidentDocument {
    /// Deeper documents are refused rather than walked without bound.
    static let maxDepth = 64

    /// Reads YAML (any file not named `*.json`): see ``YAMLEvents``.
    static func yaml(_ file: SourceFile) -> Result<DocValue, DocumentError> {
        YAMLEvents.read(file)
    }

    /// Reads JSON (a file named `*.json`) with Rein's strict reader; duplicate keys are errors.
    static func json(_ file: SourceFile) -> Result<DocValue, DocumentError> {
        var tape = JSONTape()
        if let error = tape.parse(file.bytes) {
            return .failure(DocumentError(message: "invalid JSON: \(error.message)", offset: error.offset, code: "rein.incident.json"))
        }
        return convert(tape, 0, depth: 0)
    }

    private static func convert(_ tape: JSONTape, _ index: Int, depth: Int) -> Result<DocValue, DocumentError> {
        let node = tape.nodes[index]
        let offset = Int(node.start) - (node.kind == .string ? 1 : 0)
        guard depth <= maxDepth else {
            return .failure(DocumentError(message: "nesting too deep (over \(maxDepth) levels)", offset: offset, code: "rein.incident.too-deep"))
        }
        switch node.kind {
        case .string:
            return .success(DocValue(kind: .scalar(tape.string(at: index), quoted: true), offset: offset))
        case .null, .bool, .integer, .number:
            let text = String(decoding: tape.bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
            return .success(DocValue(kind: .scalar(text, quoted: false), offset: offset))
        case .array:
            var items: [DocValue] = []
            var child = index + 1
            for _ in 0..<Int(node.count) {
                switch convert(tape, child, depth: depth + 1) {
                case .success(let value): items.append(value)
                case .failure(let error): return .failure(error)
                }
                child = Int(tape.nodes[child].next)
            }
            return .success(DocValue(kind: .sequence(items), offset: offset))
        case .object:
            var pairs: [(key: DocValue, value: DocValue)] = []
            var seen = Set<ExactString>()
            var key = index + 1
            for _ in 0..<Int(node.count) {
                let name = tape.string(at: key)
                let keyOffset = Int(tape.nodes[key].start) - 1
                guard seen.insert(ExactString(name)).inserted else {
                    return .failure(DocumentError(message: "duplicate key `\(name)`", offset: keyOffset, code: "rein.incident.duplicate-key"))
                }
                switch convert(tape, key + 1, depth: depth + 1) {
                case .success(let value):
                    pairs.append((DocValue(kind: .scalar(name, quoted: true), offset: keyOffset), value))
                case .failure(let error): return .failure(error)
                }
                key = Int(tape.nodes[key + 1].next)
            }
            return .success(DocValue(kind: .mapping(pairs), offset: offset))
        }
    }

    /// The byte offset of a 1-based line and column (counted in Unicode scalars).
    /// `from`: a known (column, offset) earlier on the same line to walk on from, so that many
    /// positions on one long line cost one walk, not one each.
    static func offset(line: Int, column: Int, in file: SourceFile, from known: (column: Int, offset: Int)? = nil) -> Int {
        guard line >= 1, line <= file.lineStarts.count else { return file.bytes.count }
        var offset = file.lineStarts[line - 1]
        var remaining = column - 1
        if let known, known.column <= column, known.offset >= offset {
            offset = known.offset
            remaining = column - known.column
        }
        while remaining > 0, offset < file.bytes.count, file.bytes[offset] != 0x0A {
            offset += 1
            while offset < file.bytes.count, file.bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }
}
