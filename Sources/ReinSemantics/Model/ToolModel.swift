import ReinSyntax

/// A tool's `elevate IDENTITY role ROLE for DURATION`, resolved against the identity's
/// `eligible` line and the policies' limits.
public struct ElevationModel: Sendable, Hashable {
    public var identity: String
    public var role: RoleModel
    /// The scope of the matching `eligible` line.
    public var scope: ElevationScope
    /// The tool's `for` duration, as written.
    public var requested: DurationValue
    /// min(tool `for`, every policy's `max_elevation`, the identity's `max_activation`).
    public var duration: DurationValue
    public var span: SourceSpan

    public init(
        identity: String, role: RoleModel, scope: ElevationScope, requested: DurationValue,
        duration: DurationValue, span: SourceSpan
    ) {
        self.identity = identity
        self.role = role
        self.scope = scope
        self.requested = requested
        self.duration = duration
        self.span = span
    }
}

/// A piece of a query's KQL template.
public enum KQLSegment: Sendable, Hashable {
    /// KQL text, copied verbatim.
    case text(String)
    /// `{name}`: replaced by the arg's value rendered as a KQL literal (docs/FORMATS.md §5).
    case placeholder(String)
}

/// A query's checked KQL template: text and placeholders in order. Every placeholder names
/// a declared arg and stands outside KQL strings and comments.
public struct KQLTemplate: Sendable, Hashable {
    public var segments: [KQLSegment]
    /// The `kql` literal in the source.
    public var span: SourceSpan

    public init(segments: [KQLSegment], span: SourceSpan) {
        self.segments = segments
        self.span = span
    }
}

/// A checked `tool` or `query` (a query is a read tool with a KQL template).
public struct ToolModel: Sendable, Hashable {
    public var name: String
    /// `.tool` or `.query`.
    public var kind: DeclarationKind
    public var doc: String?
    public var description: String?
    /// `read` for queries. A tool whose `effect` is missing has none (the bundle has errors).
    public var effect: ToolEffect?
    /// Args in declaration order.
    public var args: [ArgModel]
    /// Write tools only.
    public var elevation: ElevationModel?
    /// Queries only.
    public var kql: KQLTemplate?
    /// The tool's name in the source.
    public var span: SourceSpan
    /// The whole declaration, from its keyword to its closing brace.
    public var declarationSpan: SourceSpan

    public init(
        name: String, kind: DeclarationKind, doc: String?, description: String?, effect: ToolEffect?,
        args: [ArgModel], elevation: ElevationModel?, kql: KQLTemplate?, span: SourceSpan, declarationSpan: SourceSpan
    ) {
        self.name = name
        self.kind = kind
        self.doc = doc
        self.description = description
        self.effect = effect
        self.args = args
        self.elevation = elevation
        self.kql = kql
        self.span = span
        self.declarationSpan = declarationSpan
    }

    /// True for queries.
    public var isQuery: Bool { kind == .query }

    /// The arg with this name.
    public func arg(named name: String) -> ArgModel? { args.first { $0.name == name } }
}
