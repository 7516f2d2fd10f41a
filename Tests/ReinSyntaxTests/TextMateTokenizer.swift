import Foundation

/// Runs a `TextMateGrammar` over text line by line, carrying open `begin`/`end` rules from one
/// line to the next, as TextMate does.
struct TextMateTokenizer {
    /// A run of Unicode scalars of one line (offsets from the start of the line, end
    /// exclusive) and its scopes, outermost first; the first is always the grammar's scope.
    struct Token: Equatable {
        let range: Range<Int>
        let scopes: [String]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// An open `begin`/`end` rule (or the root, with no rule).
    private struct Frame {
        let rule: Int?
        let nameScopes: [String]
        let contentScopes: [String]
        /// Line and scanning position at which the rule was entered (before its begin match).
        let enteredAt: (line: Int, position: Int)
    }

    private enum Candidate {
        case end, match(Int), begin(Int)
    }

    let grammar: TextMateGrammar
    private var stack: [Frame]
    private var expanded: [Int: [Int]] = [:]
    private var lineNumber = 0

    init(grammar: TextMateGrammar) {
        self.grammar = grammar
        stack = [Frame(rule: nil, nameScopes: [grammar.scopeName], contentScopes: [grammar.scopeName], enteredAt: (0, 0))]
    }

    /// The scopes open at the end of the last line: just the grammar's scope when no
    /// `begin`/`end` rule is left open.
    var openScopes: [String] { stack.last!.contentScopes }

    /// Tokenizes a whole text: a leading byte order mark is dropped, lines end at LF, and a CR
    /// before the LF belongs to the line end (as an editor reads the file).
    static func tokenize(_ text: String, grammar: TextMateGrammar) throws -> (lines: [[Token]], openScopes: [String]) {
        var tokenizer = TextMateTokenizer(grammar: grammar)
        let tokens = try lines(of: text).map { try tokenizer.tokenize(line: $0) }
        return (tokens, tokenizer.openScopes)
    }

