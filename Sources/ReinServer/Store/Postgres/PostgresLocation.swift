import PostgresNIO

/// Where the shared store is: a `postgres://` URL as `--database` and `database:` take it,
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&schema=…]`. Without a password
/// in the URL, `PGPASSWORD` gives it. `sslmode` is `disable`, `prefer` (the default) or
/// `require` (TLS with the server's certificate verified); `schema` keeps Rein's tables in
/// that schema (created when missing) instead of `public`.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: String
    public var schema: String?

    /// Reads `url`; `environment` gives `PGPASSWORD`. The error says what is wrong, in words.
    public static func parse(_ url: String, environment: [String: String]) -> Result<PostgresLocation, PostgresLocationError> {
        let scheme: String
        if url.hasPrefix("postgres://") {
            scheme = "postgres://"
        } else if url.hasPrefix("postgresql://") {
            scheme = "postgresql://"
        } else {
            return .failure(.init("`\(url)` is not a postgres:// URL"))
        }
        var rest = Substring(url.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { return .failure(.init("the URL names no database (`…/DATABASE`)")) }
        let authority = rest[..<slash]
        guard let database = decode(rest[rest.index(after: slash)...]), !database.isEmpty, !database.contains("/") else {
            return .failure(.init("the URL names no database (`…/DATABASE`)"))
        }
        guard let at = authority.lastIndex(of: "@") else { return .failure(.init("the URL names no user (`USER@HOST`)")) }
        let credentials = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        var location = PostgresLocation(host: "", port: 5432, user: "", password: nil, database: database, sslMode: "prefer", schema: nil)
        if let colon = credentials.firstIndex(of: ":") {
            location.user = decode(credentials[..<colon]) ?? ""
            location.password = decode(credentials[credentials.index(after: colon)...])
        } else {
            location.user = decode(credentials) ?? ""
        }
        guard !location.user.isEmpty else { return .failure(.init("the URL names no user (`USER@HOST`)")) }
        if location.password == nil { location.password = environment["PGPASSWORD"] }
        var host = hostPort
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port) else {
                return .failure(.init("the port in `\(hostPort)` is not a number from 1 to 65535"))
            }
            location.port = port
            host = hostPort[..<colon]
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return .failure(.init("the URL names no host")) }
        location.host = String(host)
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count == 2 ? decode(parts[1]) ?? "" : ""
            switch key {
            case "sslmode":
                guard ["disable", "prefer", "require", "verify-full"].contains(value) else {
                    return .failure(.init("`sslmode` must be disable, prefer, require or verify-full, not `\(value)`"))
                }
                location.sslMode = value == "verify-full" ? "require" : value
            case "schema":
                guard isName(value) else {
                    return .failure(.init("`schema` must be a name of letters, digits and `_` (not starting with a digit), not `\(value)`"))
                }
                location.schema = value
            default:
                return .failure(.init("unknown URL parameter `\(key)` (Rein reads `sslmode` and `schema`)"))
            }
        }
        return .success(location)
    }

    /// The URL without its password (for logs and errors).
    public var redacted: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// The client's configuration.
    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.maximumConnections = 12
        return configuration
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !(("0"..."9").contains(first)), text.count <= 63 else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Percent-decoding; nil when an escape is broken or not UTF-8.
    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex, let value = UInt8(String(decoding: [utf8[first], utf8[second]], as: UTF8.self), radix: 16) else {
                    return nil
                }
                bytes.append(value)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Why a `postgres://` URL cannot be used.
public struct PostgresLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
