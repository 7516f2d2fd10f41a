/// The `partialFingerprints` of SARIF results, so code scanning recognises a finding from one
/// run to the next: a hash of the rule id, the file's URI, the message and the trimmed text of
/// the line the finding starts on — not its line number, so the fingerprint stays when
/// unrelated lines move — then `:` and an occurrence counter that tells identical findings of
/// one file apart (`3f0c9a1e5b7d2c48:1`, `…:2`).
///
/// The hash is 64-bit FNV-1a over each field's length and bytes: stable across platforms and
/// versions (unlike `Hasher`), and an identity, not a security measure.
struct SARIFFingerprints {
    /// The key in `partialFingerprints` (versioned: a new scheme gets a new key).
    static let key = "reinFindingHash/v1"

    private var occurrences: [UInt64: Int] = [:]

    /// The fingerprint of the next result with these fields; a repeat gets the next counter.
    mutating func next(ruleID: String, uri: String, message: String, lineText: String) -> String {
        let hash = Self.hash([ruleID, uri, message, String(Self.trimmed(lineText))])
        let count = (occurrences[hash] ?? 0) + 1
        occurrences[hash] = count
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ":\(count)"
    }

    /// FNV-1a (64-bit) over each field's UTF-8 length (8 bytes, little-endian) and bytes, so
    /// no two lists of fields feed it the same bytes.
    static func hash(_ fields: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for field in fields {
            var length = UInt64(field.utf8.count)
            for _ in 0..<8 {
                feed(UInt8(truncatingIfNeeded: length))
                length >>= 8
            }
            for byte in field.utf8 { feed(byte) }
        }
        return hash
    }

    /// The line without leading and trailing spaces and tabs: re-indenting keeps fingerprints.
    static func trimmed(_ line: String) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = line.firstIndex(where: { !blank($0) }), let last = line.lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return line[first...last]
    }
}
