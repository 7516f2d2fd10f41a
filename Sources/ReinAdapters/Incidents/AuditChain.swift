import ReinEngine

/// The audit log's hash chain (FORMATS.md §8): each entry is
/// `{"seq","at","incident","type","data","prev","hash"}`, where `hash` is the SHA-256 of the
/// canonical JSON (RFC 8785) of the entry without `hash`, and `prev` the previous entry's hash
/// (64 zeros for `seq` 0). Appending continues a chain from its last entry.
public struct AuditChain: Sendable {
    public private(set) var nextSeq: Int64
    public private(set) var head: String
    /// The lines written so far (each a JSON object, no newline).
    public private(set) var lines: [String] = []

    public static let genesis = String(repeating: "0", count: 64)

    /// A new chain, or one that continues after the entry `seq - 1` whose hash is `head`.
    public init(nextSeq: Int64 = 0, head: String = AuditChain.genesis) {
        self.nextSeq = nextSeq
        self.head = head
    }

    /// Appends one entry; false (and nothing appended) when its data has no canonical form.
    @discardableResult
    public mutating func append(at: Timestamp, incident: String, type: String, data: JSONObject) -> Bool {
        let body = JSONObject([
            "seq": .integer(nextSeq), "at": .string(at.description), "incident": .string(incident),
            "type": .string(type), "data": .object(data), "prev": .string(head),
        ])
        guard let canonical = CanonicalJSON.encode(.object(body)) else { return false }
        let hash = Hashing.sha256Hex(canonical)
        var line = canonical
        line.removeLast()  // the closing brace: `hash` goes last
        line += #","hash":""#.utf8
        line += hash.utf8
        line += #""}"#.utf8
        lines.append(String(decoding: line, as: UTF8.self))
        head = hash
        nextSeq += 1
        return true
    }
}
