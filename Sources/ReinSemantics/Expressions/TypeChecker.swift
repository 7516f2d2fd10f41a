import ReinSyntax

/// Static typing of conditions (Grammar/README.md §11). Types: int, duration, bool, string (string,
/// name, namespace and enums), effect, list of T, range of T; `.error` marks what was
/// already reported and is compatible with everything, so one mistake gives one diagnostic.
extension CheckerContext {
    /// Types a whole condition (a `trigger`, or a rule's `when`), which must be a bool.
    mutating func typeCondition(_ expr: Expr, scope: ExpressionScope, what: String) -> (CheckedExpr, TypingState) {
        var state = TypingState(scope: scope)
        let typed = typeExpr(expr, expected: .bool, &state)
        if !typed.type.isError, typed.type != .bool {
            error(
                .expectedBool, "\(what) must be a bool, found \(typed.type)", at: typed.span,
                help: "compare the value, e.g. `alert.severity <= 2` or `context.environment == \"prod\"`")
        }
        return (typed.expr, state)
    }

    /// Types one expression. `expected` is the type the context wants; it only gives an
    /// `args.NAME` of a `*` rule its type.
    mutating func typeExpr(_ expr: Expr, expected: ValueType?, _ state: inout TypingState) -> Typed {
        switch expr.kind {
        case .invalid:
            return .invalid(expr.span)
        case .literal(let value):
            return Typed(.literal(value), value.valueType, span: expr.span)
        case .effect(let effect):
            return Typed(.effect(effect), .effect, span: expr.span)
        case .parenthesized(let inner):
            return typeExpr(inner, expected: expected, &state)
        case .path(let parts):
            return typePath(parts, span: expr.span, expected: expected, &state)
        case .list(let items):
            var elementExpected: ValueType?
            if case .list(let element)? = expected { elementExpected = element }
            return typeList(items, span: expr.span, expectedElement: elementExpected, &state)
        case .range(let range):
            return typeRange(range)
        case .not(let operand):
            let typed = typeExpr(operand, expected: .bool, &state)
            requireBool(typed, operator: "not")
            return Typed(.not(typed.expr), .bool, span: expr.span)
        case .logical(let op, let operands):
            var typedOperands: [CheckedExpr] = []
            typedOperands.reserveCapacity(operands.count)
            for operand in operands {
                let typed = typeExpr(operand, expected: .bool, &state)
                requireBool(typed, operator: op.rawValue)
                typedOperands.append(typed.expr)
            }
            return Typed(.logical(op, typedOperands), .bool, span: expr.span)
        case .comparison(let op, let left, let right):
            return typeComparison(op, left, right, span: expr.span, &state)
        }
    }

    private mutating func requireBool(_ typed: Typed, operator op: String) {
        guard !typed.type.isError, typed.type != .bool else { return }
        error(
            .expectedBool, "`\(op)` needs a bool operand, found \(typed.type)", at: typed.span,
            help: "compare the value first, e.g. `args.replicas > 5`")
    }

    /// True for `args.NAME` (in parentheses or not) in a rule for `*`.
    func isWildcardArg(_ expr: Expr, _ state: TypingState) -> Bool {
        guard case .wildcard = state.scope.args, !state.scope.isTrigger else { return false }
        guard case .path(let parts) = expr.unparenthesized.kind else { return false }
        return parts.count == 2 && parts[0].name == "args"
    }

    // MARK: Comparisons

