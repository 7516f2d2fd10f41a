/// A strict JSON (RFC 8259) reader over raw bytes.
///
/// Why not Foundation's `JSONSerialization`: it silently accepts duplicate keys (the last one wins),
/// turns every number into `Double`/`NSNumber` — losing the distinction between `5`, `5.0` and `5e0`
/// and the exact value of integers near or beyond the 64-bit range — and applies conversions we
/// cannot control or observe. docs/FORMATS.md requires rejecting duplicate keys anywhere (with a reason
/// code that depends on where they are), telling an integer from a fraction or exponent, and
/// refusing integers outside the signed 64-bit range; it also keeps ReinEngine free of Foundation.
///
/// What it accepts: exactly one JSON value, optionally surrounded by whitespace (space, tab, LF,
/// CR only). What it rejects (as a ``JSONError`` with a byte offset): invalid UTF-8 inside strings,
/// raw control characters (< 0x20) in strings, bad escapes, unpaired surrogate escapes, trailing
/// commas, comments, single quotes, leading zeros, `+1`, `.5`, `1.`, `NaN`, `Infinity`, trailing
/// content, empty input, nesting deeper than `maxDepth` (default 128; recursion never exceeds it),
/// and input longer than `maxBytes` (default 1 MiB, one batch line).
///
/// What it does *not* reject: duplicate object keys. They are recorded on the object
/// (``JSONObject/duplicateKeys``) so the caller can choose the reason code by location.
///
/// The parser itself writes a flat ``JSONTape`` over the input bytes (no value is built, no
/// string copied); `parse` then builds the ``JSONValue`` tree from it. A hot path that only
/// needs to look (`rein eval --batch`) reads the tape directly.
public enum JSONReader {
    /// One batch line may be at most 1 MiB (docs/FORMATS.md §1).
    public static let defaultMaxBytes = 1 << 20
    /// Maximum nesting of arrays and objects; depth 129 is an error.
    public static let defaultMaxDepth = 128

    /// Parses exactly one JSON value from `bytes`.
    public static func parse(
        _ bytes: [UInt8],
        maxBytes: Int = defaultMaxBytes,
        maxDepth: Int = defaultMaxDepth
    ) -> Result<JSONValue, JSONError> {
        guard bytes.count <= maxBytes else {
            return .failure(JSONError("input too large", at: max(maxBytes, 0)))
        }
        var tape = JSONTape()
        if let error = tape.parse(bytes, maxDepth: maxDepth) { return .failure(error) }
        return .success(tape.value(at: 0))
    }

    /// Parses exactly one JSON value from the UTF-8 encoding of `text`.
    public static func parse(
        _ text: String,
        maxBytes: Int = defaultMaxBytes,
        maxDepth: Int = defaultMaxDepth
    ) -> Result<JSONValue, JSONError> {
        parse(Array(text.utf8), maxBytes: maxBytes, maxDepth: maxDepth)
    }
}

/// Why a JSON input was rejected: a short lowercase message and the byte offset (0-based) of the
/// offending byte (or of the construct that was left unterminated).
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String
    public let offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset)" }
}
