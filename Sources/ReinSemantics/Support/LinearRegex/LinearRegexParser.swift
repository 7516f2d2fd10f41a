/// Parses a `LinearRegex` pattern into `LinearRegexNode`s: recursive descent over the
/// pattern's Unicode scalars, one level per group, so at most `LinearRegex.maxNesting` deep.
///
/// The dialect is the portable RE2/ICU core (Grammar/README.md, "Regular expressions"). What
/// other dialects read differently is rejected rather than guessed: an unescaped `[` or
/// `&&`, `--` inside a class (nested classes and set operations in ICU and Swift), `{` that
/// does not start a quantifier, `{,n}`, a quantifier on a quantifier.
struct LinearRegexParser {
    typealias SyntaxError = LinearRegex.SyntaxError

    private let scalars: [Unicode.Scalar]
    private var position = 0

    private init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    static func parse(_ pattern: String) throws(SyntaxError) -> LinearRegexNode {
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= LinearRegex.maxPatternLength else {
            throw SyntaxError(
                message: "the pattern is \(scalars.count) Unicode scalars long, over the \(LinearRegex.maxPatternLength) allowed",
                offset: LinearRegex.maxPatternLength)
        }
        var parser = LinearRegexParser(scalars)
        let node = try parser.parseAlternation(depth: 0)
        if parser.position < scalars.count {
            // Only a `)` stops an alternation before the end.
            throw SyntaxError(message: "unbalanced `)`: no group is open", offset: parser.position)
        }
        return node
    }