    /// Types a comparison. When typing an operand reported an error (`[args.x] == [1]`:
    /// `untyped-arg` in the list), the operator's own type checks are skipped: one mistake,
    /// one diagnostic. (A `*`-rule arg typed `.error` on purpose, as in `args.x == [1]`, is
    /// not a report, so there the other operand is still the one diagnostic.)
    private mutating func typeComparison(
        _ op: ComparisonOperator, _ left: Expr, _ right: Expr, span: SourceSpan, _ state: inout TypingState
    ) -> Typed {
        let errorsBefore = diagnostics.errorsReported
        var operandsReported: Bool { diagnostics.errorsReported > errorsBefore }
        let leftIsWildcard = isWildcardArg(left, state)
        let rightIsWildcard = isWildcardArg(right, state)
        if leftIsWildcard && rightIsWildcard, op != .like, op != .in, op != .notIn {
            // `args.a == args.b`, `args.a < args.b` in a `*` rule: the types are known only
            // at run time, where a difference is an `evaluation_error` (Grammar/README.md §13).
            let lhs = typeExpr(left, expected: .any, &state)
            let rhs = typeExpr(right, expected: .any, &state)
            return Typed(.comparison(op, lhs.expr, rhs.expr), .bool, span: span)
        }
        let lhs: Typed
        let rhs: Typed
        switch op {
        case .like:
            lhs = typeExpr(left, expected: .string, &state)
            rhs = typeExpr(right, expected: .string, &state)
            if !operandsReported, let bad = [lhs, rhs].first(where: { !$0.type.isError && $0.type != .string }) {
                error(
                    .typeMismatch, "`like` needs strings, found \(bad.type)", at: bad.span,
                    help: "`like` matches a glob against text; compare other values with `==`")
            }
        case .equal, .notEqual:
            (lhs, rhs) = typePair(left, right, leftIsWildcard: leftIsWildcard, accept: { $0.isScalar }, &state)
            if operandsReported {
                // Already reported inside an operand.
            } else if let bad = [lhs, rhs].first(where: { !$0.type.isError && !$0.type.isScalar }) {
                error(
                    .typeMismatch, "`\(op.rawValue)` cannot compare a \(bad.type)", at: bad.span,
                    help: "to test membership, write `VALUE in [a, b]` or `VALUE in LO..HI`")
            } else if !lhs.type.isCompatible(with: rhs.type) {
                reportUnlike(op, lhs, rhs, span: span)
            } else if lhs.type == .string {
                checkEnumLiteral(lhs, against: right)
                checkEnumLiteral(rhs, against: left)
            }
        case .less, .lessEqual, .greater, .greaterEqual:
            (lhs, rhs) = typePair(left, right, leftIsWildcard: leftIsWildcard, accept: { $0.isOrdered }, &state)
            if operandsReported {
                // Already reported inside an operand.
            } else if let bad = [lhs, rhs].first(where: { !$0.type.isError && !$0.type.isOrdered }) {
                error(
                    .typeMismatch, "`\(op.rawValue)` needs int or duration operands, found \(bad.type)", at: bad.span,
                    help: bad.type == .string ? "compare text with `==`, `!=`, `in` or `like`" : nil)
            } else if !lhs.type.isCompatible(with: rhs.type) {
                reportUnlike(op, lhs, rhs, span: span)
            }
        case .in, .notIn:
            return typeMembership(
                op, left, right, span: span, leftIsWildcard: leftIsWildcard, rightIsWildcard: rightIsWildcard,
                errorsBefore: errorsBefore, &state)
        }
        return Typed(.comparison(op, lhs.expr, rhs.expr), .bool, span: span)
    }

    /// Types both sides, the side that is not a `*`-rule arg first, so the arg can take
    /// its type (when `accept` allows it; else the arg is left to the operator's check).
    private mutating func typePair(
        _ left: Expr, _ right: Expr, leftIsWildcard: Bool, accept: (ValueType) -> Bool, _ state: inout TypingState
    ) -> (Typed, Typed) {
        if leftIsWildcard {
            let rhs = typeExpr(right, expected: nil, &state)
            let lhs = typeExpr(left, expected: accept(rhs.type) ? rhs.type : .error, &state)
            return (lhs, rhs)
        }
        let lhs = typeExpr(left, expected: nil, &state)
        let rhs = typeExpr(right, expected: accept(lhs.type) ? lhs.type : .error, &state)
        return (lhs, rhs)
    }

