import ReinSyntax

extension CheckerContext {
    /// Checks an `arg` of a tool or query, or a policy `context` key: its type (enum
    /// members), constraints (`in`, `len`, `matching`) and default. Invalid constraints are
    /// left out of the model; a default is checked only when every constraint is valid.
    /// Nil for a declaration whose syntax failed after its name (type `.invalid`): the parser
    /// reported it, and nothing more is checked.
    mutating func checkArgDeclaration(_ declaration: ArgDeclaration, statement: SourceSpan) -> ArgModel? {
        let name = declaration.name.name
        guard let type = checkArgType(declaration.type) else { return nil }
        var model = ArgModel(name: name, type: type, span: declaration.name.span)
        model.statementSpan = statement
        var constraintsValid = true

        if let range = declaration.range {
            if let valid = checkValueRange(range, type: type, argName: name) {
                model.range = valid
            } else {
                constraintsValid = false
            }
        }
        if let length = declaration.length {
            if let valid = checkLength(length, type: type) {
                model.length = valid
            } else {
                constraintsValid = false
            }
        }
        var compiledPattern: LinearRegex?
        if let pattern = declaration.pattern {
            if let regex = checkPattern(pattern, type: type) {
                model.pattern = pattern.value
                compiledPattern = regex
            } else {
                constraintsValid = false
            }
        }
        if let value = declaration.defaultValue, constraintsValid {
            if checkDefault(value, of: model, declaration: declaration, pattern: compiledPattern) { model.defaultValue = value.value }
        }
        return model
    }

    private mutating func checkArgType(_ syntax: TypeSyntax) -> ArgType? {
        switch syntax.kind {
        case .invalid: return nil
        case .int: return .int
        case .duration: return .duration
        case .bool: return .bool
        case .string: return .string
        case .name: return .name
        case .namespace: return .namespace
        case .enumeration(let literals):
            // Members are distinct when their scalars are: `"\u{E9}" | "e\u{301}"` has two.
            var seen: [ExactString: SourceSpan] = [:]
            var members: [String] = []
            for literal in literals {
                if let first = seen[ExactString(literal.value)] {
                    error(
                        .duplicateEnumMember, "`\(quoted(literal.span))` is listed twice in the enum",
                        at: literal.span, notes: [DiagnosticNote("first listed here", at: first)],
                        help: "remove the second one")
                    continue
                }
                seen[ExactString(literal.value)] = literal.span
                members.append(literal.value)
            }
            return .enumeration(members)
        }
    }

    /// `in LO..HI`: only on int and duration, with bounds of that type, LO ≤ HI.
    private mutating func checkValueRange(_ range: RangeLiteral, type: ArgType, argName: String) -> ValueRange? {
        var written: String { text(of: range.span) }
        switch (type, range.lower.value, range.upper.value) {
        case (.int, .int(let lower), .int(let upper)):
            guard lower <= upper else {
                reportEmptyRange(range, written: written)
                return nil
            }
            return .int(lower...upper)
        case (.duration, .duration(let lower), .duration(let upper)):
            guard lower <= upper else {
                reportEmptyRange(range, written: written)
                return nil
            }
            return .duration(lower...upper)
        case (.int, _, _), (.duration, _, _):
            error(
                .boundTypeMismatch, "the bounds of `in` must be \(type == .int ? "ints" : "durations") for \(type) arg `\(argName)`, found `\(written)`",
                at: range.span, help: type == .int ? "write integer bounds, as in `in 1..10`" : "write duration bounds, as in `in 5m..1h`")
            return nil
        default:
            let help: String
            switch type {
            case .string: help = "limit a string's length with `len LO..HI`"
            case .enumeration: help = "an enum already lists every value it allows"
            default: help = "`in LO..HI` bounds int and duration values only"
            }
            error(.constraintNotAllowed, "`in` applies to int and duration, not to \(type.shortName)", at: range.span, help: help)
            return nil
        }
    }

