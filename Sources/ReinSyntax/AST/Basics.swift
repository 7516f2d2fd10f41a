/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable {
    public var name: String
    public var span: SourceSpan

    public init(_ name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// A string literal's decoded value. `isMultiline` records the `"""` form (for the formatter).
public struct StringLiteral: Sendable, Hashable {
    public enum Form: Sendable, Hashable {
        case plain
        case raw
        case multiline
    }

    public var value: String
    public var form: Form
    public var span: SourceSpan

    public init(_ value: String, form: Form = .plain, span: SourceSpan) {
        self.value = value
        self.form = form
        self.span = span
    }
}

/// A length of time, in whole seconds (never negative).
public struct DurationValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (lhs: DurationValue, rhs: DurationValue) -> Bool { lhs.seconds < rhs.seconds }

    /// ISO-8601 with `H`, `M`, `S` only: `PT15M`, `PT1H30M`, `PT26H`, `PT0S`.
    public var iso8601: String {
        if seconds == 0 { return "PT0S" }
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, secs = seconds % 60
        var out = "PT"
        if hours > 0 { out += "\(hours)H" }
        if minutes > 0 { out += "\(minutes)M" }
        if secs > 0 { out += "\(secs)S" }
        return out
    }

    /// Rein's own notation with `d h m s` groups (`1h30m`, `0s`).
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}

/// A constant written in the source.
public enum LiteralValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case duration(DurationValue)
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case .int(let value): "\(value)"
        case .duration(let value): value.description
        case .string(let value): "\"\(value)\""
        case .bool(let value): value ? "true" : "false"
        }
    }
}

/// A literal with its location.
public struct Literal: Sendable, Hashable {
    public var value: LiteralValue
    public var span: SourceSpan

    public init(_ value: LiteralValue, span: SourceSpan) {
        self.value = value
        self.span = span
    }
}

/// `LO..HI` with literal bounds (ints or durations), inclusive.
public struct RangeLiteral: Sendable, Hashable {
    public var lower: Literal
    public var upper: Literal
    public var span: SourceSpan

    public init(lower: Literal, upper: Literal, span: SourceSpan) {
        self.lower = lower
        self.upper = upper
        self.span = span
    }
}
