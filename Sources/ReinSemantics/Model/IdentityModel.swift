import ReinSyntax

/// An `eligible ROLE at SCOPE` line: a PIM eligibility the engine may activate.
public struct EligibilityModel: Sendable, Hashable {
    public var role: RoleModel
    public var scope: ElevationScope
    public var span: SourceSpan

    public init(role: RoleModel, scope: ElevationScope, span: SourceSpan) {
        self.role = role
        self.scope = scope
        self.span = span
    }
}

/// A checked `identity`.
public struct IdentityModel: Sendable, Hashable {
    public var name: String
    public var doc: String?
    /// The Entra object id (`principal "GUID"`).
    public var principal: String?
    /// Standing (`role`) assignments: always read-only built-ins in a bundle without errors.
    public var standingRoles: [RoleModel]
    /// `eligible` lines, in source order.
    public var eligibilities: [EligibilityModel]
    public var maxActivation: DurationValue?
    /// The identity's name in the source.
    public var span: SourceSpan

    public init(
        name: String, doc: String?, principal: String?, standingRoles: [RoleModel],
        eligibilities: [EligibilityModel], maxActivation: DurationValue?, span: SourceSpan
    ) {
        self.name = name
        self.doc = doc
        self.principal = principal
        self.standingRoles = standingRoles
        self.eligibilities = eligibilities
        self.maxActivation = maxActivation
        self.span = span
    }

    /// True when the identity holds standing roles (read tools run as it).
    public var isStanding: Bool { !standingRoles.isEmpty }

    /// The eligibility for a role, matched by `RoleModel.matchKey` (exact name and id).
    public func eligibility(for role: RoleModel) -> EligibilityModel? {
        eligibilities.first { $0.role.isSameRole(as: role) }
    }
}