    /// `len LO..HI`: only on string, with int bounds ≥ 0, LO ≤ HI.
    private mutating func checkLength(_ range: RangeLiteral, type: ArgType) -> ClosedRange<Int64>? {
        guard case .string = type else {
            let help: String
            switch type {
            case .name, .namespace: help = "`\(type)` already limits its length (253 for a name, 63 for a namespace)"
            case .int, .duration: help = "bound a number with `in LO..HI`"
            default: help = "`len` applies to `string` only"
            }
            error(.constraintNotAllowed, "`len` applies to string, not to \(type.shortName)", at: range.span, help: help)
            return nil
        }
        var written: String { text(of: range.span) }
        guard case .int(let lower) = range.lower.value, case .int(let upper) = range.upper.value else {
            error(
                .boundTypeMismatch, "the bounds of `len` must be ints, found `\(written)`", at: range.span,
                help: "a length counts Unicode scalars, as in `len 1..63`")
            return nil
        }
        if lower < 0 || upper < 0 {
            let bound = lower < 0 ? range.lower : range.upper
            error(.negativeLength, "a length cannot be negative, found `\(text(of: bound.span))`", at: bound.span, help: "start the range at 0 or more")
            return nil
        }
        guard lower <= upper else {
            reportEmptyRange(range, written: written)
            return nil
        }
        return lower...upper
    }

    /// `matching "REGEX"`: only on string, and a regex in the supported dialect
    /// (`LinearRegex`). The error points at the offending scalar of the pattern.
    private mutating func checkPattern(_ pattern: StringLiteral, type: ArgType) -> LinearRegex? {
        guard case .string = type else {
            error(
                .constraintNotAllowed, "`matching` applies to string, not to \(type.shortName)", at: pattern.span,
                help: "`name` and `namespace` have fixed rules; use `string` with `matching` for other formats")
            return nil
        }
        switch regexCache.compile(pattern.value) {
        case .success(let regex):
            return regex
        case .failure(let failure):
            let escaped = pattern.form == .plain && text(of: pattern.span).unicodeScalars.contains("\\")
            error(
                .invalidRegex, "invalid regular expression `\(abbreviated(pattern.value))`: \(failure.message)",
                at: span(ofScalar: failure.offset, in: pattern),
                help: escaped ? "write the pattern as a raw string, e.g. `#\"^[a-z0-9-]+$\"#`, so backslashes reach the regex" : nil)
            return nil
        }
    }

    /// The source span of the pattern's scalar at `offset`, or the whole literal when the
    /// literal cannot be mapped back to its source (`LiteralSourceMap`).
    private func span(ofScalar offset: Int, in pattern: StringLiteral) -> SourceSpan {
        guard let file = sourceFile(for: pattern.span), let map = LiteralSourceMap(literal: pattern, in: file) else {
            return pattern.span
        }
        var byte = 0
        for (index, scalar) in pattern.value.unicodeScalars.enumerated() {
            let width = UTF8.width(scalar)
            if index == offset { return map.span(of: byte..<(byte + width), file: pattern.span.file) ?? pattern.span }
            byte += width
        }
        return pattern.span
    }

    mutating func reportEmptyRange(_ range: RangeLiteral, written: String) {
        error(
            .emptyRange, "empty range `\(written)`: the lower bound is above the upper", at: range.span,
            help: "write the smaller bound first: `\(text(of: range.upper.span))..\(text(of: range.lower.span))`")
    }

