/// Why the audit blob cannot be used, or why an entry could not be sent: names the blob and
/// Azure's error code, never a token.
public struct AuditBlobError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the blob's name and Azure's status and error code.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
