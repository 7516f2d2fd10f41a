import ReinEngine

/// The audit log's hash chain (docs/FORMATS.md §8): each entry is
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

    /// Appends one entry, a number canonical JSON has no form for written as a string of its
    /// digits (``CanonicalJSON/encodeKeepingNumbers(_:)``); false (and nothing appended) only
    /// for data no reader produces (a duplicate key, nesting beyond 256).
    @discardableResult
    public mutating func append(at: Timestamp, incident: String, type: String, data: JSONObject) -> Bool {
        guard let canonical = CanonicalJSON.encodeKeepingNumbers(.object(data)) else { return false }
        append(at: at, incident: incident, type: type, canonicalData: canonical)
        return true
    }

    /// Appends one entry whose data is already canonical JSON. The hash is taken over the
    /// entry's canonical form — keys in RFC 8785 order: at, data, incident, prev, seq, type — and
    /// the line is written with the keys in the format's order: seq, at, incident, type, data,
    /// prev, hash.
    public mutating func append(at: Timestamp, incident: String, type: String, canonicalData: [UInt8]) {
        func string(_ text: String) -> [UInt8] {
            CanonicalJSON.encode(.string(text)) ?? Array("\"\"".utf8)
        }
        let time = string(at.description), owner = string(incident), kind = string(type)
        let seq = Array(String(nextSeq).utf8), prev = Array(head.utf8)
        var canonical: [UInt8] = []
        canonical.reserveCapacity(canonicalData.count + 256)
        canonical += #"{"at":"#.utf8 + time
        canonical += #","data":"#.utf8 + canonicalData
        canonical += #","incident":"#.utf8 + owner
        canonical += #","prev":""#.utf8 + prev
        canonical += #"","seq":"#.utf8 + seq
        canonical += #","type":"#.utf8 + kind
        canonical.append(0x7D)
        let hash = Hashing.sha256Hex(canonical)
        var line: [UInt8] = []
        line.reserveCapacity(canonical.count + 80)
        line += #"{"seq":"#.utf8 + seq
        line += #","at":"#.utf8 + time
        line += #","incident":"#.utf8 + owner
        line += #","type":"#.utf8 + kind
        line += #","data":"#.utf8 + canonicalData
        line += #","prev":""#.utf8 + prev
        line += #"","hash":""#.utf8
        line += hash.utf8
        line += #""}"#.utf8
        lines.append(String(decoding: line, as: UTF8.self))
        head = hash
        nextSeq += 1
    }
}