    /// Checks a default against the arg's type and (valid) constraints. True when it passes.
    /// Messages quote the default and the constraints as written (`25h`, `5m..24h`, `1_000`).
    private mutating func checkDefault(
        _ value: Literal, of arg: ArgModel, declaration: ArgDeclaration, pattern: LinearRegex?
    ) -> Bool {
        var shown: String { quoted(value.span) }
        func fail(_ message: String, notes: [DiagnosticNote] = [], help: String? = nil) -> Bool {
            error(.invalidDefault, message, at: value.span, notes: notes, help: help)
            return false
        }
        func written(_ range: RangeLiteral?) -> String { range.map { text(of: $0.span) } ?? "" }
        switch (arg.type, value.value) {
        case (.int, .int(let number)):
            if case .int(let range)? = arg.range, !range.contains(number) {
                return fail("default `\(shown)` is outside `\(written(declaration.range))`")
            }
            return true
        case (.duration, .duration(let duration)):
            if case .duration(let range)? = arg.range, !range.contains(duration) {
                return fail("default `\(shown)` is outside `\(written(declaration.range))`")
            }
            return true
        case (.bool, .bool):
            return true
        case (.string, .string(let string)):
            let count = Int64(string.unicodeScalars.count)
            if let length = arg.length {
                if !length.contains(count) {
                    return fail("default `\(shown)` has \(count) Unicode scalars, outside `len \(written(declaration.length))`")
                }
            } else if count > Int64(NameRules.defaultStringScalarCap) {
                return fail(
                    "default is \(count) Unicode scalars long, over the \(NameRules.defaultStringScalarCap) allowed for a `string` without `len`",
                    help: "add `len LO..HI` to allow longer values")
            }
            if let pattern, !ValuePattern.matches(pattern, wholeOf: string) {
                let source = arg.pattern ?? ""
                return fail(
                    "default `\(shown)` does not match `\(abbreviated(source))`",
                    help: Self.matchesOnlyAsGraphemes(source, string)
                        ? "the whole value must match the pattern, scalar by scalar: `.` is one Unicode scalar and no Unicode normalisation is applied, so `é` (U+00E9) is not `e` + U+0301"
                        : "the whole value must match the pattern")
            }
            return true
        case (.name, .string(let string)):
            if let violation = NameRules.nameViolation(string) {
                return fail(
                    "default `\(shown)` is not a valid name: \(violation)",
                    help: "a name is an RFC 1123 subdomain: lowercase letters, digits, `-` and `.`, each part starting and ending with a letter or digit, at most 253 characters")
            }
            return true
        case (.namespace, .string(let string)):
            if let violation = NameRules.namespaceViolation(string) {
                return fail(
                    "default `\(shown)` is not a valid namespace: \(violation)",
                    help: "a namespace is an RFC 1123 label: lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters")
            }
            if let forbiddenAt = forbidden[ExactString(string)] {
                return fail(
                    "default namespace `\(shown)` is forbidden by policy",
                    notes: [DiagnosticNote("forbidden here", at: forbiddenAt)],
                    help: "choose a namespace the policies allow, or remove the default")
            }
            return true
        case (.enumeration(let members), .string(let string)):
            guard members.containsExactly(string) else {
                return fail(
                    "default `\(shown)` is not one of `\(writtenType(declaration.type))`",
                    help: unicodeLookalikeHelp(string, among: members))
            }
            return true
        default:
            var help: String?
            if case .string = value.value, arg.type == .int || arg.type == .duration || arg.type == .bool {
                help = "write the value without quotes"
            }
            error(
                .defaultTypeMismatch, "default `\(shown)` is \(value.value.kindWithArticle), but `\(arg.name)` is \(arg.type.withArticle)",
                at: value.span, help: help)
            return false
        }
    }

    /// An enum type as written, one line: `"a" | "b"` with each member's source text.
    private func writtenType(_ type: TypeSyntax) -> String {
        guard case .enumeration(let literals) = type.kind else { return text(of: type.span) }
        return literals.map { text(of: $0.span) }.joined(separator: " | ")
    }

    /// True when `pattern` would match `value` read as characters (grapheme clusters, with
    /// canonical equivalence), as Swift's default `Regex` semantics would, though it does not
    /// match scalar by scalar: for a help. In linear time, as every match.
    private static func matchesOnlyAsGraphemes(_ pattern: String, _ value: String) -> Bool {
        LinearRegex.matchesAsCharacters(pattern, value)
    }
}

extension ArgType {
    /// `string`, `name`, `an enum` — how a type is named in "applies to … not to …".
    var shortName: String {
        if case .enumeration = self { return "an enum" }
        return description
    }

    /// `an int`, `a namespace`, `an enum` for messages.
    var withArticle: String {
        switch self {
        case .int: "an int"
        case .enumeration: "an enum"
        default: "a \(description)"
        }
    }
}
