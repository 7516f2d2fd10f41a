import ReinEngine
import ReinSyntax

extension Reading {
    /// The `entra` section (``EntraConfig``), read strictly; nil after a problem.
    mutating func entra(_ value: DocValue, in file: SourceFile) -> EntraConfig? {
        guard let fields = members(value, "`entra`", allowed: ["authority", "imds", "identities"]) else { return nil }
        let before = problems.count
        var config = EntraConfig()
        for (key, keyPath) in [("authority", \EntraConfig.authority), ("imds", \EntraConfig.imds)] {
            guard let given = fields[key]?.value, let url = string(given, "`\(key)`") else { continue }
            if checkURL(url, at: given, key: key) { config[keyPath: keyPath] = String(url.reversed().drop { $0 == "/" }.reversed()) }
        }
        if let identities = fields["identities"]?.value {
            guard case .mapping(let pairs) = identities.kind else {
                fail("type", "`entra.identities` must be a mapping of names to credentials", at: identities)
                return nil
            }
            for pair in pairs {
                guard let name = string(pair.key, "an identity's name"), let credential = credential(pair.value, of: name) else { continue }
                let position = file.position(of: pair.key.offset)
                config.identities.append(EntraConfig.Identity(name: name, credential: credential, line: position.line, column: position.column))
            }
        }
        return problems.count == before ? config : nil
    }

    /// `{tenant, client_id, secret_env | certificate}` or `{managed_identity: true | {client_id}}`.
    private mutating func credential(_ value: DocValue, of name: String) -> EntraConfig.Credential? {
        let what = "identity `\(name)`"
        guard let fields = members(value, what, allowed: ["tenant", "client_id", "secret_env", "certificate", "managed_identity"]) else { return nil }
        if let managed = fields["managed_identity"] {
            if let other = ["tenant", "client_id", "secret_env", "certificate"].compactMap({ fields[$0] }).first {
                fail("unknown-key", "a managed identity takes no other key: its client id goes in `managed_identity: {client_id: …}`", at: other.key)
                return nil
            }
            if case .mapping = managed.value.kind {
                guard let inner = members(managed.value, "`managed_identity`", allowed: ["client_id"]),
                    let clientID = required(inner, "client_id", managed.value)
                else { return nil }
                return identifier(clientID, "`client_id`", at: inner["client_id"]?.value ?? managed.value).map { .managedIdentity(clientID: $0) }
            }
            guard case .scalar(let text, false) = managed.value.kind, IncidentSchema.resolve(text) == .bool(true) else {
                fail("value", "`managed_identity` is `true` (system-assigned) or `{client_id: …}` (user-assigned)", at: managed.value)
                return nil
            }
            return .managedIdentity(clientID: nil)
        }
        guard let tenantText = required(fields, "tenant", value), let tenant = identifier(tenantText, "`tenant`", at: fields["tenant"]?.value ?? value),
            let clientText = required(fields, "client_id", value),
            let clientID = identifier(clientText, "`client_id`", at: fields["client_id"]?.value ?? value)
        else { return nil }
        switch (fields["secret_env"], fields["certificate"]) {
        case (let secret?, nil):
            return string(secret.value, "`secret_env`").map { .clientSecret(tenant: tenant, clientID: clientID, secretEnv: $0) }
        case (nil, let certificate?):
            return string(certificate.value, "`certificate`").map { .certificate(tenant: tenant, clientID: clientID, file: $0) }
        case (_?, let certificate?):
            fail("value", "\(what) has both `secret_env` and `certificate`: give one", at: certificate.key)
        case (nil, nil):
            fail(
                "value", "\(what) needs `secret_env` (a client secret from the environment) or `certificate` (a PEM file)", at: value,
                help: "or `managed_identity: true` for the machine's own identity")
        }
        return nil
    }

    /// A tenant or client id: a GUID or a domain name, nothing that could change a URL's path.
    private mutating func identifier(_ text: String, _ what: String, at value: DocValue) -> String? {
        let allowed = text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard allowed, !text.isEmpty, text.utf8.count <= 253 else {
            fail("value", "\(what) must be a GUID or a domain name, not `\(text)`", at: value)
            return nil
        }
        return text
    }
}
