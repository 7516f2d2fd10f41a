/// A bearer token for one audience, and when it expires. Its text is never printed: its
/// description shows the expiry only, so a token cannot reach a log by accident.
public struct AccessToken: Sendable, CustomStringConvertible, CustomReflectable {
    /// The token, for an `Authorization: Bearer` header and nothing else.
    public let value: String
    /// When it expires, in seconds since the epoch.
    public let expiresAt: Int64

    public init(value: String, expiresAt: Int64) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "an access token expiring at \(expiresAt)" }

    /// Debuggers and `dump` see the expiry only.
    public var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt]) }
}

/// Why no token could be had: the identity, the audience and what Entra (or the metadata
/// service) said, never a secret or a token.
public struct EntraError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(_ message: String) {
        self.message = message
    }
}

/// Where one identity's tokens come from: a token endpoint or the machine's metadata service.
public protocol TokenSource: Sendable {
    /// A new token for `audience` (a resource such as `https://management.azure.com/`); `now`
    /// in seconds since the epoch.
    func fetch(audience: String, now: Int64) async throws(EntraError) -> AccessToken
}

extension TokenSource {
    /// The v2 scope of an audience: `https://management.azure.com/` → `https://management.azure.com/.default`.
    static func scope(of audience: String) -> String {
        audience.hasSuffix("/") ? audience + ".default" : audience + "/.default"
    }
}
