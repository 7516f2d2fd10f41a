import ReinSyntax

/// The type of an arg or a context key. Enum types are equal when their members are the same
/// strings exactly, in the same order (see `ExactString`).
public enum ArgType: Sendable, Hashable, CustomStringConvertible {
    case int
    case duration
    case bool
    case string
    /// A Kubernetes object name (RFC 1123 subdomain, ≤ 253).
    case name
    /// A Kubernetes namespace (RFC 1123 label, ≤ 63, not forbidden by any policy).
    case namespace
    /// One of these string literals, in declaration order.
    case enumeration([String])

    /// As written in Rein: `int`, `namespace`, `"a" | "b"`.
    public var description: String {
        switch self {
        case .int: "int"
        case .duration: "duration"
        case .bool: "bool"
        case .string: "string"
        case .name: "name"
        case .namespace: "namespace"
        case .enumeration(let members): members.map { "\"\($0)\"" }.joined(separator: " | ")
        }
    }

    public static func == (left: ArgType, right: ArgType) -> Bool {
        switch (left, right) {
        case (.int, .int), (.duration, .duration), (.bool, .bool), (.string, .string), (.name, .name),
            (.namespace, .namespace):
            true
        case (.enumeration(let leftMembers), .enumeration(let rightMembers)):
            leftMembers.count == rightMembers.count && zip(leftMembers, rightMembers).allSatisfy { $0.isExactly($1) }
        default:
            false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int: hasher.combine(0)
        case .duration: hasher.combine(1)
        case .bool: hasher.combine(2)
        case .string: hasher.combine(3)
        case .name: hasher.combine(4)
        case .namespace: hasher.combine(5)
        case .enumeration(let members):
            hasher.combine(6)
            hasher.combine(members.map(ExactString.init))
        }
    }

    /// The members of an enum type, or nil.
    public var enumMembers: [String]? {
        if case .enumeration(let members) = self { return members }
        return nil
    }

    /// True when this is an enum type with `value` among its members, compared exactly (same
    /// Unicode scalars: see `ExactString`); false for every other type.
    public func hasEnumMember(_ value: String) -> Bool {
        enumMembers?.containsExactly(value) ?? false
    }
}

/// An inclusive `in LO..HI` bound of an int or duration arg.
public enum ValueRange: Sendable, Hashable {
    case int(ClosedRange<Int64>)
    case duration(ClosedRange<DurationValue>)
}

/// A checked `arg` of a tool or query, or a policy `context` key.
///
/// Constraints are present only when they are valid; `pattern` has been compiled once by
/// the checker (an evaluator compiles it again and matches the whole value).
public struct ArgModel: Sendable, Hashable {
    public var name: String
    public var type: ArgType
    /// `in LO..HI` for int and duration args.
    public var range: ValueRange?
    /// `len LO..HI` (Unicode scalars) for strings.
    public var length: ClosedRange<Int64>?
    /// `matching "REGEX"` for strings: the whole value must match.
    public var pattern: String?
    /// The default value (already checked against type and constraints); nil ⇒ required.
    public var defaultValue: LiteralValue?
    /// The arg's name in the source: where the checker's diagnostics about it point.
    public var span: SourceSpan
    /// The whole `arg` (or `context`) statement, from its keyword: where the evaluator's
    /// reasons about the arg point (`path:line:col` of the declaration, docs/FORMATS.md §2).
    public var statementSpan: SourceSpan

    public init(
        name: String, type: ArgType, range: ValueRange? = nil, length: ClosedRange<Int64>? = nil,
        pattern: String? = nil, defaultValue: LiteralValue? = nil, span: SourceSpan
    ) {
        self.name = name
        self.type = type
        self.range = range
        self.length = length
        self.pattern = pattern
        self.defaultValue = defaultValue
        self.span = span
        self.statementSpan = span
    }

    /// True when the arg may be omitted (it has a default).
    public var isOptional: Bool { defaultValue != nil }

    /// The 1024-scalar cap applies to strings only when they have no `len`.
    public var appliesDefaultStringCap: Bool {
        switch type {
        case .string: length == nil
        default: false
        }
    }
}
