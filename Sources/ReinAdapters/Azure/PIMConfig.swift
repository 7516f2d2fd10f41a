import ReinEngine
import ReinSyntax

/// The `pim` section of `rein-serve.yaml`: role activations and deactivations go to Azure PIM
/// (through Resource Manager at `endpoint`) instead of the webhook, as the identities of
/// `entra.identities` whose names match the bundle's.
public struct PIMConfig: Sendable, Hashable {
    public static let defaultEndpoint = "https://management.azure.com"
    public var endpoint = defaultEndpoint
    public var line: Int

    public init(endpoint: String = defaultEndpoint, line: Int) {
        self.endpoint = endpoint
        self.line = line
    }
}

extension Reading {
    /// The `pim` section, read strictly; nil after a problem.
    mutating func pim(_ value: DocValue, in file: SourceFile) -> PIMConfig? {
        guard let fields = members(value, "`pim`", allowed: ["endpoint"]) else { return nil }
        var config = PIMConfig(line: file.position(of: value.offset).line)
        if let given = fields["endpoint"]?.value, let url = string(given, "`endpoint`") {
            guard checkURL(url, at: given, key: "endpoint") else { return nil }
            config.endpoint = String(url.reversed().drop { $0 == "/" }.reversed())
        }
        return config
    }
}
