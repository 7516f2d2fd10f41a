import ReinSyntax

/// The static type of an expression (Grammar/README.md §11).
///
/// `string`, `name`, `namespace` and enum types are all `.string` here; what an enum allows
/// is known to the checker separately. `.error` stands for "already reported": it is
/// compatible with every type, so one mistake gives one diagnostic.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case int
    case duration
    case bool
    case string
    /// `read` / `write` (`tool.effect`).
    case effect
    case list(ValueType)
    case range(ValueType)
    /// Known only at run time: an `args.NAME` of a `*` rule that is compared only with other
    /// args (`args.a == args.b`; the rule applies to tools with those args at any type, and
    /// values of different types there are an `evaluation_error`), and the items of the
    /// empty list `[]`. Compatible with every type.
    case any
    /// Only in bundles with errors.
    case error

    /// How the type is named in messages: `int`, `list of string`, `range of duration`.
    /// Checkers never show a type that involves `.error` (those are silent).
    public var description: String {
        switch self {
        case .int: "int"
        case .duration: "duration"
        case .bool: "bool"
        case .string: "string"
        case .effect: "effect"
        case .list(.any), .list(.error): "list"
        case .list(let element): "list of \(element)"
        case .range(.any), .range(.error): "range"
        case .range(let element): "range of \(element)"
        case .any: "value of any type"
        case .error: "invalid value"
        }
    }

    /// True for `.error`, and for a list or range of it: a type that involves something
    /// already reported, so that every check involving it stays silent.
    public var isError: Bool {
        switch self {
        case .error: true
        case .list(let element), .range(let element): element.isError
        default: false
        }
    }

    /// True when a value of type `self` may meet a value of type `other` (`==`, `in`, …):
    /// the same type, or either is `.any` or involves `.error`.
    public func isCompatible(with other: ValueType) -> Bool {
        if self == other || isError || other.isError || self == .any || other == .any { return true }
        switch (self, other) {
        case (.list(let left), .list(let right)), (.range(let left), .range(let right)): return left.isCompatible(with: right)
        default: return false
        }
    }

    /// True for the types an arg or a context key can have (int, duration, bool, string).
    public var isArgType: Bool {
        switch self {
        case .int, .duration, .bool, .string: true
        default: false
        }
    }

    /// True for int and duration, the ordered types.
    public var isOrdered: Bool { self == .int || self == .duration }

    /// True for single values (not lists or ranges).
    public var isScalar: Bool {
        switch self {
        case .list, .range: false
        default: true
        }
    }
}

extension ArgType {
    /// The expression type of a value of this arg type.
    public var valueType: ValueType {
        switch self {
        case .int: .int
        case .duration: .duration
        case .bool: .bool
        case .string, .name, .namespace, .enumeration: .string
        }
    }
}
