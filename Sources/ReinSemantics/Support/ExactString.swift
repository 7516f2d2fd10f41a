/// Exact identity of user-written text: Grammar/README.md §7, "values are checked exactly as given:
/// no trimming, no case folding, no Unicode normalisation".
///
/// Swift's `String ==` — and so `Set<String>`, `Dictionary<String, …>` keys and
/// `[String].contains` — uses *canonical equivalence*: `"\u{E9}" == "e\u{301}"` (`é`
/// precomposed or as `e` plus a combining acute) and even `"\u{212A}" == "K"` (KELVIN SIGN) are
/// true. Two Rein values are the same only when they are the same sequence of Unicode scalars.
/// So wherever a checker or an evaluator compares or deduplicates values (enum members, defaults,
/// proposal args, `forbid namespace` values, context values, role names and ids, `allow`
/// globs), it compares with `isExactly(_:)` / `containsExactly(_:)` and keys sets and
/// dictionaries by `ExactString`, never by `String`.
///
/// (Names — identifiers — are ASCII by the grammar, where the two comparisons agree.)
///
/// ```swift
/// "\u{E9}".isExactly("e\u{301}")                     // false
/// Set(["\u{E9}", "e\u{301}"].map(ExactString.init)).count  // 2
/// ```
public struct ExactString: Hashable, Sendable, CustomStringConvertible {
    /// The text, as written.
    public let value: String

    public init(_ value: String) { self.value = value }

    /// The key under which strings that differ only in the case of ASCII letters (`A`–`Z`
    /// against `a`–`z`) are equal, every other scalar compared exactly: how approver
    /// identities and `allow` globs compare (docs/FORMATS.md §3, approvals). `"A@x.com"` and
    /// `"a@x.com"` share a key; `"É"` and `"é"` do not.
    public static func ignoringASCIICase(_ value: String) -> ExactString {
        ExactString(value.asciiLowercased())
    }

    /// Same Unicode scalars. (Swift strings are always valid Unicode and UTF-8 is a one-to-one
    /// encoding, so comparing the UTF-8 bytes compares the scalars.)
    public static func == (left: ExactString, right: ExactString) -> Bool {
        left.value.isExactly(right.value)
    }

    public func hash(into hasher: inout Hasher) {
        let utf8 = value.utf8
        hasher.combine(utf8.count)
        let hashed: Void? = utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            for byte in utf8 { hasher.combine(byte) }
        }
    }

    public var description: String { value }
}

extension String {
    /// True when both strings are the same sequence of Unicode scalars: no Unicode
    /// normalisation (`"\u{E9}"` is not `"e\u{301}"`), no case folding.
    @inlinable
    public func isExactly(_ other: String) -> Bool {
        // Most comparisons fail on the length, checked inline without touching the bytes.
        utf8.count == other.utf8.count && sameUTF8Bytes(other)
    }

    /// Byte equality of two strings of the same UTF-8 length.
    @usableFromInline
    func sameUTF8Bytes(_ other: String) -> Bool {
        let compared: Bool?? = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                for index in 0..<a.count where a[index] != b[index] { return false }
                return true
            }
        }
        if let result = compared ?? nil { return result }
        return utf8.elementsEqual(other.utf8)
    }

    /// The number of Unicode scalars, counted on the UTF-8 bytes (every byte that does not
    /// continue a sequence starts a scalar) — what `len` measures.
    @inlinable
    public var scalarCount: Int {
        String.scalarCount(utf8: utf8.span)
    }

    /// The number of Unicode scalars in valid UTF-8 `bytes` (see ``scalarCount``).
    @inlinable
    public static func scalarCount(utf8 bytes: Span<UInt8>) -> Int {
        var count = 0
        for index in bytes.indices where bytes[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The string with the ASCII letters `A`–`Z` lowercased and every other scalar unchanged
    /// (unlike `lowercased()`, which folds all of Unicode and may change the scalar count).
    public func asciiLowercased() -> String {
        guard utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return self }
        return String(decoding: utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// True when both strings are equal once ASCII letters are lowercased (see
    /// `ExactString.ignoringASCIICase(_:)`).
    public func isEqualIgnoringASCIICase(_ other: String) -> Bool {
        asciiLowercased().isExactly(other.asciiLowercased())
    }
}

extension Array where Element == String {
    /// True when some element `isExactly(value)`.
    @inlinable
    public func containsExactly(_ value: String) -> Bool {
        for element in self where element.isExactly(value) { return true }
        return false
    }
}

/// Help for a value rejected only because it is *written with other Unicode scalars* than an
/// allowed one it looks identical to (`e` + U+0301 against U+00E9), or nil when no candidate
/// is canonically equivalent to it. Used where an exact comparison fails in a way the user
/// cannot see.
func unicodeLookalikeHelp(_ value: String, among candidates: [String], what: String = "values") -> String? {
    // `==` here is Swift's canonical equivalence, deliberately.
    guard let lookalike = candidates.first(where: { $0 == value && !$0.isExactly(value) }) else { return nil }
    return
        "`\"\(abbreviated(value))\"` (\(scalarCodes(value))) looks like `\"\(abbreviated(lookalike))\"` (\(scalarCodes(lookalike))) but is written with other Unicode scalars; \(what) are compared exactly, without Unicode normalisation"
}

/// `U+0065 U+0301` for messages (the first 12 scalars).
func scalarCodes(_ text: String) -> String {
    let codes = text.unicodeScalars.prefix(12).map { scalar -> String in
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)"
    }
    return codes.joined(separator: " ") + (text.unicodeScalars.count > 12 ? " …" : "")
}
