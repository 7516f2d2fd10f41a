/// A JSON value as read by ``JSONReader``.
///
/// Equality and hashing are *exact*: strings and object keys compare by their Unicode scalars
/// (UTF-8 bytes), never by Swift's canonical equivalence, so `"é"` (U+00E9) and `"e\u{301}"` are
/// different values. Numbers compare by kind and source text: `.integer(5)`, `.number("5.0")` and
/// `.number("5e0")` are three different values (the spec distinguishes them).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case string(String)
    /// An integer literal (no fraction, no exponent) whose value fits in `Int64`.
    /// `-0` is such a literal and reads as `.integer(0)`.
    case integer(Int64)
    /// Any other valid JSON number, kept as its exact source text: a literal with a fraction or an
    /// exponent (`5.0`, `5e0`, `1E400`), or an integer literal outside the `Int64` range.
    case number(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a.isExactly(b)
        case let (.integer(a), .integer(b)): return a == b
        case let (.number(a), .number(b)): return a.isExactly(b)
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
        case .string(let s): hasher.combine(2 as UInt8); hasher.combine(ExactString(s))
        case .integer(let i): hasher.combine(3 as UInt8); hasher.combine(i)
        case .number(let t): hasher.combine(4 as UInt8); hasher.combine(ExactString(t))
        case .array(let a): hasher.combine(5 as UInt8); hasher.combine(a)
        case .object(let o): hasher.combine(6 as UInt8); hasher.combine(o)
        }
    }
}

/// A JSON object, with its members in source order.
///
/// Duplicate keys do not make a document invalid at the reader level: every occurrence is kept in
/// ``entries`` and each repeated key is listed in ``duplicateKeys``, so the caller can give the
/// reason code the spec wants for where the duplicate sits (docs/FORMATS.md §1: `duplicate_arg` inside
/// `args`, `invalid_context` inside `context`, `malformed_proposal` at top level).
/// Keys compare exactly (Unicode scalars, no normalisation).
public struct JSONObject: Sendable, Hashable {
    /// Every member in source order, duplicates included.
    public let entries: [(key: String, value: JSONValue)]
    /// Each key that occurs more than once, listed once, in the order its second occurrence appears.
    public let duplicateKeys: [String]

    public init(entries: [(key: String, value: JSONValue)]) {
        self.entries = entries
        var duplicates: [String] = []
        if entries.count <= 16 {
            // Small objects (every proposal's): pairwise, without hashing.
            for index in entries.indices.dropFirst() {
                let key = entries[index].key
                guard entries[..<index].contains(where: { $0.key.isExactly(key) }),
                    !duplicates.contains(where: { $0.isExactly(key) })
                else { continue }
                duplicates.append(key)
            }
        } else {
            var seen = Set<ExactString>()
            var reported = Set<ExactString>()
            for entry in entries {
                let key = ExactString(entry.key)
                if !seen.insert(key).inserted, reported.insert(key).inserted {
                    duplicates.append(entry.key)
                }
            }
        }
        self.duplicateKeys = duplicates
    }

    /// `true` when some key occurs more than once.
    public var hasDuplicateKeys: Bool { !duplicateKeys.isEmpty }

    /// The keys in source order, duplicates included.
    public var keys: [String] { entries.map(\.key) }

    /// The value of the first member whose key is exactly `key`, or `nil`.
    public subscript(key: String) -> JSONValue? {
        for entry in entries where entry.key.isExactly(key) { return entry.value }
        return nil
    }

    /// The values of every member whose key is exactly `key`, in source order.
    public func values(forKey key: String) -> [JSONValue] {
        entries.filter { $0.key.isExactly(key) }.map(\.value)
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for (a, b) in zip(lhs.entries, rhs.entries) {
            guard a.key.isExactly(b.key), a.value == b.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(ExactString(entry.key))
            hasher.combine(entry.value)
        }
    }
}
