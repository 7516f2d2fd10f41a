import ReinSyntax

/// Fields of `alert` (docs/FORMATS.md §3: from the common alert schema).
public enum AlertField: String, Sendable, Hashable, CaseIterable {
    case rule
    case severity
    case target
    case resourceGroup = "resource_group"
    case subscription
    case firedAt = "fired_at"
    case monitorCondition = "monitor_condition"

    /// `severity` is an int (0–4); every other field is a string.
    public var type: ValueType { self == .severity ? .int : .string }
}

/// Fields of `tool`.
public enum ToolField: String, Sendable, Hashable, CaseIterable {
    case name
    case effect

    public var type: ValueType { self == .name ? .string : .effect }
}

/// Fields of `session`.
public enum SessionField: String, Sendable, Hashable, CaseIterable {
    case iteration
    case denials
    /// The names of the tools that have run in this session, in order.
    case tools

    public var type: ValueType { self == .tools ? .list(.string) : .int }
}

/// Fields of `now` (UTC of the event time).
public enum NowField: String, Sendable, Hashable, CaseIterable {
    case hour
    case weekday

    public var type: ValueType { .int }
}

/// A type-checked expression with its paths resolved and parentheses removed: what an
/// evaluator compiles. Every node carries its static type.
public struct CheckedExpr: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case literal(LiteralValue)
        /// The bare words `read` / `write`.
        case effect(ToolEffect)
        case list([CheckedExpr])
        /// `LO..HI` with int or duration bounds, inclusive.
        case range(lower: LiteralValue, upper: LiteralValue)
        /// `args.NAME`: the proposal's validated arg, default filled.
        case arg(String)
        case tool(ToolField)
        case alert(AlertField)
        /// `context.KEY`: a declared context key.
        case context(String)
        case session(SessionField)
        case now(NowField)
        case not(CheckedExpr)
        /// `and` / `or` over two or more operands, left to right, stopping early.
        case logical(LogicalOperator, [CheckedExpr])
        case comparison(ComparisonOperator, CheckedExpr, CheckedExpr)
        /// Only in bundles with errors.
        case invalid
    }

    public var kind: Kind
    public var type: ValueType
    public var span: SourceSpan

    public init(_ kind: Kind, type: ValueType, span: SourceSpan) {
        self.kind = kind
        self.type = type
        self.span = span
    }
}
