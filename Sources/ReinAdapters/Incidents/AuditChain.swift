import Crypto
import ReinEngine

/// The audit log's hash chain (docs/FORMATS.md §8): each entry is
/// `{"seq","at","incident","type","data","prev","hash"}`, where `hash` is the SHA-256 of the
/// canonical JSON (RFC 8785) of the entry without `hash`, and `prev` the previous entry's hash
/// (64 zeros for `seq` 0). Appending continues a chain from its last entry.
public struct AuditChain: Sendable {
    /// One entry ready to be linked: its time, incident, type and data already in canonical
    /// JSON, so that linking it — the only step that must happen in order — is hashing and
    /// copying bytes. Entries can be prepared in parallel.
    public struct Entry: Sendable {
        /// The time, incident, type and data, each in canonical JSON.
        public let at: [UInt8]
        public let incident: [UInt8]
        public let type: [UInt8]
        public let data: [UInt8]

        /// An entry whose data is already canonical JSON.
        public init(at: Timestamp, incident: String, type: String, canonicalData: [UInt8]) {
            self.at = Self.string(at.description)
            self.incident = Self.string(incident)
            self.type = Self.string(type)
            self.data = canonicalData
        }

        /// An entry of `data`, a number canonical JSON has no form for written as a string of
        /// its digits (``CanonicalJSON/encodeKeepingNumbers(_:)``); nil only for data no reader
        /// produces (a duplicate key, nesting beyond 256).
        public init?(at: Timestamp, incident: String, type: String, data: JSONObject) {
            guard let canonical = CanonicalJSON.encodeKeepingNumbers(.object(data)) else { return nil }
            self.init(at: at, incident: incident, type: type, canonicalData: canonical)
        }

        private static func string(_ text: String) -> [UInt8] {
            CanonicalJSON.encode(.string(text)) ?? Array("\"\"".utf8)
        }
    }

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

    /// Appends one entry of `data`; false (and nothing appended) only for data no reader
    /// produces (see ``Entry/init(at:incident:type:data:)``).
    @discardableResult
    public mutating func append(at: Timestamp, incident: String, type: String, data: JSONObject) -> Bool {
        guard let entry = Entry(at: at, incident: incident, type: type, data: data) else { return false }
        append(entry)
        return true
    }

    /// Appends one entry whose data is already canonical JSON.
    public mutating func append(at: Timestamp, incident: String, type: String, canonicalData: [UInt8]) {
        append(Entry(at: at, incident: incident, type: type, canonicalData: canonicalData))
    }

    /// Links `entry` after the last one. The hash is taken over the entry's canonical form —
    /// keys in RFC 8785 order: at, data, incident, prev, seq, type — and the line is written
    /// with the keys in the format's order: seq, at, incident, type, data, prev, hash.
    public mutating func append(_ entry: Entry) {
        let seq = Array(String(nextSeq).utf8), prev = Array(head.utf8)
        var hasher = SHA256()
        for part in [
            Key.at, entry.at, Key.data, entry.data, Key.incident, entry.incident, Key.prev, prev, Key.seq, seq,
            Key.type, entry.type, Key.close,
        ] {
            hasher.update(data: part)
        }
        let hash = Hashing.hex(hasher.finalize())
        var line: [UInt8] = []
        line.reserveCapacity(entry.data.count + entry.at.count + entry.incident.count + entry.type.count + 192)
        for part in [
            Key.lineSeq, seq, Key.lineAt, entry.at, Key.incident, entry.incident, Key.type, entry.type,
            Key.data, entry.data, Key.prev, prev, Key.lineHash, Array(hash.utf8), Key.lineClose,
        ] {
            line.append(contentsOf: part)
        }
        lines.append(String(decoding: line, as: UTF8.self))
        head = hash
        nextSeq += 1
    }

    /// The fixed parts of an entry, between its values: in canonical order for the hash,
    /// in the format's order for the line.
    private enum Key {
        static let at = Array(#"{"at":"#.utf8), data = Array(#","data":"#.utf8)
        static let incident = Array(#","incident":"#.utf8), prev = Array(#","prev":""#.utf8)
        static let seq = Array(#"","seq":"#.utf8), type = Array(#","type":"#.utf8), close = Array("}".utf8)
        static let lineSeq = Array(#"{"seq":"#.utf8), lineAt = Array(#","at":"#.utf8)
        static let lineHash = Array(#"","hash":""#.utf8), lineClose = Array(#""}"#.utf8)
    }
}