    private mutating func reportUnlike(_ op: ComparisonOperator, _ lhs: Typed, _ rhs: Typed, span: SourceSpan) {
        var help: String?
        if Set([lhs.type, rhs.type]) == [.effect, .string] {
            help = "compare `tool.effect` with the bare word `read` or `write`, without quotes"
        } else if lhs.type == .string || rhs.type == .string {
            help = "values are not converted: `\"5\"` is a string, `5` an int"
        } else if Set([lhs.type, rhs.type]) == [.int, .duration] {
            help = "write a duration with its unit, e.g. `15m`"
        }
        error(.typeMismatch, "cannot compare \(lhs.type) with \(rhs.type) using `\(op.rawValue)`", at: span, help: help)
    }

    /// `VALUE in LIST|RANGE` and `not in`.
    private mutating func typeMembership(
        _ op: ComparisonOperator, _ left: Expr, _ right: Expr, span: SourceSpan, leftIsWildcard: Bool,
        rightIsWildcard: Bool, errorsBefore: Int, _ state: inout TypingState
    ) -> Typed {
        var operandsReported: Bool { diagnostics.errorsReported > errorsBefore }
        let lhs: Typed
        let rhs: Typed
        if rightIsWildcard {
            // Typed silently when it is an arg too: the right side is the one mistake.
            lhs = typeExpr(left, expected: leftIsWildcard ? .error : nil, &state)
            rhs = Typed(.arg(text(of: right.unparenthesized.span)), .error, span: right.span)
            if operandsReported { return Typed(.comparison(op, lhs.expr, rhs.expr), .bool, span: span) }
            error(
                .typeMismatch, "`\(op.rawValue)` needs a list or a range on the right, found `\(text(of: right.unparenthesized.span))`",
                at: right.span, help: "an arg holds one value; write `args.x == VALUE`, or `VALUE in [a, b]`")
            return Typed(.comparison(op, lhs.expr, rhs.expr), .bool, span: span)
        }
        if leftIsWildcard {
            // Args listed on the right (`args.a in [args.b, args.c]`) are compared with an
            // arg: any type will do, as with `==`.
            rhs = typeExpr(right, expected: .list(.any), &state)
            lhs = typeExpr(left, expected: rhs.type.collectionElement ?? .error, &state)
        } else {
            lhs = typeExpr(left, expected: nil, &state)
            // Args of a `*` rule listed on the right take the left side's type (silently
            // `.error` when the left side is wrong).
            rhs = typeExpr(right, expected: .list(lhs.type.isScalar ? lhs.type : .error), &state)
        }
        if operandsReported {
            // Already reported inside an operand; literals outside an enum are still checked.
            if lhs.members != nil, case .list(let items) = right.unparenthesized.kind {
                for item in items { checkEnumLiteral(lhs, against: item) }
            }
        } else if !rhs.type.isError, rhs.type.collectionElement == nil {
            error(
                .typeMismatch, "`\(op.rawValue)` needs a list or a range on the right, found \(rhs.type)", at: rhs.span,
                help: "write a list `[a, b]` or a range `LO..HI`")
        } else if !lhs.type.isError, !lhs.type.isScalar {
            error(.typeMismatch, "`\(op.rawValue)` looks for one value, found \(lhs.type)", at: lhs.span)
        } else if let element = rhs.type.collectionElement, !element.isCompatible(with: lhs.type) {
            error(.typeMismatch, "cannot look for \(lhs.type.withArticle) in a \(rhs.type)", at: span)
        } else if lhs.members != nil, case .list(let items) = right.unparenthesized.kind {
            for item in items { checkEnumLiteral(lhs, against: item) }
        }
        return Typed(.comparison(op, lhs.expr, rhs.expr), .bool, span: span)
    }

