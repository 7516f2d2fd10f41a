/// The `partialFingerprints` of SARIF results, so code scanning recognises a finding from one
/// run to the next: a hash of the rule id, the file's URI, the message and the code of the line
/// the finding starts on — not its line number, so the fingerprint stays when unrelated lines
/// move, nor its layout or trailing comment, which `rein fmt` re-aligns when a neighbouring line
/// changes — then `:` and an occurrence counter that tells identical findings of one file apart
/// (`3f0c9a1e5b7d2c48:1`, `…:2`).
///
/// The hash is 64-bit FNV-1a over each field's length and bytes: stable across platforms and
/// versions (unlike `Hasher`), and an identity, not a security measure.
struct SARIFFingerprints {
    /// The key in `partialFingerprints` (versioned: a new scheme gets a new key).
    static let key = "reinFindingHash/v1"

    private var occurrences: [UInt64: Int] = [:]

    /// The fingerprint of the next result with these fields; a repeat gets the next counter.
    mutating func next(ruleID: String, uri: String, message: String, lineText: String) -> String {
        let hash = Self.hash([ruleID, uri, message, Self.code(of: lineText)])
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

    /// The line's code: its trailing comment dropped and every run of spaces and tabs outside
    /// string literals made one space, trimmed — so re-indenting, re-aligning and editing the
    /// comment keep the fingerprint. A `#"` opens a raw string (closed by `"#`), any other `#` a
    /// comment, as in the language.
    static func code(of line: String) -> String {
        enum State { case code, string, escape, raw }
        var out = "", state = State.code, pendingSpace = false
        var scalars = line.unicodeScalars.makeIterator()
        var lookahead: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let held = lookahead { lookahead = nil; return held }
            return scalars.next()
        }
        func emit(_ scalar: Unicode.Scalar) {
            if pendingSpace, !out.isEmpty { out += " " }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        scan: while let scalar = next() {
            switch state {
            case .code:
                switch scalar {
                case " ", "\t", "\r": pendingSpace = true
                case "#":
                    lookahead = next()
                    guard lookahead == "\"" else { break scan }
                    emit(scalar)
                    emit("\"")
                    lookahead = nil
                    state = .raw
                case "\"": emit(scalar); state = .string
                default: emit(scalar)
                }
            case .string:
                out.unicodeScalars.append(scalar)
                if scalar == "\\" { state = .escape } else if scalar == "\"" { state = .code }
            case .escape:
                out.unicodeScalars.append(scalar)
                state = .string
            case .raw:
                out.unicodeScalars.append(scalar)
                if scalar == "\"" {
                    lookahead = next()
                    if lookahead == "#" { out += "#"; lookahead = nil; state = .code }
                }
            }
        }
        return out
    }
}
