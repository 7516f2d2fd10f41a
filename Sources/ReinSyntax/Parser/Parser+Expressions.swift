extension Parser {
    /// `expr := or`; see Grammar/README.md §11.
    mutating func parseExpression() throws -> Expr {
        try parseLogical(.or)
    }

    /// An n-ary `or` (of `and`s) or `and` (of `not`s) chain.
    mutating func parseLogical(_ op: LogicalOperator) throws -> Expr {
        let first = op == .or ? try parseLogical(.and) : try parseNot()
        var operands = [first]
        while atWord(op.rawValue) {
            advance()
            operands.append(op == .or ? try parseLogical(.and) : try parseNot())
        }
        guard operands.count > 1, let last = operands.last else { return first }
        return Expr(.logical(op, operands), span: first.span.through(last.span))
    }

    mutating func parseNot() throws -> Expr {
        guard let notToken = eatWord("not") else { return try parseComparison() }
        try enterNesting(at: notToken)
        defer { depth -= 1 }
        let operand = try parseNot()
        return Expr(.not(operand), span: span(notToken).through(operand.span))
    }

    mutating func parseComparison() throws -> Expr {
        let left = try parseTerm()
        guard let op = try parseComparisonOperator() else { return left }
        let right = try parseTerm()
        if let _ = try peekComparisonOperator() {
            throw fail(
                "rein.parse.chained-comparison", "comparisons cannot be chained",
                help: "combine comparisons with `and`, or group with parentheses")
        }
        return Expr(.comparison(op, left, right), span: left.span.through(right.span))
    }

    /// The comparison operator at the current token, consumed, if any.
    mutating func parseComparisonOperator() throws -> ComparisonOperator? {
        guard let op = try peekComparisonOperator() else { return nil }
        advance()
        if op == .notIn { advance() }
        return op
    }

    func peekComparisonOperator() throws -> ComparisonOperator? {
        switch current.kind {
        case .equalEqual: return .equal
        case .bangEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .identifier:
            switch current.identifier {
            case "in": return .in
            case "like": return .like
            case "not" where peek().identifier == "in": return .notIn
            default: return nil
            }
        default: return nil
        }
    }

    mutating func enterNesting(at token: Token) throws {
        depth += 1
        if depth > Self.maximumNestingDepth {
            report(
                "rein.parse.nesting-too-deep",
                "expression nests more than \(Self.maximumNestingDepth) levels deep", at: span(token),
                help: "split the condition into several rules, or remove redundant parentheses")
            throw ParseAbort()
        }
    }

    mutating func parseTerm() throws -> Expr {
        let token = current
        switch token.kind {
        case .integer, .minus, .duration:
            let lower = try parseNumber("a number")
            guard eat(.dotDot) != nil else { return Expr(.literal(lower.value), span: lower.span) }
            let range = try finishRange(lower: lower)
            return Expr(.range(range), span: range.span)
        case .string:
            let string = try parseString("a string")
            return Expr(.literal(.string(string.value)), span: string.span)
        case .leftParen:
            advance()
            try enterNesting(at: token)
            defer { depth -= 1 }
            let inner = try parseExpression()
            let close = try expect(.rightParen, "to close `(`")
            return Expr(.parenthesized(inner), span: span(from: token, to: close))
        case .leftBracket:
            advance()
            try enterNesting(at: token)
            defer { depth -= 1 }
            var items: [Expr] = []
            if !at(.rightBracket) {
                items.append(try parseExpression())
                while eat(.comma) != nil {
                    if at(.rightBracket) {
                        throw failAtCurrent(
                            "rein.parse.expected-expression", "expected an expression after `,`, found `]`",
                            help: "remove the trailing comma")
                    }
                    items.append(try parseExpression())
                }
            }
            let close = try expect(.rightBracket, "to close the list")
            return Expr(.list(items), span: span(from: token, to: close))
        case .identifier:
            let word = token.identifier ?? ""
            switch word {
            case "true", "false":
                advance()
                return Expr(.literal(.bool(word == "true")), span: span(token))
            case "read", "write":
                advance()
                return Expr(.effect(word == "read" ? .read : .write), span: span(token))
            default:
                if Self.reservedWords.contains(word) {
                    throw fail("rein.parse.expected-expression", "expected an expression, found `\(word)`")
                }
            }
            return try parsePath()
        default:
            throw fail("rein.parse.expected-expression", "expected an expression, found \(describeCurrent())")
        }
    }

    /// `ROOT {. IDENT}`.
    mutating func parsePath() throws -> Expr {
        var parts = [try expectName("a name")]
        while eat(.dot) != nil {
            parts.append(try expectName("a field name after `.`"))
        }
        guard let first = parts.first, let last = parts.last else { throw ParseAbort() }
        return Expr(.path(parts), span: first.span.through(last.span))
    }
}
