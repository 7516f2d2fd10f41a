extension Parser {
    static let typeNames: [String: TypeSyntax.Kind] = [
        "int": .int, "duration": .duration, "bool": .bool, "string": .string, "name": .name, "namespace": .namespace,
    ]

    /// `NAME: TYPE [in LO..HI] [len LO..HI] [matching "REGEX"] [= DEFAULT]`. When a syntax
    /// error follows the name, `partial` builds the statement kept in its place (with an
    /// `.invalid` type), so that uses of the name are not reported as unknown.
    mutating func parseArgDeclaration(partial: (ArgDeclaration) -> StatementKind) throws -> ArgDeclaration {
        let keyword = previous
        let name = try expectName("a name")
        do {
            return try parseArgDeclarationBody(name: name)
        } catch {
            let placeholder = ArgDeclaration(name: name, type: TypeSyntax(.invalid, span: name.span))
            partialStatement = Statement(
                kind: partial(placeholder), keyword: Identifier(keyword.identifier ?? "", span: span(keyword)),
                span: span(from: keyword, to: previous))
            throw error
        }
    }

    private mutating func parseArgDeclarationBody(name: Identifier) throws -> ArgDeclaration {
        guard eat(.colon) != nil else {
            throw fail(
                "rein.parse.expected-token", "expected \(TokenKind.colon.displayName) after `\(name.name)`, found \(describeCurrent())",
                help: missingColonHelp(after: name))
        }
        var declaration = ArgDeclaration(name: name, type: try parseType())
        let order = ["in", "len", "matching"]
        var stage = -1
        while let word = current.identifier, let rank = order.firstIndex(of: word) {
            let token = current
            if rank <= stage {
                let message = rank == stage
                    ? "duplicate constraint `\(word)`"
                    : "constraint `\(word)` must come before `\(order[stage])`"
                report(
                    "rein.parse.constraint-order", message, at: span(token),
                    help: "constraints go in the order `in`, `len`, `matching`, each at most once")
                throw ParseAbort()
            }
            stage = rank
            advance()
            switch word {
            case "in": declaration.range = try parseRange()
            case "len": declaration.length = try parseRange()
            default: declaration.pattern = try parseString("a regular expression")
            }
        }
        if eat(.equals) != nil { declaration.defaultValue = try parseLiteral("a default value") }
        return declaration
    }

    mutating func parseType() throws -> TypeSyntax {
        if at(.string) {
            let first = try parseString("an enum member")
            var members = [first]
            while eat(.pipe) != nil { members.append(try parseString("an enum member after `|`")) }
            return TypeSyntax(.enumeration(members), span: first.span.through(previous.spanIn(fileIndex)))
        }
        guard let word = current.identifier else {
            throw fail(
                "rein.parse.expected-type", "expected a type, found \(describeCurrent())",
                help: "types are `int`, `duration`, `bool`, `string`, `name`, `namespace`, or string literals joined by `|`")
        }
        guard let kind = Self.typeNames[word] else {
            let help = Suggestions.didYouMean(word, in: Self.typeNames.keys.sorted())
                ?? "types are `int`, `duration`, `bool`, `string`, `name`, `namespace`, or string literals joined by `|`"
            throw failAtCurrent("rein.parse.unknown-type", "unknown type `\(word)`", help: help)
        }
        let token = advance()
        return TypeSyntax(kind, span: span(token))
    }

    /// `LO..HI` with both bounds integers or both durations.
    mutating func parseRange() throws -> RangeLiteral {
        let lower = try parseNumber("a range like `1..10`")
        guard eat(.dotDot) != nil else {
            throw fail(
                "rein.parse.expected-range", "expected `..` in the range, found \(describeCurrent())",
                help: "a range is written `LO..HI`, as in `1..10` or `5m..1h`")
        }
        return try finishRange(lower: lower)
    }

    /// The upper bound of a range whose lower bound and `..` have been read.
    mutating func finishRange(lower: Literal) throws -> RangeLiteral {
        let upper = try parseNumber("the range's upper bound")
        switch (lower.value, upper.value) {
        case (.int, .int), (.duration, .duration): break
        default:
            report(
                "rein.parse.mixed-range", "a range's bounds must both be integers or both durations",
                at: lower.span.through(upper.span))
            throw ParseAbort()
        }
        return RangeLiteral(lower: lower, upper: upper, span: lower.span.through(upper.span))
    }

    /// An integer (optionally negative) or a duration.
    mutating func parseNumber(_ what: String) throws -> Literal {
        if current.value == .malformed { throw skipMalformedToken() }
        if at(.duration) { return durationLiteral(advance()) }
        if at(.integer) || at(.minus) { return try parseInteger() }
        throw fail("rein.parse.expected-number", "expected \(what), found \(describeCurrent())")
    }

    /// A signed 64-bit integer literal.
    mutating func parseInteger() throws -> Literal {
        let minus = eat(.minus)
        if current.value == .malformed { throw skipMalformedToken() }
        if minus != nil, at(.duration) {
            throw fail("rein.parse.negative-duration", "a duration cannot be negative")
        }
        guard at(.integer), case .integer(let magnitude) = current.value else {
            if at(.duration) {
                throw fail("rein.parse.expected-integer", "expected an integer, found the duration \(describeCurrent())")
            }
            throw fail("rein.parse.expected-integer", "expected an integer, found \(describeCurrent())", help: quotedNumberHelp(duration: false))
        }
        let token = advance()
        let literalSpan = minus.map { span(from: $0, to: token) } ?? span(token)
        if let minus, minus.end != token.start {
            report("rein.parse.expected-integer", "a `-` sign must be written right before its number", at: literalSpan)
            throw ParseAbort()
        }
        let value: Int64?
        if minus != nil {
            value = magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : (magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil)
        } else {
            value = magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        guard let value else {
            report(
                "rein.lex.integer-out-of-range",
                "integer literal `\(file.text(of: literalSpan))` is outside the 64-bit signed range", at: literalSpan)
            throw ParseAbort()
        }
        return Literal(.int(value), span: literalSpan)
    }

    mutating func parseDuration() throws -> Literal {
        if current.value == .malformed { throw skipMalformedToken() }
        if at(.duration) { return durationLiteral(advance()) }
        if at(.integer) {
            let text = file.text(of: span(current))
            throw fail(
                "rein.parse.expected-duration", "expected a duration, found the integer `\(text)`",
                help: "add a unit: `\(text)m`, `\(text)s`, `\(text)h` or `\(text)d`")
        }
        throw fail(
            "rein.parse.expected-duration", "expected a duration like `15m`, found \(describeCurrent())",
            help: quotedNumberHelp(duration: true))
    }

    func durationLiteral(_ token: Token) -> Literal {
        if case .duration(let value) = token.value { return Literal(.duration(value), span: span(token)) }
        return Literal(.duration(DurationValue(seconds: 0)), span: span(token))
    }

    /// A default value: integer, duration, string, `true` or `false`.
    mutating func parseLiteral(_ what: String) throws -> Literal {
        switch current.kind {
        case .integer, .minus, .duration: return try parseNumber(what)
        case .string:
            let string = try parseString(what)
            return Literal(.string(string.value), span: string.span)
        case .identifier where atWord("true") || atWord("false"):
            let token = advance()
            return Literal(.bool(token.identifier == "true"), span: span(token))
        default:
            throw fail("rein.parse.expected-literal", "expected \(what), found \(describeCurrent())")
        }
    }
}

extension Token {
    func spanIn(_ fileIndex: Int) -> SourceSpan { SourceSpan(file: fileIndex, start: start, end: end) }
}
