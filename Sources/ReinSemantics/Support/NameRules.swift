/// The value rules shared by the checker (for defaults and policy values) and the evaluator
/// (for proposal args). Values are checked exactly as given: no trimming or case folding.
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
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumNameLength else { return false }
        var labelStart = 0
        for index in 0...bytes.count {
            if index == bytes.count || bytes[index] == UInt8(ascii: ".") {
                guard isLabel(bytes[labelStart..<index]) else { return false }
                labelStart = index + 1
            }
        }
        return true
    }

    /// A Kubernetes namespace: an RFC 1123 label of at most 63 characters,
    /// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`. (Policy `forbid namespace` is checked separately.)
    public static func isValidNamespace(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return bytes.count <= maximumNamespaceLength && isLabel(bytes[...])
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

    private static func isLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        guard isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
