import ReinSyntax

/// The static type of an expression (LANGUAGE.md §4).
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
    case error

    /// How the type is named in messages: `int`, `list of string`, `range of duration`.
    public var description: String {
        switch self {
        case .int: "int"
        case .duration: "duration"
        case .bool: "bool"
        case .string: "string"
        case .effect: "effect"
        case .list(let element): "list of \(element)"
        case .range(let element): "range of \(element)"
        case .error: "<error>"
        }
    }

    /// True for `.error`.
    public var isError: Bool { self == .error }

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
