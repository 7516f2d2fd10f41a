/// The five kinds of top-level declaration.
public enum DeclarationKind: String, Sendable, Hashable, CaseIterable {
    case identity
    case tool
    case query
    case runbook
    case policy
}

/// A top-level declaration: `KIND NAME { statements }`.
///
/// Statements are kept in source order; which statements a kind allows is enforced by the
/// parser, and what they mean by the checker.
public struct Declaration: Sendable, Hashable {
    public var kind: DeclarationKind
    public var name: Identifier
    /// The comment block directly above the declaration, `#` markers removed.
    public var doc: String?
    public var statements: [Statement]
    /// From the keyword to the closing brace.
    public var span: SourceSpan
    /// True when the parser reported an error inside this declaration. The checker then
    /// skips "missing statement" checks so that one mistake gives one error.
    public var hasErrors: Bool

    public init(
        kind: DeclarationKind, name: Identifier, doc: String?, statements: [Statement],
        span: SourceSpan, hasErrors: Bool
    ) {
        self.kind = kind
        self.name = name
        self.doc = doc
        self.statements = statements
        self.span = span
        self.hasErrors = hasErrors
    }
}

/// One line inside a declaration or an `approval` block.
public struct Statement: Sendable, Hashable {
    public var kind: StatementKind
    /// The statement's leading keyword (`arg`, `deny`, …).
    public var keyword: Identifier
    public var span: SourceSpan

    public init(kind: StatementKind, keyword: Identifier, span: SourceSpan) {
        self.kind = kind
        self.keyword = keyword
        self.span = span
    }
}

/// What a statement says.
public enum StatementKind: Sendable, Hashable {
    // identity
    case role(RoleReference)
    case eligible(RoleReference, scope: Identifier)
    case principal(StringLiteral)
    case maxActivation(Literal)
    // tool / query
    case effect(ToolEffect, span: SourceSpan)
    case description(StringLiteral)
    case arg(ArgDeclaration)
    case elevate(Elevation)
    case kql(StringLiteral)
    // runbook
    case title(StringLiteral)
    case trigger(Expr)
    case maxIterations(Literal)
    case investigate([Identifier])
    case remediate([Identifier])
    case approval([Statement])
    case deny(DenyRule)
    case requireApprovals(RequireRule)
    // approval block
    case channel(StringLiteral)
    case approvers(Literal)
    case allow([StringLiteral])
    case timeout(Literal)
    case onTimeout(TimeoutAction)
    // policy
    case forbidNamespace([StringLiteral])
    case maxElevation(Literal)
    case approvalTimeout(Literal)
    case context(ArgDeclaration)
}

/// `read` or `write`.
public enum ToolEffect: String, Sendable, Hashable {
    case read
    case write
}

/// A role as written: a built-in role's name, or `"Name" id "GUID"` for a custom role.
public struct RoleReference: Sendable, Hashable {
    public var name: StringLiteral
    public var id: StringLiteral?

    public init(name: StringLiteral, id: StringLiteral?) {
        self.name = name
        self.id = id
    }

    public var span: SourceSpan { id.map { name.span.through($0.span) } ?? name.span }
}

/// `elevate IDENTITY role ROLE for DURATION`.
public struct Elevation: Sendable, Hashable {
    public var identity: Identifier
    public var role: RoleReference
    public var duration: Literal

    public init(identity: Identifier, role: RoleReference, duration: Literal) {
        self.identity = identity
        self.role = role
        self.duration = duration
    }
}

/// `on_timeout page P1|P2|P3` or `on_timeout no_action`.
public enum TimeoutAction: Sendable, Hashable {
    case page(PagePriority)
    case noAction
}

/// A page priority.
public enum PagePriority: String, Sendable, Hashable {
    case p1 = "P1"
    case p2 = "P2"
    case p3 = "P3"
}

/// `arg NAME: TYPE [CONSTRAINTS] [= DEFAULT]`, also used by policy `context` declarations.
public struct ArgDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var type: TypeSyntax
    /// `in LO..HI` (int, duration).
    public var range: RangeLiteral?
    /// `len LO..HI` (string).
    public var length: RangeLiteral?
    /// `matching "REGEX"` (string).
    public var pattern: StringLiteral?
    public var defaultValue: Literal?

    public init(
        name: Identifier, type: TypeSyntax, range: RangeLiteral? = nil, length: RangeLiteral? = nil,
        pattern: StringLiteral? = nil, defaultValue: Literal? = nil
    ) {
        self.name = name
        self.type = type
        self.range = range
        self.length = length
        self.pattern = pattern
        self.defaultValue = defaultValue
    }
}

/// A type as written.
public struct TypeSyntax: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case int
        case duration
        case bool
        case string
        case name
        case namespace
        /// `"a" | "b"`: one of these literals.
        case enumeration([StringLiteral])
        /// The declaration had a syntax error after its name (reported by the parser). The
        /// name still exists, so its uses are not "unknown"; nothing else is checked.
        case invalid
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// What a rule applies to: `*`, one tool, or a list `[a, b]`.
public enum RuleTarget: Sendable, Hashable {
    case all(span: SourceSpan)
    case tools([Identifier], span: SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .all(let span), .tools(_, let span): span
        }
    }
}

/// `deny TARGET when EXPR [because "MSG"]`.
public struct DenyRule: Sendable, Hashable {
    public var target: RuleTarget
    public var condition: Expr
    public var message: StringLiteral?

    public init(target: RuleTarget, condition: Expr, message: StringLiteral?) {
        self.target = target
        self.condition = condition
        self.message = message
    }
}

/// `require approvals N [for TARGET] when EXPR`; without `for` the target is `*`.
public struct RequireRule: Sendable, Hashable {
    public var approvals: Literal
    public var target: RuleTarget?
    public var condition: Expr

    public init(approvals: Literal, target: RuleTarget?, condition: Expr) {
        self.approvals = approvals
        self.target = target
        self.condition = condition
    }
}
