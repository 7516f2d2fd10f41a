import Crypto

/// What a caller may do (docs/SERVE.md).
public enum Role: String, Sendable, Hashable, CaseIterable {
    /// Opens incidents, posts `propose` and `observe` to its own, reads its own.
    case agent
    /// Reads every incident, posts `result`, acknowledges effects.
    case executor
    /// Approves or rejects, as the person its name says.
    case approver
    /// Reads everything.
    case reader
    /// Everything a reader may, and reloads the bundle.
    case admin
    /// An Azure Monitor action group: posts alerts (`POST /v1/alerts`), and nothing else.
    case alert
}

/// A caller, as its token names it.
public struct Principal: Sendable, Hashable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// The configured tokens, each known only by the SHA-256 of its text. Looking a token up
/// hashes it and compares it with every configured hash in constant time, so neither the time
/// taken nor the order of the table tells anything about a token.
public struct TokenTable: Sendable {
    public struct Entry: Sendable {
        public var principal: Principal
        /// The SHA-256 of the token, 32 bytes.
        public var sha256: [UInt8]

        /// nil unless `sha256Hex` is 64 hex digits.
        public init?(principal: Principal, sha256Hex: String) {
            guard let bytes = Self.bytes(hex: sha256Hex) else { return nil }
            self.principal = principal
            self.sha256 = bytes
        }

        private static func bytes(hex: String) -> [UInt8]? {
            let digits = Array(hex.utf8)
            guard digits.count == 64 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            for index in stride(from: 0, to: 64, by: 2) {
                guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
            }
            return bytes
        }

        private static func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            case 0x41...0x46: digit - 0x41 + 10
            default: nil
            }
        }
    }

    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// The principal whose token this is, or nil.
    public func principal(forToken token: String) -> Principal? {
        let hash = Array(SHA256.hash(data: Array(token.utf8)))
        var found: Principal?
        for entry in entries {
            // Every entry is compared, whatever matched before.
            var difference: UInt8 = 0
            for (a, b) in zip(hash, entry.sha256) { difference |= a ^ b }
            if difference == 0, found == nil { found = entry.principal }
        }
        return found
    }

    /// The principal of an `Authorization: Bearer TOKEN` header, or nil.
    public func principal(forAuthorization header: String?) -> Principal? {
        guard let header, header.utf8.count > 7, header.utf8.count <= 4096 else { return nil }
        let scheme = header.prefix(7)
        guard scheme.lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingBlanks()
        return token.isEmpty ? nil : principal(forToken: String(token))
    }
}

extension Substring {
    fileprivate func trimmingBlanks() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
