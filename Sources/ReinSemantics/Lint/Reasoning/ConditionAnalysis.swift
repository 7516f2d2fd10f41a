import ReinSyntax

/// Whether a condition can be true and whether it can be false.
struct Possibility: Hashable {
    var canBeTrue: Bool
    var canBeFalse: Bool

    static let either = Possibility(canBeTrue: true, canBeFalse: true)

    var negated: Possibility { Possibility(canBeTrue: canBeFalse, canBeFalse: canBeTrue) }
}

/// A path a condition reads, as a key of the facts about it.
enum PathKey: Hashable {
    case arg(String)
    case context(String)
    case alert(AlertField)
    case session(SessionField)
    case now(NowField)
    case tool(ToolField)

    init?(_ kind: CheckedExpr.Kind) {
        switch kind {
        case .arg(let name): self = .arg(name)
        case .context(let name): self = .context(name)
        case .alert(let field): self = .alert(field)
        case .session(let field): self = .session(field)
        case .now(let field): self = .now(field)
        case .tool(let field): self = .tool(field)
        default: return nil
        }
    }
}

/// Interval reasoning over a checked condition: can it be true, can it be false, given what the
/// declarations say about the values it reads (arg and context bounds and enums, the checks a
/// string, name or namespace passes — `len`, `matching`, the name rules, forbidden namespaces —
/// `alert.severity` 0–4, `now.hour` 0–23, `now.weekday` 1–7, counts ≥ 0)?
///
/// Sound in one direction: "cannot be true" (or false) is said only when no input makes it so.
/// Operands are analysed independently, except that within an `and` each operand is analysed
/// under what the others assume of the same path (`args.n > 6 and args.n < 3` cannot be true),
/// and within an `or` likewise for "false". `like`, list paths and run-time errors are not
/// modelled (either outcome stays possible).
struct ConditionAnalysis {
    /// The domains of the paths known before any assumption.
    let facts: [PathKey: ValueDomain]
    /// What string args are checked against, for the domains of the args a rule reads.
    let strings: StringChecks

    /// Nesting beyond this is taken as "either" (the parser already caps it at 64).
    static let depthLimit = 100
    /// The steps one condition may take. An `and` or `or` analyses its operands twice (under
    /// its assumptions and without), so nested ones cost up to 2^depth steps; past the budget
    /// every answer is "either" (and every assumption adds nothing), which stays sound.
    static let stepBudget = 20_000

    func possibility(of expr: CheckedExpr) -> Possibility {
        var budget = Self.stepBudget
        return possibility(of: expr, under: facts, depth: 0, budget: &budget)
    }

    private func possibility(
        of expr: CheckedExpr, under facts: [PathKey: ValueDomain], depth: Int, budget: inout Int
    ) -> Possibility {
        budget -= 1
        guard depth < Self.depthLimit, budget > 0 else { return .either }
        switch expr.kind {
        case .literal(.bool(let value)):
            return Possibility(canBeTrue: value, canBeFalse: !value)
        case .not(let inner):
            return possibility(of: inner, under: facts, depth: depth + 1, budget: &budget).negated
        case .logical(let op, let operands):
            // `or` is `not (not a and not b)`: the same reasoning with the outcomes swapped.
            let wanted = op == .and
            var allWanted = false
            if let narrowed = assume(operands, are: wanted, under: facts, depth: depth + 1, budget: &budget) {
                allWanted = operands.allSatisfy {
                    reaches(wanted, possibility(of: $0, under: narrowed, depth: depth + 1, budget: &budget))
                }
            }
            let someOther = operands.contains {
                reaches(!wanted, possibility(of: $0, under: facts, depth: depth + 1, budget: &budget))
            }
            return wanted
                ? Possibility(canBeTrue: allWanted, canBeFalse: someOther)
                : Possibility(canBeTrue: someOther, canBeFalse: allWanted)
        case .comparison(let op, let left, let right):
            return compare(op, domain(of: left, under: facts), domain(of: right, under: facts), right, under: facts)
        default:
            if let key = PathKey(expr.kind), case .bools(let values)? = facts[key] {
                return Possibility(canBeTrue: values.contains(true), canBeFalse: values.contains(false))
            }
            return .either
        }
    }

    private func reaches(_ outcome: Bool, _ possibility: Possibility) -> Bool {
        outcome ? possibility.canBeTrue : possibility.canBeFalse
    }

    // MARK: Operands