    /// An enum-typed value compared with a string literal outside the enum (compared exactly:
    /// `"cafe\u{301}"` is not the member `"café"`).
    private mutating func checkEnumLiteral(_ typed: Typed, against other: Expr) {
        guard let members = typed.members else { return }
        let literal = other.unparenthesized
        guard case .literal(.string(let value)) = literal.kind, !members.containsExactly(value) else { return }
        let label = typed.label ?? "the value"
        func help() -> String {
            if let lookalike = unicodeLookalikeHelp(value, among: members) { return lookalike }
            let allowed = members.map { "\"\($0)\"" }.joined(separator: " | ")
            return closest(to: value, among: members).map { "did you mean `\"\($0)\"`? (`\(label)` is one of `\(allowed)`)" }
                ?? "`\(label)` is one of `\(allowed)`"
        }
        error(.notInEnum, "`\(quoted(literal.span))` is not a value of `\(label)`", at: literal.span, help: help())
    }

    // MARK: Lists and ranges

    private mutating func typeList(
        _ items: [Expr], span: SourceSpan, expectedElement: ValueType?, _ state: inout TypingState
    ) -> Typed {
        var typed = [Typed?](repeating: nil, count: items.count)
        var element: ValueType?
        var reported = false
        var sawError = false
        for (index, item) in items.enumerated() where !isWildcardArg(item, state) {
            let result = typeExpr(item, expected: nil, &state)
            typed[index] = result
            guard !result.type.isError else {
                sawError = true
                continue
            }
            guard !reported else { continue }
            if !result.type.isScalar {
                error(.mixedList, "a list holds single values, not a \(result.type)", at: result.span)
                reported = true
            } else if let element, element != result.type {
                error(
                    .mixedList, "list mixes \(element) and \(result.type)", at: result.span,
                    help: "every item of a list has the same type")
                reported = true
            } else if element == nil {
                element = result.type
            }
        }
        // Args of a `*` rule take the type of the other items (or the expected one); after an
        // error among the items, they are typed silently.
        // With nothing to take a type from, the first one is reported (`untyped-arg`).
        var itemType = element ?? expectedElement ?? (sawError || reported ? .error : nil)
        for (index, item) in items.enumerated() where typed[index] == nil {
            let result = typeExpr(item, expected: itemType, &state)
            typed[index] = result
            if itemType == nil, result.type.isError { itemType = .error }
        }
        let checked = typed.enumerated().map { $1?.expr ?? CheckedExpr(.invalid, type: .error, span: items[$0].span) }
        // A reported list is an error as a whole, so that nothing around it reports again.
        if reported { return Typed(.list(checked), .error, span: span) }
        return Typed(.list(checked), .list(itemType ?? (items.isEmpty ? .any : .error)), span: span)
    }

    private mutating func typeRange(_ range: RangeLiteral) -> Typed {
        let span = range.span
        switch (range.lower.value, range.upper.value) {
        case (.int(let lower), .int(let upper)):
            if lower > upper { reportEmptyRange(range, written: text(of: span)) }
            return Typed(.range(lower: range.lower.value, upper: range.upper.value), .range(.int), span: span)
        case (.duration(let lower), .duration(let upper)):
            if lower > upper { reportEmptyRange(range, written: text(of: span)) }
            return Typed(.range(lower: range.lower.value, upper: range.upper.value), .range(.duration), span: span)
        default:
            // The parser reports ranges with mixed bounds.
            return .invalid(span)
        }
    }
}

extension LiteralValue {
    var valueType: ValueType {
        switch self {
        case .int: .int
        case .duration: .duration
        case .string: .string
        case .bool: .bool
        }
    }
}

extension ValueType {
    /// The element type of a list or a range, else nil.
    var collectionElement: ValueType? {
        switch self {
        case .list(let element), .range(let element): element
        default: nil
        }
    }

    /// `an int`, `a string`, … for messages.
    var withArticle: String {
        switch self {
        case .int: "an int"
        case .effect: "an effect"
        case .any: "a value of any type"
        case .error: "an invalid value"
        default: "a \(self)"
        }
    }
}
