/// The Azure built-in roles Rein knows by name (docs/FORMATS.md §7), and the closed list of
/// roles an identity may hold as a standing assignment (Grammar/README.md §4).
public enum BuiltInRoles {
    /// Every known built-in role, name → role definition GUID, in the order docs/FORMATS.md lists them.
    public static let all: [(name: String, guid: String)] = [
        ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
        ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
        ("Monitoring Reader", "43d0d8ad-25c7-4714-9337-8ba259a9fe05"),
        ("Log Analytics Reader", "73c42c96-874c-492b-b04d-ab87d138a893"),
        ("Azure Kubernetes Service Cluster Admin Role", "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8"),
        ("Azure Kubernetes Service Cluster User Role", "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"),
        ("Azure Kubernetes Service RBAC Admin", "3498e952-d568-435e-9b2c-8d77e338d7f7"),
        ("Azure Kubernetes Service RBAC Writer", "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"),
        ("Azure Kubernetes Service RBAC Cluster Admin", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"),
        ("Azure Kubernetes Service RBAC Reader", "7f6c6a51-bcf8-42ba-9220-52d62157d7db"),
    ]

    /// Built-in role name (exactly: see `ExactString`) → role definition GUID (lowercase).
    public static let guids: [ExactString: String] = {
        var table: [ExactString: String] = [:]
        for role in all { table[ExactString(role.name)] = role.guid }
        return table
    }()

    /// The only roles allowed as standing (`role`) assignments: read-only built-ins.
    public static let standingAllowed: [String] = [
        "Reader", "Monitoring Reader", "Log Analytics Reader",
        "Azure Kubernetes Service Cluster User Role", "Azure Kubernetes Service RBAC Reader",
    ]

    /// The GUID of a built-in role, matched exactly by name: same Unicode scalars, so
    /// `"Azure \u{212A}ubernetes …"` (KELVIN SIGN) is not a built-in role.
    public static func guid(named name: String) -> String? { guids[ExactString(name)] }

    /// True when `name` is a built-in role and `id` its GUID (ASCII case-insensitively):
    /// `"Reader" id "acdd72a7-…"` is the built-in Reader, not a custom role.
    public static func isBuiltIn(name: String, id: String) -> Bool {
        guid(named: name).map { $0.isEqualIgnoringASCIICase(id) } ?? false
    }

    /// True when `name` (exactly) may be a standing role.
    public static func isStandingAllowed(_ name: String) -> Bool { standingAllowed.containsExactly(name) }
}