    /// The lines of `text`, as `tokenize` reads them.
    static func lines(of text: String) -> [String] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        // Split on scalars: "\r\n" is one Character, never equal to "\n".
        return scalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(String.UnicodeScalarView(line.last == "\r" ? line.dropLast() : line))
        }
    }

    /// Tokenizes the next line (without its line end). Tokens cover the line without gaps.
    mutating func tokenize(line rawLine: String) throws -> [Token] {
        lineNumber += 1
        let line = TextMateGrammar.Line(rawLine)
        var scopesByScalar: [[String]] = Array(repeating: [], count: line.length)
        var cache: [String: (from: Int, match: [Range<Int>?]?)] = [:]
        var position = 0
        var emptyMatches = 0
        // As in vscode-textmate, scanning goes on at the end of the line (after the "\n"): an
        // end pattern such as `$` can still close a rule there.
        while true {
            let frame = stack.last!
            var best: (candidate: Candidate, match: [Range<Int>?])?
            for (key, candidate, pattern) in try candidates(of: frame) {
                let match: [Range<Int>?]?
                if let cached = cache[key], cached.from <= position,
                    cached.match.map({ $0[0]!.lowerBound >= position }) ?? true
                {
                    match = cached.match
                } else {
                    match = try pattern.firstMatch(in: line, from: position)
                    cache[key] = (position, match)
                }
                // Strictly earlier only: on a tie the candidate listed first (the end) wins.
                if let match, match[0]!.lowerBound < best?.match[0]!.lowerBound ?? Int.max {
                    best = (candidate, match)
                }
            }
            guard let best else {
                assign(frame.contentScopes, to: position..<line.length, in: &scopesByScalar)
                break
            }
            let whole = best.match[0]!
            assign(frame.contentScopes, to: position..<whole.lowerBound, in: &scopesByScalar)
            switch best.candidate {
            case .end:
                guard case .beginEnd(let rule) = grammar.rules[frame.rule!] else { fatalError("not a begin/end rule") }
                if whole.isEmpty, frame.enteredAt == (lineNumber, whole.lowerBound) {
                    throw stall(at: whole.lowerBound, "a rule begins and ends without advancing")
                }
                assign(frame.nameScopes, captures: rule.endCaptures, match: best.match, in: &scopesByScalar)
                stack.removeLast()
            case .match(let id):
                guard case .match(_, let name, let captures) = grammar.rules[id] else { fatalError("not a match rule") }
                if whole.isEmpty { throw stall(at: whole.lowerBound, "a match rule matches the empty string") }
                assign(frame.contentScopes + name, captures: captures, match: best.match, in: &scopesByScalar)
            case .begin(let id):
                guard case .beginEnd(let rule) = grammar.rules[id] else { fatalError("not a begin/end rule") }
                if whole.isEmpty, frame.rule == id {
                    throw stall(at: whole.lowerBound, "a rule begins inside itself without advancing")
                }
                let nameScopes = frame.contentScopes + rule.name
                assign(nameScopes, captures: rule.beginCaptures, match: best.match, in: &scopesByScalar)
                stack.append(
                    Frame(
                        rule: id, nameScopes: nameScopes, contentScopes: nameScopes + rule.contentName,
                        enteredAt: (lineNumber, position)))
            }
            emptyMatches = whole.isEmpty ? emptyMatches + 1 : 0
            if emptyMatches > 32 { throw stall(at: whole.lowerBound, "too many empty matches in a row") }
            position = whole.upperBound
        }
        return tokens(from: scopesByScalar.dropLast())  // the appended "\n"
    }

    private func stall(at position: Int, _ reason: String) -> Failure {
        Failure(description: "line \(lineNumber), column \(position + 1): the grammar loops: \(reason)")
    }

    /// The end pattern of the innermost open rule, then its patterns (the root patterns at the
    /// top level), with a cache key for each.
    private mutating func candidates(of frame: Frame) throws -> [(String, Candidate, TextMateGrammar.Pattern)] {
        var result: [(String, Candidate, TextMateGrammar.Pattern)] = []
        var patterns = grammar.rootPatterns
        if let id = frame.rule, case .beginEnd(let rule) = grammar.rules[id] {
            result.append(("end \(id)", .end, rule.end))
            patterns = rule.patterns
        }
        let key = frame.rule ?? -1
        if expanded[key] == nil { expanded[key] = try grammar.concreteRules(patterns) }
        for id in expanded[key]! {
            switch grammar.rules[id] {
            case .match(let pattern, _, _): result.append(("match \(id)", .match(id), pattern))
            case .beginEnd(let rule): result.append(("begin \(id)", .begin(id), rule.begin))
            default: break
            }
        }
        return result
    }

    private func assign(_ scopes: [String], to range: Range<Int>, in scopesByScalar: inout [[String]]) {
        for offset in range { scopesByScalar[offset] = scopes }
    }

    /// The whole match gets `base`; each capture group, in group order, adds its scopes over
    /// its range, so nested groups nest.
    private func assign(
        _ base: [String], captures: TextMateGrammar.Captures, match: [Range<Int>?], in scopesByScalar: inout [[String]]
    ) {
        let whole = match[0]!
        assign(base, to: whole, in: &scopesByScalar)
        for group in captures.keys.sorted() where group < match.count {
            guard let range = match[group]?.clamped(to: whole) else { continue }
            for offset in range { scopesByScalar[offset] += captures[group]! }
        }
    }

    private func tokens(from scopesByScalar: ArraySlice<[String]>) -> [Token] {
        var tokens: [Token] = []
        var start = scopesByScalar.startIndex
        for offset in scopesByScalar.indices.dropFirst() where scopesByScalar[offset] != scopesByScalar[start] {
            tokens.append(Token(range: start..<offset, scopes: scopesByScalar[start]))
            start = offset
        }
        if start < scopesByScalar.endIndex {
            tokens.append(Token(range: start..<scopesByScalar.endIndex, scopes: scopesByScalar[start]))
        }
        return tokens
    }
}
