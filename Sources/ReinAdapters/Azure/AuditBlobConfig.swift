import ReinEngine
import ReinSyntax

/// `audit.blob` in `rein-serve.yaml`: every audit entry is also appended to Azure Storage append
/// blobs `{stem}-000001.jsonl`, `{stem}-000002.jsonl`, … in `container` (which carries a
/// time-based immutability policy), as the Entra ID identity `identity`.
public struct AuditBlobConfig: Sendable, Hashable {
    /// `https://ACCOUNT.blob.core.windows.net`, without a trailing slash.
    public var accountURL: String
    public var container: String
    /// The blobs' common name before `-NNNNNN.jsonl` (`blob` as written, without `.jsonl`).
    public var stem: String
    /// The `entra.identities` entry that writes (Storage Blob Data Contributor on the container).
    public var identity: String
    public var line: Int

    public init(accountURL: String, container: String, stem: String, identity: String, line: Int) {
        self.accountURL = accountURL
        self.container = container
        self.stem = stem
        self.identity = identity
        self.line = line
    }

    /// The name of the `index`-th blob (1, 2, …).
    public func blobName(_ index: Int) -> String {
        let digits = String(index)
        return stem + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
    }
}

extension Reading {
    /// `audit`: the file's path, or `{file, blob}`; the file and the blob settings.
    mutating func audit(_ value: DocValue, in file: SourceFile) -> (file: String?, blob: AuditBlobConfig?) {
        if case .scalar = value.kind { return (string(value, "`audit`"), nil) }
        guard let fields = members(value, "`audit`", allowed: ["file", "blob"]) else { return (nil, nil) }
        let path = fields["file"].flatMap { string($0.value, "`audit.file`") }
        guard let blob = fields["blob"]?.value else { return (path, nil) }
        guard let inner = members(blob, "`audit.blob`", allowed: ["account_url", "container", "blob", "identity"]),
            let account = required(inner, "account_url", blob), let container = required(inner, "container", blob),
            let name = required(inner, "blob", blob), let identity = required(inner, "identity", blob),
            checkURL(account, at: inner["account_url"]?.value ?? blob, key: "account_url")
        else { return (path, nil) }
        // Azure's container names: 3–63 of a-z, 0-9 and single hyphens, starting with a letter or digit.
        let containerBytes = Array(container.utf8)
        let validContainer = (3...63).contains(containerBytes.count) && containerBytes.first != 0x2D && containerBytes.last != 0x2D
            && !container.contains("--") && containerBytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        guard validContainer else {
            fail("value", "`container` must be an Azure container name (3 to 63 of a-z, 0-9 and single hyphens), not `\(container)`", at: inner["container"]?.value ?? blob)
            return (path, nil)
        }
        let stem = name.hasSuffix(".jsonl") ? String(name.dropLast(6)) : name
        guard !stem.isEmpty, stem.utf8.count <= 1000, !stem.hasSuffix("/"), !stem.contains(where: { $0.isNewline || $0 == "?" || $0 == "#" }) else {
            fail("value", "`blob` must be a blob name such as `audit.jsonl`, not `\(name)`", at: inner["blob"]?.value ?? blob)
            return (path, nil)
        }
        let config = AuditBlobConfig(
            accountURL: String(account.reversed().drop { $0 == "/" }.reversed()), container: container, stem: stem, identity: identity,
            line: file.position(of: blob.offset).line)
        return (path, config)
    }
}
