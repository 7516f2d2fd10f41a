/// Where a SARIF result's file is. A file under the source root is a path relative to it, with
/// the `uriBaseId` `%SRCROOT%` (code scanning resolves it in the repository); a file outside the
/// root has no repository path, so it is an absolute `file://` URI without a base — never a
/// `../` path that no repository could resolve.
public enum SARIFArtifactLocation: Sendable, Hashable {
    /// A `/`-separated path under the source root, without `.` or `..` components.
    case underRoot(String)
    /// An absolute, normalised path outside the source root.
    case outsideRoot(String)

    /// The URI: the relative path percent-encoded, or `file://` and the encoded absolute path.
    public var uri: String {
        switch self {
        case .underRoot(let path): Self.encode(path)
        case .outsideRoot(let path): "file://" + Self.encode(path)
        }
    }

    /// The `artifactLocation` object.
    var json: String {
        switch self {
        case .underRoot: "{\"uri\":\(JSONString.quote(uri)),\"uriBaseId\":\"%SRCROOT%\"}"
        case .outsideRoot: "{\"uri\":\(JSONString.quote(uri))}"
        }
    }

    /// A path as a URI reference: every byte outside the unreserved set (and `/`)
    /// percent-encoded.
    static func encode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
