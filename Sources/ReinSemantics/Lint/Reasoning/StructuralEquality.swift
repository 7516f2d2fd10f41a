import ReinSyntax

extension CheckedExpr {
    /// True when both conditions are the same expression, locations ignored; string literals
    /// compared exactly (see `ExactString`).
    func hasSameStructure(as other: CheckedExpr) -> Bool {
        Self.same(self, other, depth: 0)
    }

    private static func same(_ left: CheckedExpr, _ right: CheckedExpr, depth: Int) -> Bool {
        guard depth < ConditionAnalysis.depthLimit else { return false }
        switch (left.kind, right.kind) {
        case (.literal(let a), .literal(let b)): return sameLiteral(a, b)
        case (.range(let a, let b), .range(let c, let d)): return sameLiteral(a, c) && sameLiteral(b, d)
        case (.list(let a), .list(let b)), (.logical(.and, let a), .logical(.and, let b)),
            (.logical(.or, let a), .logical(.or, let b)):
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1, depth: depth + 1) }
        case (.not(let a), .not(let b)): return same(a, b, depth: depth + 1)
        case (.comparison(let op, let a, let b), .comparison(let otherOp, let c, let d)):
            return op == otherOp && same(a, c, depth: depth + 1) && same(b, d, depth: depth + 1)
        case (.arg(let a), .arg(let b)), (.context(let a), .context(let b)): return a.isExactly(b)
        case (.effect, .effect), (.tool, .tool), (.alert, .alert), (.session, .session), (.now, .now):
            return left.kind == right.kind
        default: return false
        }
    }

    /// Feeds the expression's structure (no locations) to `hasher`, consistently with
    /// `hasSameStructure(as:)`: equal structures hash equally.
    func hashStructure(into hasher: inout Hasher, depth: Int = 0) {
        guard depth < ConditionAnalysis.depthLimit else { return }
        switch kind {
        case .literal(let literal): Self.hashLiteral(literal, into: &hasher)
        case .range(let lower, let upper):
            hasher.combine(1)
            Self.hashLiteral(lower, into: &hasher)
            Self.hashLiteral(upper, into: &hasher)
        case .list(let items), .logical(_, let items):
            if case .logical(let op, _) = kind { hasher.combine(op) } else { hasher.combine(2) }
            hasher.combine(items.count)
            for item in items { item.hashStructure(into: &hasher, depth: depth + 1) }
        case .not(let inner):
            hasher.combine(3)
            inner.hashStructure(into: &hasher, depth: depth + 1)
        case .comparison(let op, let left, let right):
            hasher.combine(op)
            left.hashStructure(into: &hasher, depth: depth + 1)
            right.hashStructure(into: &hasher, depth: depth + 1)
        case .arg(let name), .context(let name):
            hasher.combine(ExactString(name))
        default:
            hasher.combine(kind)
        }
    }

    private static func hashLiteral(_ literal: LiteralValue, into hasher: inout Hasher) {
        if case .string(let value) = literal { hasher.combine(ExactString(value)) } else { hasher.combine(literal) }
    }

    private static func sameLiteral(_ left: LiteralValue, _ right: LiteralValue) -> Bool {
        if case .string(let a) = left, case .string(let b) = right { return a.isExactly(b) }
        return left == right
    }
}
