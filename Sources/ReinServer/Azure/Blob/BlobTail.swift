import ReinAdapters

/// The last line of an audit blob, found in the bytes read from its end. Rein appends whole
/// lines only, so a blob it wrote ends with a newline.
enum BlobTail {
    enum Found: Sendable, Equatable {
        /// The last line, without its newline.
        case line([UInt8])
        /// The window holds no line start: read more of the blob.
        case needMore
        /// The blob does not end with a newline: not (only) Rein's writing.
        case unterminated
    }

    /// The last line in `window`, the blob's last bytes; `whole` when the window starts at the
    /// blob's first byte (so its first line is whole).
    static func lastLine(_ window: [UInt8], whole: Bool) -> Found {
        guard window.last == 0x0A else { return .unterminated }
        let end = window.count - 1
        if let newline = window[..<end].lastIndex(of: 0x0A) { return .line(Array(window[(newline + 1)..<end])) }
        return whole ? .line(Array(window[..<end])) : .needMore
    }

    /// The `seq` of an audit line, or nil when it is not an entry.
    static func seq(of line: [UInt8]) -> Int64? {
        guard case .success(.object(let entry)) = JSONReader.parse(line, maxBytes: BlobClient.maxBlockBytes),
            case .integer(let seq)? = entry["seq"], seq >= 0
        else { return nil }
        return seq
    }

    /// At most `limit` bytes of `bytes` as text to show in a log, control characters escaped.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 200) -> String {
        var text = String(decoding: bytes.prefix(limit), as: UTF8.self).unicodeScalars.map { scalar -> String in
            scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
        if bytes.count > limit { text += "…" }
        return text
    }
}
