import ReinSyntax

/// A role as resolved: a built-in role (GUID from docs/FORMATS.md §7) or a custom one.
public struct RoleModel: Sendable, Hashable {
    /// The role's display name, as written.
    public var name: String
    /// The role definition GUID: the built-in one (lowercase), or the custom role's `id` as
    /// written.
    public var guid: String
    /// True for `"Name" id "GUID"`, unless Name is a built-in role and GUID its own id.
    public var isCustom: Bool
    public var span: SourceSpan

    public init(name: String, guid: String, isCustom: Bool, span: SourceSpan) {
        self.name = name
        self.guid = guid
        self.isCustom = isCustom
        self.span = span
    }

    /// What two role references must share to be the same role: the exact name (same Unicode
    /// scalars, see `ExactString`) and the role definition id (GUIDs compare ASCII
    /// case-insensitively). A built-in role written with its own id (`"Contributor" id
    /// "b24988ac-…"`) is the same role as one written by name alone.
    public var matchKey: ExactString { ExactString("\(name)\u{0}\(guid.asciiLowercased())") }

    /// True when both references name the same role (see `matchKey`).
    public func isSameRole(as other: RoleModel) -> Bool { matchKey == other.matchKey }
}

/// The scope word of an `eligible … at SCOPE` line.
public enum ElevationScope: String, Sendable, Hashable {
    case subscription
    case resourceGroup = "resource_group"
    case resource
}
