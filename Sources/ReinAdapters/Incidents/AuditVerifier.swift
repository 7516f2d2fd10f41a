import ReinEngine

/// Checks an audit log (docs/FORMATS.md §8) entry by entry: each line one JSON object with exactly
/// the keys `seq`, `at`, `incident`, `type`, `data`, `prev`, `hash`; `seq` counting from 0 with
/// no gap; `prev` the previous entry's `hash` (64 zeros first); `hash` the SHA-256 of the
/// canonical JSON of the entry without `hash`. The first broken entry is reported, with why.
public enum AuditVerifier {
    public struct Break: Error, Sendable, Hashable, CustomStringConvertible {
        /// The `seq` the broken entry should have (its line number minus one).
        public var seq: Int64
        public var why: String
        public var description: String { "seq \(seq): \(why)" }
    }

    /// The chain's state after its last entry (to append to it), or the first break.
    public static func verify(_ text: String) -> Result<AuditChain, Break> {
        var head = AuditChain.genesis
        var seq: Int64 = 0
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if line.isEmpty && index == lines.count - 1 { break }  // the final newline
            switch entryHash(String(line), seq: seq, prev: head) {
            case .success(let hash): head = hash
            case .failure(let why): return .failure(Break(seq: seq, why: why.message))
            }
            seq += 1
        }
        return .success(AuditChain(nextSeq: seq, head: head))
    }

    private struct Why: Error { let message: String }

    private static func entryHash(_ line: String, seq: Int64, prev: String) -> Result<String, Why> {
        guard case .success(.object(let entry)) = JSONReader.parse(line) else {
            return .failure(Why(message: "not a JSON object (a cut or edited line)"))
        }
        guard entry.duplicateKeys.isEmpty else { return .failure(Why(message: "a key is given twice")) }
        let keys = ["seq", "at", "incident", "type", "data", "prev", "hash"]
        guard entry.entries.count == keys.count, keys.allSatisfy({ entry[$0] != nil }) else {
            return .failure(Why(message: "the entry must have exactly the keys \(keys.joined(separator: ", "))"))
        }
        guard case .integer(let written)? = entry["seq"] else { return .failure(Why(message: "`seq` is not an integer")) }
        guard written == seq else {
            return .failure(Why(message: "`seq` is \(written), expected \(seq): an entry was removed, added or moved"))
        }
        guard case .string(let link)? = entry["prev"], link == prev else {
            return .failure(Why(message: "`prev` is not the previous entry's hash: the chain is broken here"))
        }
        guard case .string(let hash)? = entry["hash"] else { return .failure(Why(message: "`hash` is not a string")) }
        let body = JSONObject(entries: entry.entries.filter { $0.key != "hash" })
        guard let canonical = CanonicalJSON.encode(.object(body)) else {
            return .failure(Why(message: "the entry has no canonical form"))
        }
        guard Hashing.sha256Hex(canonical) == hash else {
            return .failure(Why(message: "`hash` does not match the entry: it was edited"))
        }
        return .success(hash)
    }
}
