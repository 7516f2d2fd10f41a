import ReinSyntax

/// The values a condition's operand can take, as far as the declarations tell: an interval of
/// ints or of durations (in seconds), a finite set of strings or of bools, the strings that pass
/// an arg's checks, any string, or nothing known. An over-approximation: every value that can
/// occur is inside it.
enum ValueDomain: Hashable {
    /// Ints, or durations in seconds, from `lower` to `upper` inclusive.
    case interval(Int64, Int64)
    case strings(Set<ExactString>)
    /// The strings a `string`, `name` or `namespace` arg can hold once validated.
    case text(StringConstraint)
    case anyString
    case bools(Set<Bool>)
    /// Unknown: a list, or a value the analysis does not model.
    case unknown

    static let allBools = ValueDomain.bools([true, false])
    static let anyInt = ValueDomain.interval(.min, .max)
    static let anyDuration = ValueDomain.interval(0, .max)

    /// The domain of a declared arg or context key, from its type and constraints.
    init(_ arg: ArgModel, strings: StringChecks) {
        switch (arg.type, arg.range) {
        case (.int, .int(let range)?): self = .interval(range.lowerBound, range.upperBound)
        case (.int, _): self = Self.anyInt
        case (.duration, .duration(let range)?): self = .interval(range.lowerBound.seconds, range.upperBound.seconds)
        case (.duration, _): self = Self.anyDuration
        case (.bool, _): self = Self.allBools
        case (.enumeration(let members), _): self = .strings(Set(members.map(ExactString.init)))
        case (.string, _): self = .text(strings.text(length: arg.length, pattern: arg.pattern))
        case (.name, _): self = .text(StringConstraint(rule: .name))
        case (.namespace, _): self = .text(strings.namespace)
        }
    }

    /// The domain of one literal.
    init(_ literal: LiteralValue) {
        switch literal {
        case .int(let value): self = .interval(value, value)
        case .duration(let value): self = .interval(value.seconds, value.seconds)
        case .string(let value): self = .strings([ExactString(value)])
        case .bool(let value): self = .bools([value])
        }
    }

    /// True when no value is left: the assumptions that narrowed it contradict each other.
    var isEmpty: Bool {
        switch self {
        case .interval(let lower, let upper): lower > upper
        case .strings(let values): values.isEmpty
        case .bools(let values): values.isEmpty
        case .text, .anyString, .unknown: false
        }
    }

    /// The one value left, if exactly one is. (Compare domains, not these values, to compare
    /// strings exactly: `LiteralValue` compares them as Swift strings, `"é" == "e\u{301}"`.)
    var single: LiteralValue? {
        switch self {
        case .interval(let lower, let upper) where lower == upper: .int(lower)
        case .strings(let values) where values.count == 1: values.first.map { .string($0.value) }
        case .bools(let values) where values.count == 1: values.first.map { .bool($0) }
        default: nil
        }
    }

    /// The values both domains allow (an over-approximation when either is not finite).
    func intersection(_ other: ValueDomain) -> ValueDomain {
        switch (self, other) {
        case (.interval(let a, let b), .interval(let c, let d)): .interval(Swift.max(a, c), Swift.min(b, d))
        case (.strings(let left), .strings(let right)): .strings(left.intersection(right))
        case (.anyString, .strings), (.unknown, _): other
        case (.strings, .anyString), (_, .unknown): self
        case (.text(let constraint), .strings(let values)), (.strings(let values), .text(let constraint)):
            .strings(values.filter { constraint.admits($0.value) })
        case (.anyString, .text): other
        case (.bools(let left), .bools(let right)): .bools(left.intersection(right))
        default: self
        }
    }

    /// The values left after removing `other`'s; exact for finite sets and for an interval
    /// whose end `other` covers, otherwise unchanged (still an over-approximation).
    func subtracting(_ other: ValueDomain) -> ValueDomain {
        switch (self, other) {
        case (.strings(let left), .strings(let right)): return .strings(left.subtracting(right))
        case (.bools(let left), .bools(let right)): return .bools(left.subtracting(right))
        case (.interval(let a, let b), .interval(let c, let d)):
            if c <= a && b <= d { return .interval(1, 0) }
            if c <= a && d >= a { return .interval(d.addingReportingOverflow(1).partialValue, b) }
            if d >= b && c <= b { return .interval(a, c.subtractingReportingOverflow(1).partialValue) }
            return self
        default:
            return self
        }
    }

    /// True when every value of `self` is in `other` (false when unknown).
    func isSubset(of other: ValueDomain) -> Bool {
        switch (self, other) {
        case (.interval(let a, let b), .interval(let c, let d)): a > b || (c <= a && b <= d)
        case (.strings(let left), .strings(let right)): left.isSubset(of: right)
        case (.strings, .anyString), (.text, .anyString): true
        case (.strings(let values), .text(let constraint)): values.allSatisfy { constraint.admits($0.value) }
        case (.text(let left), .text(let right)): left == right
        case (.bools(let left), .bools(let right)): left.isSubset(of: right)
        default: false
        }
    }

    /// True when `self` and `other` may share a value (true when unknown).
    func overlaps(_ other: ValueDomain) -> Bool {
        !intersection(other).isEmpty
    }
}
