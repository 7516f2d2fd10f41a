import ReinSyntax

/// What `args.NAME` means in the condition being typed.
enum ArgScope {
    /// A rule for `*`: an arg takes the type of what it is compared with (`.any` when that
    /// is another arg).
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
    /// Args read (see `RuleModel.argUses`), with where each was first read at that type.
    private(set) var argUseEntries: [(use: ArgUse, start: Int)] = []
    /// Arg → (type, first use at that type): the first typed use once there is one.
    var argUseSpans: [String: (type: ValueType, span: SourceSpan)] = [:]
    /// Args of a `*` rule read at two types (warned about once).
    var conflictingArgs: Set<String> = []

    init(scope: ExpressionScope) { self.scope = scope }

    /// The args read, in source order of their first use (operands are not always typed
    /// left to right).
    var argUses: [ArgUse] {
        argUseEntries.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element.use)
    }

    mutating func appendArgUse(_ use: ArgUse, at span: SourceSpan) { argUseEntries.append((use, span.start)) }

    /// Gives the `.any` use of an arg the type it is now read at.
    mutating func narrowArgUse(_ name: String, to type: ValueType) {
        if let index = argUseEntries.firstIndex(where: { $0.use.name == name }) { argUseEntries[index].use.type = type }
    }

    func hasArgUse(_ use: ArgUse) -> Bool { argUseEntries.contains { $0.use == use } }
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