    private func domain(of expr: CheckedExpr, under facts: [PathKey: ValueDomain]) -> ValueDomain {
        switch expr.kind {
        case .literal(let literal): ValueDomain(literal)
        case .effect(let effect): .strings([ExactString(effect.rawValue)])
        case .range(.int(let lower), .int(let upper)): .interval(lower, upper)
        case .range(.duration(let lower), .duration(let upper)): .interval(lower.seconds, upper.seconds)
        case .list(let items): Self.union(items.map { domain(of: $0, under: facts) })
        default: PathKey(expr.kind).flatMap { facts[$0] } ?? .unknown
        }
    }

    /// The domain of a list's items: the union of finite item domains, else unknown.
    private static func union(_ items: [ValueDomain]) -> ValueDomain {
        var ints: [Int64] = [], strings: Set<ExactString> = [], bools: Set<Bool> = []
        for item in items {
            switch item {
            case .interval(let lower, let upper) where lower == upper: ints.append(lower)
            case .strings(let values): strings.formUnion(values)
            case .bools(let values): bools.formUnion(values)
            default: return .unknown
            }
        }
        let kinds = (ints.isEmpty ? 0 : 1) + (strings.isEmpty ? 0 : 1) + (bools.isEmpty ? 0 : 1)
        guard kinds == 1 else { return .unknown }
        if !strings.isEmpty { return .strings(strings) }
        if !bools.isEmpty { return .bools(bools) }
        // Ints as a set would need a new case; their hull is exact enough for `in` when the
        // items are consecutive, and the check below treats a hull as "maybe" otherwise.
        return .unknown
    }

    // MARK: Comparisons

    private func compare(
        _ op: ComparisonOperator, _ left: ValueDomain, _ right: ValueDomain, _ rightExpr: CheckedExpr,
        under facts: [PathKey: ValueDomain]
    ) -> Possibility {
        switch op {
        case .equal, .notEqual:
            guard left != .unknown, right != .unknown else { return .either }
            let equal = Possibility(
                canBeTrue: left.overlaps(right),
                canBeFalse: !(left.single != nil && left == right))
            return op == .equal ? equal : equal.negated
        case .less, .lessEqual, .greater, .greaterEqual:
            guard case .interval(let a, let b) = left, case .interval(let c, let d) = right else { return .either }
            switch op {
            case .less: return Possibility(canBeTrue: a < d, canBeFalse: b >= c)
            case .lessEqual: return Possibility(canBeTrue: a <= d, canBeFalse: b > c)
            case .greater: return Possibility(canBeTrue: b > c, canBeFalse: a <= d)
            default: return Possibility(canBeTrue: b >= c, canBeFalse: a < d)
            }
        case .in, .notIn:
            let member: Possibility
            if case .list(let items) = rightExpr.kind, case .interval = left {
                member = Self.intMembership(left, items.map { domain(of: $0, under: facts) })
            } else if left == .unknown || right == .unknown {
                member = .either
            } else {
                // Always a member only of a list that does not vary: `[context.speed]` may hold
                // any one of its values, not all of them.
                let alwaysIn = constant(rightExpr, under: facts) != nil && left.isSubset(of: right)
                member = Possibility(canBeTrue: left.overlaps(right), canBeFalse: !alwaysIn)
            }
            return op == .in ? member : member.negated
        case .like:
            return .either
        }
    }

    /// `x in [1, 5, 9]` for an int or duration `x`: always a member when the items cover
    /// every value `x` can have.
    private static func intMembership(_ value: ValueDomain, _ items: [ValueDomain]) -> Possibility {
        guard case .interval(let lower, let upper) = value else { return .either }
        var values: [Int64] = []
        for item in items {
            guard case .interval(let c, let d) = item, c == d else { return .either }
            values.append(c)
        }
        let canBeTrue = values.contains { lower <= $0 && $0 <= upper }
        // Covered when the sorted items run through lower...upper without a gap.
        var next = lower
        for item in Set(values).sorted() where item >= next && item <= upper {
            guard item == next else { break }
            if item == upper { return Possibility(canBeTrue: canBeTrue, canBeFalse: false) }
            next = item + 1
        }
        return Possibility(canBeTrue: canBeTrue, canBeFalse: true)
    }

    // MARK: Assumptions

    /// The facts once every operand is assumed to evaluate to `outcome`, or nil when they
    /// contradict each other (some path is left with no value).
    private func assume(
        _ operands: [CheckedExpr], are outcome: Bool, under facts: [PathKey: ValueDomain], depth: Int,
        budget: inout Int
    ) -> [PathKey: ValueDomain]? {
        var facts = facts
        for operand in operands {
            guard let narrowed = assume(operand, is: outcome, under: facts, depth: depth, budget: &budget) else { return nil }
            facts = narrowed
        }
        return facts
    }

