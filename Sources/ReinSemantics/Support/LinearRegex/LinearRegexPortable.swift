extension LinearRegex {
    /// `pattern` (Rein's dialect) rewritten for JSON Schema's `pattern` keyword: the same
    /// language in the syntax ECMA-262, Python's `re`, ICU and PCRE read alike, anchored, since
    /// JSON Schema searches where Rein matches the whole value. `.` becomes `[^\n]`, `\d` `\w`
    /// `\s` their ASCII classes, named groups plain ones, lazy and possessive suffixes go (they
    /// mean nothing here), and characters outside printable ASCII are written `\uXXXX` (or
    /// literally above the BMP). The end of the value is `(?![\s\S])`, not `$`, which Python
    /// and ICU also let match before a final newline (RE2, which has no lookahead, cannot read
    /// it). Nil when the pattern does not compile.
    public static func portablePattern(_ pattern: String) -> String? {
        guard let node = try? LinearRegexParser.parse(pattern) else { return nil }
        return "^(?:" + PortablePrinter.print(node) + ")" + PortablePrinter.end
    }
}

/// Prints a parsed pattern in the portable syntax.
private enum PortablePrinter {
    /// The end of the value, in every dialect.
    static let end = "(?![\\s\\S])"
    /// Characters that mean something outside a class, escaped with `\`.
    static let special: Set<Unicode.Scalar> = ["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]
    /// Characters that mean something inside a class.
    static let classSpecial: Set<Unicode.Scalar> = ["\\", "]", "[", "^", "-"]

    static func print(_ node: LinearRegexNode) -> String {
        switch node {
        case .empty: return ""
        case .scalar(let scalar): return literal(scalar, specials: special)
        case .any: return "[^\\n]"
        case .characterClass(let set): return characterClass(set)
        case .start: return "^"
        case .end: return end
        case .concatenation(let parts):
            return parts.map { part in
                if case .alternation = part { return "(?:" + print(part) + ")" }
                return print(part)
            }.joined()
        case .alternation(let branches): return branches.map(print).joined(separator: "|")
        case .repetition(let body, let repetition):
            return atom(body) + quantifier(repetition)
        }
    }

    /// A node as the operand of a quantifier: grouped unless it is one scalar or class.
    private static func atom(_ node: LinearRegexNode) -> String {
        switch node {
        case .scalar, .any, .characterClass: print(node)
        default: "(?:" + print(node) + ")"
        }
    }

    private static func quantifier(_ repetition: LinearRegexRepetition) -> String {
        switch (repetition.min, repetition.max) {
        case (0, nil): "*"
        case (1, nil): "+"
        case (0, 1?): "?"
        case (let min, nil): "{\(min),}"
        case (let min, let max?) where min == max: "{\(min)}"
        case (let min, let max?): "{\(min),\(max)}"
        }
    }

    private static func characterClass(_ set: LinearRegexClass) -> String {
        // No scalar, or (negated) every one: forms every dialect reads alike.
        if set.ranges.isEmpty { return set.negated ? "[\\s\\S]" : "[^\\s\\S]" }
        var text = set.negated ? "[^" : "["
        for range in set.ranges {
            guard let low = Unicode.Scalar(range.lowerBound), let high = Unicode.Scalar(range.upperBound) else { continue }
            text += literal(low, specials: classSpecial)
            if high != low { text += (range.upperBound == range.lowerBound + 1 ? "" : "-") + literal(high, specials: classSpecial) }
        }
        return text + "]"
    }

    private static func literal(_ scalar: Unicode.Scalar, specials: Set<Unicode.Scalar>) -> String {
        if specials.contains(scalar) { return "\\" + String(scalar) }
        if (0x20...0x7E).contains(scalar.value) { return String(scalar) }
        if scalar.value > 0xFFFF { return String(scalar) }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
