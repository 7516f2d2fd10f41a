/// The value rules shared by the checker (for defaults and policy values) and the evaluator
/// (for proposal args). Values are checked exactly as given: no trimming, no case folding, no
/// Unicode normalisation (compare values with `ExactString` / `String.isExactly(_:)`).
public enum NameRules {
    /// The longest `name` (RFC 1123 subdomain), in characters.
    public static let maximumNameLength = 253
    /// The longest `namespace` (RFC 1123 label), in characters.
    public static let maximumNamespaceLength = 63
    /// The longest `string` without a `len` constraint, in Unicode scalars.
    public static let defaultStringScalarCap = 1024

    /// A Kubernetes object name: an RFC 1123 subdomain of at most 253 characters,
    /// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, no per-label cap.
    public static func isValidName(_ value: String) -> Bool {
        isValidName(utf8: value.utf8.span)
    }

    /// ``isValidName(_:)`` on a value's UTF-8 bytes (the one implementation of the rule).
    public static func isValidName(utf8 bytes: Span<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maximumNameLength else { return false }
        var labelStart = 0
        for index in 0...bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: ".") {
                guard isLabel(bytes.extracting(labelStart..<index)) else { return false }
                labelStart = index + 1
            }
        }
        return true
    }

    /// A Kubernetes namespace: an RFC 1123 label of at most 63 characters,
    /// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`. (Policy `forbid namespace` is checked separately.)
    public static func isValidNamespace(_ value: String) -> Bool {
        isValidNamespace(utf8: value.utf8.span)
    }

    /// ``isValidNamespace(_:)`` on a value's UTF-8 bytes (the one implementation of the rule).
    public static func isValidNamespace(utf8 bytes: Span<UInt8>) -> Bool {
        bytes.count <= maximumNamespaceLength && isLabel(bytes)
    }

    /// A GUID written 8-4-4-4-12 with hex digits of either case.
    public static func isGUID(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard isHexDigit(byte) else { return false }
            }
        }
        return true
    }

    /// Why `value` is not a valid `name`, as a message fragment (`it has an uppercase
    /// letter `A``), or nil when it is valid. The first broken rule is named: length, then
    /// characters, then the shape of the dot-separated parts.
    public static func nameViolation(_ value: String) -> String? {
        violation(value, maximumLength: maximumNameLength, allowsDots: true)
    }

    /// Why `value` is not a valid `namespace`, as a message fragment, or nil when it is valid.
    public static func namespaceViolation(_ value: String) -> String? {
        violation(value, maximumLength: maximumNamespaceLength, allowsDots: false)
    }

    private static func violation(_ value: String, maximumLength: Int, allowsDots: Bool) -> String? {
        let valid = allowsDots ? isValidName(value) : isValidNamespace(value)
        guard !valid else { return nil }
        let scalars = value.unicodeScalars
        if scalars.isEmpty { return "it is empty" }
        if scalars.count > maximumLength {
            return "it is \(scalars.count) characters, over the \(maximumLength) allowed"
        }
        for scalar in scalars {
            if scalar.isASCII, isLowerAlphanumeric(UInt8(scalar.value)) || scalar == "-" || (allowsDots && scalar == ".") {
                continue
            }
            if ("A"..."Z").contains(scalar) {
                return "it has an uppercase letter `\(Character(scalar))`; only lowercase letters are allowed"
            }
            return "\(describe(scalar)) is not allowed"
        }
        guard scalars.contains(".") else { return "it must start and end with a letter or digit" }
        if value.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return "it has an empty part between dots"
        }
        return "each part between dots must start and end with a letter or digit"
    }

    /// A character for a message: `_`, or a description for spaces and invisible ones.
    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        case "`": return "a backtick"
        default:
            let visible = scalar.properties.generalCategory
            switch visible {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse,
                .unassigned, .nonspacingMark, .spacingMark, .enclosingMark:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "the character U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)"
            default:
                return "`\(Character(scalar))`"
            }
        }
    }

    private static func isLabel(_ bytes: Span<UInt8>) -> Bool {
        guard !bytes.isEmpty, isLowerAlphanumeric(bytes[0]), isLowerAlphanumeric(bytes[bytes.count - 1]) else {
            return false
        }
        for index in bytes.indices where !isLowerAlphanumeric(bytes[index]) && bytes[index] != UInt8(ascii: "-") {
            return false
        }
        return true
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
