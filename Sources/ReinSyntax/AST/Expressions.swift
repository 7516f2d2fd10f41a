/// An expression (Grammar/README.md §11), with its span.
///
/// `and` / `or` chains are n-ary (`a or b or c` is one `.logical` node with three operands),
/// so the tree's depth stays within the nesting limit however long a chain is.
public struct Expr: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case literal(LiteralValue)
        /// The bare words `read` / `write`.
        case effect(ToolEffect)
        /// `ROOT.field.field`.
        case path([Identifier])
        case list([Expr])
        case range(RangeLiteral)
        case not(Expr)
        /// Two or more operands joined by one logical operator, evaluated left to right.
        case logical(LogicalOperator, [Expr])
        /// A comparison; comparisons do not chain.
        case comparison(ComparisonOperator, Expr, Expr)
        case parenthesized(Expr)
        /// Stands where the parser could not read an expression (an error was reported).
        case invalid
    }

    public var kind: Kind
    public var span: SourceSpan

    public init(_ kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
    }
}

/// `and` / `or`: evaluated left to right, stopping early.
public enum LogicalOperator: String, Sendable, Hashable {
    case and
    case or
}

/// `== != < <= > >= in not in like`.
public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case `in` = "in"
    case notIn = "not in"
    case like
}
