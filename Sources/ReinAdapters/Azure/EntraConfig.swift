/// The `entra` section of `rein-serve.yaml`: the Entra ID identities Rein signs in as for its
/// outgoing calls (PIM as the remediator, Teams as the bot, the audit blob, Log Analytics), each
/// with how it gets its tokens. Secrets are never in the file: a client secret is read from the
/// environment variable named here, a certificate from the file named here.
public struct EntraConfig: Sendable, Hashable {
    /// Where the tenants' token endpoints are (`{authority}/{tenant}/oauth2/v2.0/token`).
    public static let defaultAuthority = "https://login.microsoftonline.com"
    /// The Azure Instance Metadata Service, for managed identities.
    public static let defaultIMDS = "http://169.254.169.254"

    public var authority = defaultAuthority
    public var imds = defaultIMDS
    public var identities: [Identity] = []

    public init() {}

    /// One identity: its name (as the bundle and the other sections name it) and its credential.
    public struct Identity: Sendable, Hashable {
        public var name: String
        public var credential: Credential
        /// Where it is declared in the configuration.
        public var line: Int
        public var column: Int
    }

    /// How an identity gets its tokens.
    public enum Credential: Sendable, Hashable {
        /// `client_credentials` with a client secret read from the environment.
        case clientSecret(tenant: String, clientID: String, secretEnv: String)
        /// `client_credentials` with a signed client assertion: the PEM file holds the
        /// certificate registered with the app and its private key.
        case certificate(tenant: String, clientID: String, file: String)
        /// The managed identity of the machine: system-assigned, or the user-assigned one with
        /// this client id.
        case managedIdentity(clientID: String?)
    }

    /// The identity named `name`.
    public func identity(named name: String) -> Identity? {
        identities.first { $0.name == name }
    }
}