    // MARK: Structure

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = position + ahead
        return index < scalars.count ? scalars[index] : nil
    }

    /// The pattern text from `start` up to (not including) `end`, cut short for a message.
    private func text(_ start: Int, _ end: Int) -> String {
        let upper = min(max(start, end), scalars.count)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<min(upper, start + 30)])
        return String(view) + (upper > start + 30 ? "…" : "")
    }

    private mutating func parseAlternation(depth: Int) throws(SyntaxError) -> LinearRegexNode {
        var branches = [try parseConcatenation(depth: depth)]
        while peek() == "|" {
            position += 1
            branches.append(try parseConcatenation(depth: depth))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation(depth: Int) throws(SyntaxError) -> LinearRegexNode {
        var items: [LinearRegexNode] = []
        while let next = peek(), next != "|", next != ")" {
            let atomStart = position
            let (atom, repeatable) = try parseAtom(depth: depth)
            guard let repetition = try parseQuantifier() else {
                items.append(atom)
                continue
            }
            guard repeatable else {
                throw SyntaxError(
                    message: "`\(repetition.text)` cannot repeat the anchor `\(text(atomStart, repetition.offset))`",
                    offset: repetition.offset)
            }
            let stackedStart = position
            if let stacked = try parseQuantifier() {
                throw SyntaxError(
                    message: "`\(stacked.text)` follows the quantifier `\(repetition.text)`; to repeat a repetition, group it first, as in `(?:a\(repetition.text))\(stacked.text)`",
                    offset: stackedStart)
            }
            items.append(.repetition(atom, repetition))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    /// One atom, and whether a quantifier may follow it (not after an anchor).
    private mutating func parseAtom(depth: Int) throws(SyntaxError) -> (LinearRegexNode, Bool) {
        let start = position
        let scalar = scalars[position]
        switch scalar {
        case "(":
            return (try parseGroup(depth: depth), true)
        case "[":
            return (.characterClass(try parseClass()), true)
        case ".":
            position += 1
            return (.any, true)
        case "^":
            position += 1
            return (.start, false)
        case "$":
            position += 1
            return (.end, false)
        case "\\":
            switch try parseEscape(inClass: false) {
            case .scalar(let value): return (.scalar(value), true)
            case .characterClass(let set): return (.characterClass(set), true)
            case .start: return (.start, false)
            case .end: return (.end, false)
            }
        case "*", "+", "?":
            throw SyntaxError(message: "`\(scalar)` has nothing to repeat", offset: start)
        case "{":
            if let repetition = try parseQuantifier() {
                throw SyntaxError(message: "`\(repetition.text)` has nothing to repeat", offset: start)
            }
            // `parseQuantifier` throws for a `{` that does not start a quantifier.
            throw SyntaxError(message: "`{` has nothing to repeat", offset: start)
        default:
            position += 1
            return (.scalar(scalar), true)
        }
    }

    // MARK: Groups

    private mutating func parseGroup(depth: Int) throws(SyntaxError) -> LinearRegexNode {
        let open = position
        guard depth < LinearRegex.maxNesting else {
            throw SyntaxError(message: "groups nest deeper than \(LinearRegex.maxNesting) levels", offset: open)
        }
        position += 1
        if peek() == "?" {
            try parseGroupPrefix(open: open)
        }
        let inner = try parseAlternation(depth: depth + 1)
        guard peek() == ")" else {
            throw SyntaxError(message: "unbalanced `(`: the group is never closed", offset: open)
        }
        position += 1
        return inner
    }

    /// After `(?`: accepts `(?:`, `(?<name>`, `(?P<name>`; rejects the rest, naming it.
    private mutating func parseGroupPrefix(open: Int) throws(SyntaxError) {
        position += 1  // `?`
        func unsupported(_ what: String, _ length: Int) -> SyntaxError {
            SyntaxError(
                message: "\(what) `\(text(open, open + length))` \(what.hasSuffix("s") ? "are" : "is") not supported: matching must stay linear in the value",
                offset: open)
        }
        guard let kind = peek() else {
            throw SyntaxError(message: "unbalanced `(`: the group is never closed", offset: open)
        }
        switch kind {
        case ":":
            position += 1
        case "<" where peek(1) == "=":
            throw unsupported("lookbehind", 4)
        case "<" where peek(1) == "!":
            throw unsupported("lookbehind", 4)
        case "<":
            position += 1
            try parseGroupName(open: open)
        case "P" where peek(1) == "<":
            position += 2
            try parseGroupName(open: open)
        case "P" where peek(1) == "=":
            throw unsupported("backreferences", 4)
        case "P" where peek(1) == ">":
            throw unsupported("recursion", 4)
        case "=", "!":
            throw unsupported("lookahead", 3)
        case ">":
            throw unsupported("atomic groups", 3)
        case "(":
            throw unsupported("conditionals", 3)
        case "#":
            throw SyntaxError(message: "comment groups `(?#…)` are not supported", offset: open)
        case "|":
            throw SyntaxError(message: "branch reset groups `(?|` are not supported", offset: open)
        case "'":
            throw SyntaxError(message: "write a named group as `(?<name>…)`, not `(?'name'…)`", offset: open)
        case "R", "&", "+", "0"..."9":
            throw unsupported("recursion", 3)
        default:
            if kind.properties.isAlphabetic || kind == "-" || kind == "^" {
                // `(?i)`, `(?i:…)`, `(?-s)`, `(?^x)`: show the flags.
                var end = position
                while end < scalars.count, end - open < 12, scalars[end] != ")", scalars[end] != ":" { end += 1 }
                let shown = text(open, min(end + 1, scalars.count))
                throw SyntaxError(
                    message: "inline flags `\(shown)` are not supported: patterns are case-sensitive, and `.` never matches `\\n`",
                    offset: open)
            }
            throw SyntaxError(message: "unknown group syntax `\(text(open, open + 3))`", offset: open)
        }
    }

    /// `name>` of a named group: an ASCII letter or `_`, then letters, digits or `_`.
    private mutating func parseGroupName(open: Int) throws(SyntaxError) {
        let nameStart = position
        while let next = peek(), next.isASCII, next.properties.isAlphabetic || ("0"..."9").contains(next) || next == "_" {
            position += 1
        }
        let name = text(nameStart, position)
        if name.isEmpty, peek() == ">" {
            throw SyntaxError(message: "a named group needs a name, as in `(?<name>…)`", offset: open)
        }
        guard peek() == ">" else {
            throw SyntaxError(
                message: "a group name ends with `>`; names use ASCII letters, digits and `_`",
                offset: position < scalars.count ? position : open)
        }
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
            throw SyntaxError(message: "invalid group name `\(name)`: it must start with a letter or `_`", offset: nameStart)
        }
        position += 1
    }

    // MARK: Quantifiers

    /// A quantifier at the current position, with its optional lazy `?` or possessive `+`
    /// suffix, or nil when none is there.
    private mutating func parseQuantifier() throws(SyntaxError) -> LinearRegexRepetition? {
        let start = position
        guard let next = peek() else { return nil }
        var min: Int
        var max: Int?
        switch next {
        case "*": (min, max) = (0, nil)
        case "+": (min, max) = (1, nil)
        case "?": (min, max) = (0, 1)
        case "{": (min, max) = try parseCount()
        default: return nil
        }
        if next != "{" { position += 1 }
        if let suffix = peek(), suffix == "?" || suffix == "+" { position += 1 }
        return LinearRegexRepetition(min: min, max: max, offset: start, text: text(start, position))
    }

    /// `{n}`, `{n,}`, `{n,m}`, ending after the `}`.
    private mutating func parseCount() throws(SyntaxError) -> (Int, Int?) {
        let open = position
        position += 1
        let literalBrace = SyntaxError(message: "a literal `{` must be escaped as `\\{`", offset: open)
        guard let min = try parseNumber() else {
            if peek() == "," {
                var end = position + 1
                while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
                if end > position + 1, end < scalars.count, scalars[end] == "}" {
                    let upper = text(position + 1, end)
                    throw SyntaxError(message: "write `{0,\(upper)}`, not `{,\(upper)}`: other regex dialects read `{,\(upper)}` literally", offset: open)
                }
            }
            throw literalBrace
        }
        var max: Int? = min
        if peek() == "," {
            position += 1
            max = try parseNumber()
        }
        guard peek() == "}" else { throw literalBrace }
        position += 1
        if let max, max < min {
            throw SyntaxError(message: "`\(text(open, position))` repeats at least \(min) times but at most \(max)", offset: open)
        }
        return (min, max)
    }

    /// Decimal digits, at most `LinearRegex.maxRepetitionCount`; nil when there are none.
    private mutating func parseNumber() throws(SyntaxError) -> Int? {
        let start = position
        var value = 0
        while let digit = peek(), ("0"..."9").contains(digit) {
            value = Swift.min(value * 10 + Int(digit.value - 0x30), 1_000_000)
            position += 1
        }
        guard position > start else { return nil }
        if value > LinearRegex.maxRepetitionCount {
            throw SyntaxError(
                message: "the count `\(text(start, position))` is over the \(LinearRegex.maxRepetitionCount) allowed in a repetition",
                offset: start)
        }
        return value
    }

    // MARK: Escapes

    private enum Escape {
        case scalar(Unicode.Scalar)
        case characterClass(LinearRegexClass)
        case start
        case end
    }

    /// An escape at the current `\`.
    private mutating func parseEscape(inClass: Bool) throws(SyntaxError) -> Escape {
        let start = position
        position += 1
        guard let letter = peek() else {
            throw SyntaxError(message: "the pattern ends with a lone `\\`; write `\\\\` for a backslash", offset: start)
        }
        position += 1
        func unsupported(_ message: String) -> SyntaxError { SyntaxError(message: message, offset: start) }
        switch letter {
        case "d": return .characterClass(.digit)
        case "D": return .characterClass(LinearRegexClass(LinearRegexClass.digit.ranges, negated: true))
        case "w": return .characterClass(.word)
        case "W": return .characterClass(LinearRegexClass(LinearRegexClass.word.ranges, negated: true))
        case "s": return .characterClass(.space)
        case "S": return .characterClass(LinearRegexClass(LinearRegexClass.space.ranges, negated: true))
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "u", "x": return .scalar(try parseHexEscape(start: start, letter: letter))
        case "A", "z":
            if inClass {
                throw unsupported("the anchor `\\\(letter)` cannot appear in a character class")
            }
            return letter == "A" ? .start : .end
        case "Z":
            throw unsupported("`\\Z` is not supported: write `\\z` or `$`, the end of the value (no trailing newline is allowed)")
        case "1"..."9":
            throw unsupported("backreferences like `\\\(letter)` are not supported: matching must stay linear in the value")
        case "k", "g":
            throw unsupported("backreferences like `\\\(letter)<name>` are not supported: matching must stay linear in the value")
        case "b", "B":
            throw unsupported("word boundaries (`\\\(letter)`) are not supported")
        case "p", "P":
            throw unsupported("property classes like `\\\(letter){…}` are not supported; list the characters in a class, as in `[a-zA-Z]`")
        default:
            // Any ASCII punctuation or space may be escaped to stand for itself.
            if letter.isASCII, letter.value >= 0x20, letter.value < 0x7F, !letter.properties.isAlphabetic,
                !("0"..."9").contains(letter)
            {
                return .scalar(letter)
            }
            throw unsupported("unknown escape `\(text(start, position))`")
        }
    }

    /// `\u{HEX}`, `\uHHHH`, `\x{HEX}`, `\xHH` (after the letter).
    private mutating func parseHexEscape(start: Int, letter: Unicode.Scalar) throws(SyntaxError) -> Unicode.Scalar {
        let fixedLength = letter == "u" ? 4 : 2
        let braced = peek() == "{"
        if braced { position += 1 }
        let digitsStart = position
        var value: UInt32 = 0
        while let digit = peek(), let nibble = Self.hexValue(digit), braced || position - digitsStart < fixedLength {
            value = Swift.min(value &* 16 &+ nibble, 0x110000)
            position += 1
        }
        let count = position - digitsStart
        let valid = braced ? (count >= 1 && count <= 8 && peek() == "}") : count == fixedLength
        guard valid else {
            let form = braced ? "`\\\(letter){HEX}`" : "`\\\(letter)\(String(repeating: "H", count: fixedLength))` (or `\\\(letter){HEX}`)"
            throw SyntaxError(message: "malformed escape `\(text(start, position + (braced && peek() == "}" ? 1 : 0)))`: write \(form)", offset: start)
        }
        if braced { position += 1 }
        guard let scalar = Unicode.Scalar(value) else {
            throw SyntaxError(message: "`\(text(start, position))` is not a Unicode scalar", offset: start)
        }
        return scalar
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    // MARK: Character classes

    /// `[…]` or `[^…]`. A `]` right after `[` or `[^` is a member; `-` is literal first or
    /// last; `\d` `\w` `\s` (and negations) and escapes are members.
    private mutating func parseClass() throws(SyntaxError) -> LinearRegexClass {
        let open = position
        position += 1
        var negated = false
        if peek() == "^" {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var listed: Set<Character> = []
        var first = true
        while true {
            guard let next = peek() else {
                throw SyntaxError(message: "unbalanced `[`: the class `\(text(open, scalars.count))` is never closed", offset: open)
            }
            if next == "]", !first {
                position += 1
                break
            }
            first = false
            let itemStart = position
            switch next {
            case "[":
                throw SyntaxError(message: "a literal `[` in a character class must be escaped as `\\[`", offset: itemStart)
            case "&" where peek(1) == "&", "~" where peek(1) == "~", "-" where peek(1) == "-":
                throw SyntaxError(
                    message: "`\(text(itemStart, itemStart + 2))` in a character class means a set operation in some regex dialects; escape the character, as in `\\\(next)`",
                    offset: itemStart)
            default:
                break
            }
            let lower = try parseClassMember()
            guard peek() == "-", let afterDash = peek(1), afterDash != "]" else {
                switch lower {
                case .scalar(let scalar):
                    ranges.append(scalar.value...scalar.value)
                    if !scalar.isASCII { listed.insert(Character(scalar)) }
                case .characterClass(let set):
                    ranges.append(contentsOf: set.effectiveRanges)
                case .start, .end:
                    break  // rejected by `parseEscape(inClass: true)`
                }
                continue
            }
            // A range `LO-HI`.
            guard case .scalar(let low) = lower else {
                throw SyntaxError(
                    message: "`-` after `\(text(itemStart, position))` is ambiguous; escape it as `\\-` or put it first or last in the class",
                    offset: position)
            }
            if afterDash == "-" {
                throw SyntaxError(
                    message: "`--` in a character class means a set operation in some regex dialects; escape the character, as in `\\-`",
                    offset: position)
            }
            position += 1  // `-`
            let upperStart = position
            if peek() == "[" {
                throw SyntaxError(message: "a literal `[` in a character class must be escaped as `\\[`", offset: upperStart)
            }
            guard case .scalar(let high) = try parseClassMember() else {
                throw SyntaxError(
                    message: "a range cannot end with the class `\(text(upperStart, position))`",
                    offset: upperStart)
            }
            guard low.value <= high.value else {
                throw SyntaxError(
                    message: "reversed range `\(text(itemStart, position))` in a character class: write the smaller bound first",
                    offset: itemStart)
            }
            ranges.append(low.value...high.value)
            if peek() == "-", let afterDash = peek(1), afterDash != "]" {
                throw SyntaxError(
                    message: "`-` after the range `\(text(itemStart, position))` is ambiguous; escape it as `\\-` or put it first or last in the class",
                    offset: position)
            }
        }
        var set = LinearRegexClass(ranges, negated: negated)
        set.listed = listed
        return set
    }

    private mutating func parseClassMember() throws(SyntaxError) -> Escape {
        let scalar = scalars[position]
        if scalar == "\\" { return try parseEscape(inClass: true) }
        position += 1
        return .scalar(scalar)
    }
}