    private func assume(
        _ expr: CheckedExpr, is outcome: Bool, under facts: [PathKey: ValueDomain], depth: Int,
        budget: inout Int
    ) -> [PathKey: ValueDomain]? {
        budget -= 1
        guard depth < Self.depthLimit, budget > 0 else { return facts }
        switch expr.kind {
        case .not(let inner):
            return assume(inner, is: !outcome, under: facts, depth: depth + 1, budget: &budget)
        case .logical(let op, let operands) where (op == .and) == outcome:
            return assume(operands, are: outcome, under: facts, depth: depth + 1, budget: &budget)
        case .comparison(let op, let left, let right):
            return assumeComparison(op, left, right, is: outcome, under: facts)
        default:
            guard let key = PathKey(expr.kind), case .bools = facts[key] else { return facts }
            return narrow(key, to: .bools([outcome]), under: facts)
        }
    }

    private func assumeComparison(
        _ op: ComparisonOperator, _ left: CheckedExpr, _ right: CheckedExpr, is outcome: Bool,
        under facts: [PathKey: ValueDomain]
    ) -> [PathKey: ValueDomain]? {
        // Put the path on the left: `6 < args.n` is `args.n > 6`.
        var op = op, pathSide = left, valueSide = right
        if PathKey(left.kind) == nil, PathKey(right.kind) != nil, let flipped = op.mirrored {
            op = flipped
            pathSide = right
            valueSide = left
        }
        guard let key = PathKey(pathSide.kind), let current = facts[key] else { return facts }
        let value = domain(of: valueSide, under: facts)
        guard let op = outcome ? op : op.negated else { return facts }
        switch (op, value) {
        case (.equal, _), (.in, _):
            if case .list = valueSide.kind, case .interval = current { return facts }
            return value == .unknown ? facts : narrow(key, to: value, under: facts)
        case (.notEqual, _), (.notIn, _):
            // Only values the other side always has can be taken away: `args.a != args.b` with
            // `b` in 1..5 says nothing about `a`.
            guard let excluded = constant(valueSide, under: facts) else { return facts }
            if case .list = valueSide.kind, case .interval = current { return facts }
            let rest = current.subtracting(excluded)
            return rest.isEmpty ? nil : facts.merging([key: rest]) { $1 }
        case (.less, .interval(_, let d)):
            return d == .min ? nil : narrow(key, to: .interval(.min, d - 1), under: facts)
        case (.lessEqual, .interval(_, let d)):
            return narrow(key, to: .interval(.min, d), under: facts)
        case (.greater, .interval(let c, _)):
            return c == .max ? nil : narrow(key, to: .interval(c + 1, .max), under: facts)
        case (.greaterEqual, .interval(let c, _)):
            return narrow(key, to: .interval(c, .max), under: facts)
        default:
            return facts
        }
    }

    /// The values of an operand that does not vary: a literal, a range literal, a path with a
    /// single possible value, or a list of those; nil otherwise.
    private func constant(_ expr: CheckedExpr, under facts: [PathKey: ValueDomain]) -> ValueDomain? {
        switch expr.kind {
        case .range: return domain(of: expr, under: facts)
        case .list(let items):
            guard items.allSatisfy({ constant($0, under: facts) != nil }) else { return nil }
            return domain(of: expr, under: facts)
        default:
            let value = domain(of: expr, under: facts)
            return value.single == nil ? nil : value
        }
    }

    private func narrow(_ key: PathKey, to domain: ValueDomain, under facts: [PathKey: ValueDomain]) -> [PathKey: ValueDomain]? {
        let current = facts[key] ?? .unknown
        let narrowed = current.intersection(domain)
        if narrowed.isEmpty { return nil }
        var facts = facts
        facts[key] = narrowed
        return facts
    }
}

extension ComparisonOperator {
    /// The operator with its operands swapped (`a < b` is `b > a`); nil for `in`, `like`.
    var mirrored: ComparisonOperator? {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        case .in, .notIn, .like: nil
        }
    }

    /// The operator that holds exactly when this one does not; nil for `like`.
    var negated: ComparisonOperator? {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterEqual
        case .lessEqual: .greater
        case .greater: .lessEqual
        case .greaterEqual: .less
        case .in: .notIn
        case .notIn: .in
        case .like: nil
        }
    }
}
