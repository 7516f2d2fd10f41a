import Foundation

/// A routing header's value (`Mcp-Name`, …) in the 2026-07-28 era: sent as it is when it is
/// printable ASCII without surrounding spaces, else as the sentinel `=?base64?<UTF-8 in base64>?=`,
/// which a server decodes before comparing it with the body.
enum HeaderValue {
    static let prefix = "=?base64?"
    static let suffix = "?="

    /// `value` as a header carries it.
    static func encode(_ value: String) -> String {
        let safe = value.utf8.allSatisfy { (0x20...0x7E).contains($0) } && value.first != " " && value.last != " "
            && !(value.hasPrefix(prefix) && value.hasSuffix(suffix))
        return safe ? value : prefix + Data(value.utf8).base64EncodedString() + suffix
    }

    /// The value a header carries: the sentinel decoded, else the text itself. Nil for a
    /// sentinel that is not base64 of UTF-8 text.
    static func decode(_ header: String) -> String? {
        guard header.hasPrefix(prefix), header.hasSuffix(suffix), header.utf8.count >= prefix.utf8.count + suffix.utf8.count else { return header }
        let encoded = header.dropFirst(prefix.count).dropLast(suffix.count)
        guard let data = Data(base64Encoded: String(encoded)) else { return nil }
        return String(validating: data, as: UTF8.self)
    }
}
