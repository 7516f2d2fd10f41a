import ReinSyntax

/// What `args.NAME` means in the condition being typed.
enum ArgScope {
    /// A rule for `*`: an arg takes the type of what it is compared with.
    case wildcard
    /// A rule for named tools: every one of them must have the arg, with one type.
    case tools([ToolModel])
    /// A target did not resolve (already reported): args are typed `.error` silently.
    case unresolved
}

/// The environment of one condition: a `trigger` (only `alert`, `context`, `now`) or a
/// rule's condition (every root, with `args` per the rule's target).
struct ExpressionScope {
    var isTrigger: Bool
    var args: ArgScope

    static let trigger = ExpressionScope(isTrigger: true, args: .unresolved)
}

/// The state of typing one condition.
struct TypingState {
    var scope: ExpressionScope
    /// Args read, first use first.
    var argUses: [ArgUse] = []
    /// Arg → (type, first use).
    var argUseSpans: [String: (type: ValueType, span: SourceSpan)] = [:]

    init(scope: ExpressionScope) { self.scope = scope }
}

/// One typed expression, with what the checker knows beyond its type.
struct Typed {
    var expr: CheckedExpr
    /// The values an enum-typed expression can take.
    var members: [String]?
    /// The path as written (`context.environment`), for messages.
    var label: String?

    var type: ValueType { expr.type }
    var span: SourceSpan { expr.span }

    init(_ kind: CheckedExpr.Kind, _ type: ValueType, span: SourceSpan, members: [String]? = nil, label: String? = nil) {
        expr = CheckedExpr(kind, type: type, span: span)
        self.members = members
        self.label = label
    }

    static func invalid(_ span: SourceSpan) -> Typed { Typed(.invalid, .error, span: span) }
}

extension Expr {
    /// The expression inside any parentheses.
    var unparenthesized: Expr {
        var current = self
        while case .parenthesized(let inner) = current.kind { current = inner }
        return current
    }
}
