import Foundation

/// A TextMate grammar read from its JSON form, with just what `Grammar/rein.tmLanguage.json`
/// uses: `match` rules with `name` and `captures`; `begin`/`end` rules with `name`,
/// `contentName`, `beginCaptures`, `endCaptures` (or `captures` for both) and `patterns`;
/// `patterns`-only groups; `include` of `#NAME`, `$self`, `$base` and the grammar's own scope.
/// Anything else (a key it does not know, an include that does not resolve, a regex that Swift
/// cannot compile or that Oniguruma would read differently) makes loading fail, so a grammar
/// that loads is one this tokenizer runs faithfully.
struct TextMateGrammar {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// A regex searched the way TextMate searches with Oniguruma: from a position of a line,
    /// with `^`, `\b` and lookaheads seeing the whole line. Swift's `Regex` treats the bounds of
    /// a substring as the ends of its input, so a search from position `p > 0` runs
    /// `\A[\s\S][\s\S]*?(PATTERN)` on the line from `p - 1`: the character before `p` is
    /// context for `\b` and makes `^` fail there, and the lazy prefix finds the leftmost start.
    struct Pattern {
        let source: String
        private let fromLineStart: Regex<AnyRegexOutput>
        private let fromLater: Regex<AnyRegexOutput>

        init(_ source: String) throws {
            self.source = source
            fromLineStart = try Self.compile("(" + source + ")")
            fromLater = try Self.compile(#"\A[\s\S][\s\S]*?("# + source + ")")
        }

        private static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
            // Oniguruma's ^ and $ are line anchors, and its \b lies between \w and \W (Swift's
            // default follows Unicode word rules, with no boundary in `args.x`). Matching stays
            // on characters: with `.matchingSemantics(.unicodeScalar)`, Swift 6.3's simple \b
            // does not count digits as word characters (`\b0` never matches).
            try Regex(pattern).anchorsMatchLineEndings(true).wordBoundaryKind(.simple)
        }

        /// The leftmost match starting at `position` or later: the range of the whole match
        /// (index 0) and of each capture group, in Unicode scalar offsets; nil where a group
        /// did not take part.
        func firstMatch(in line: Line, from position: Int) throws -> [Range<Int>?]? {
            let match =
                position == 0
                ? try fromLineStart.firstMatch(in: line.text)
                : try fromLater.firstMatch(in: line.text[line.indices[position - 1]...])
            guard let match else { return nil }
            // Group 1 of the compiled regex is the grammar's group 0.
            return (1..<match.output.count).map { group in
                match.output[group].range.map { line.offset($0.lowerBound)..<line.offset($0.upperBound) }
            }
        }
    }

    /// One line as the tokenizer sees it: its text with a final "\n", as TextMate gives it to
    /// the regexes, and a map between string indices and Unicode scalar offsets.
    struct Line {
        let text: String
        let indices: [String.Index]
        private let offsets: [String.Index: Int]

        /// For Oniguruma only "\n" ends a line; Swift's `Regex` also stops `.` and anchors `$`
        /// at CR, VT, FF, NEL, LS and PS. Inside a line those become spaces (also `\s` to
        /// both engines), one scalar for one, so offsets do not move.
        init(_ line: String) {
            var text = String(
                String.UnicodeScalarView(
                    line.unicodeScalars.map { scalar in
                        ["\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) ? " " : scalar
                    }))
            text += "\n"
            self.text = text
            indices = Array(text.unicodeScalars.indices) + [text.endIndex]
            offsets = Dictionary(uniqueKeysWithValues: indices.enumerated().map { ($1, $0) })
        }

        var length: Int { indices.count - 1 }

        func offset(_ index: String.Index) -> Int {
            offsets[index] ?? text.unicodeScalars.distance(from: text.startIndex, to: index)
        }
    }

    /// Scope names for capture groups, by group number.
    typealias Captures = [Int: [String]]

    struct BeginEndRule {
        let begin: Pattern
        let end: Pattern
        let name: [String]
        let contentName: [String]
        let beginCaptures: Captures
        let endCaptures: Captures
        let patterns: [Int]
    }

    enum Rule {
        case match(Pattern, name: [String], captures: Captures)
        case beginEnd(BeginEndRule)
        case include(String)
        case group([Int])
    }

    let scopeName: String
    let fileTypes: [String]
    private(set) var rules: [Rule] = []
    private(set) var rootPatterns: [Int] = []
    private(set) var repository: [String: Int] = [:]

    /// Every regex of the grammar, with where it stands (`repository.NAME.patterns[2].match`).
    private(set) var patterns: [(path: String, pattern: Pattern)] = []

    private static let topLevelKeys: Set<String> = [
        "$schema", "name", "scopeName", "fileTypes", "patterns", "repository", "comment", "uuid",
    ]
    private static let ruleKeys: Set<String> = [
        "name", "match", "captures", "begin", "end", "beginCaptures", "endCaptures", "contentName",
        "patterns", "include", "comment",
    ]

    init(contentsOf url: URL) throws {
        try self.init(data: try Data(contentsOf: url))
    }

    init(data: Data) throws {
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw LoadError(description: "the grammar is not a JSON object")
        }
        if let unknown = Set(json.keys).subtracting(Self.topLevelKeys).sorted().first {
            throw LoadError(description: "unsupported top-level key `\(unknown)`")
        }
        guard let scopeName = json["scopeName"] as? String else {
            throw LoadError(description: "no scopeName")
        }
        self.scopeName = scopeName
        fileTypes = json["fileTypes"] as? [String] ?? []
        let repositoryJSON = json["repository"] as? [String: Any] ?? [:]
        // Repository entries first, so that rule ids exist before includes are checked.
        for key in repositoryJSON.keys.sorted() {
            guard let entry = repositoryJSON[key] as? [String: Any] else {
                throw LoadError(description: "repository.\(key) is not an object")
            }
            repository[key] = try addRule(entry, path: "repository.\(key)")
        }
        rootPatterns = try addPatterns(json["patterns"], path: "patterns")
        for case .include(let target) in rules where resolve(target) == nil {
            throw LoadError(description: "`include: \(target)` does not resolve")
        }
    }

    // MARK: Reading the JSON

    private mutating func addRule(_ json: [String: Any], path: String) throws -> Int {
        if let unknown = Set(json.keys).subtracting(Self.ruleKeys).sorted().first {
            throw LoadError(description: "\(path): unsupported key `\(unknown)`")
        }
        let name = try scopes(json["name"], path: path + ".name")
        let rule: Rule
        if let target = json["include"] {
            guard let target = target as? String, json.count == 1 || (json.count == 2 && json["comment"] != nil)
            else { throw LoadError(description: "\(path): an include stands alone") }
            rule = .include(target)
        } else if let match = json["match"] {
            if json["begin"] != nil || json["end"] != nil || json["patterns"] != nil || json["contentName"] != nil {
                throw LoadError(description: "\(path): `match` mixed with begin/end keys")
            }
            rule = .match(
                try pattern(match, path: path + ".match"), name: name,
                captures: try captures(json["captures"], path: path + ".captures"))
        } else if let begin = json["begin"] {
            guard let end = json["end"] else { throw LoadError(description: "\(path): `begin` without `end`") }
            let both = try captures(json["captures"], path: path + ".captures")
            rule = .beginEnd(
                BeginEndRule(
                    begin: try pattern(begin, path: path + ".begin"),
                    end: try pattern(end, path: path + ".end"),
                    name: name,
                    contentName: try scopes(json["contentName"], path: path + ".contentName"),
                    beginCaptures: json["beginCaptures"] == nil
                        ? both : try captures(json["beginCaptures"], path: path + ".beginCaptures"),
                    endCaptures: json["endCaptures"] == nil
                        ? both : try captures(json["endCaptures"], path: path + ".endCaptures"),
                    patterns: try addPatterns(json["patterns"], path: path + ".patterns")))
        } else if json["patterns"] != nil {
            rule = .group(try addPatterns(json["patterns"], path: path + ".patterns"))
        } else {
            throw LoadError(description: "\(path): neither match, begin, patterns nor include")
        }
        rules.append(rule)
        return rules.count - 1
    }

    private mutating func addPatterns(_ json: Any?, path: String) throws -> [Int] {
        guard let json else { return [] }
        guard let list = json as? [[String: Any]] else { throw LoadError(description: "\(path) is not a list of rules") }
        return try list.enumerated().map { try addRule($1, path: "\(path)[\($0)]") }
    }

    private mutating func pattern(_ json: Any, path: String) throws -> Pattern {
        guard let source = json as? String else { throw LoadError(description: "\(path) is not a string") }
        if let problem = Self.portabilityProblem(in: source) {
            throw LoadError(description: "\(path) `\(source)`: \(problem)")
        }
        do {
            let compiled = try Pattern(source)
            patterns.append((path, compiled))
            return compiled
        } catch {
            throw LoadError(description: "\(path) `\(source)` does not compile: \(error)")
        }
    }

    private func scopes(_ json: Any?, path: String) throws -> [String] {
        guard let json else { return [] }
        guard let names = json as? String else { throw LoadError(description: "\(path) is not a string") }
        return names.split(separator: " ").map(String.init)
    }

    private func captures(_ json: Any?, path: String) throws -> Captures {
        guard let json else { return [:] }
        guard let table = json as? [String: Any] else { throw LoadError(description: "\(path) is not an object") }
        var result: Captures = [:]
        for (key, value) in table {
            guard let group = Int(key), let capture = value as? [String: Any],
                Set(capture.keys).isSubset(of: ["name", "comment"])
            else { throw LoadError(description: "\(path).\(key): only {\"name\": …} is supported") }
            result[group] = try scopes(capture["name"], path: "\(path).\(key).name")
        }
        return result
    }

    /// Why `pattern` would not mean the same to Oniguruma (TextMate, VS Code, GitHub) and to
    /// Swift's `Regex`, or nil. Rejected: lookbehind, atomic groups, possessive quantifiers,
    /// `\G`, `\K`, backreferences, named groups (they make Oniguruma's plain groups
    /// non-capturing) and `\h`/`\H` (a hex digit in Oniguruma, horizontal space in Swift).
    static func portabilityProblem(in pattern: String) -> String? {
        let characters = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        func next(_ offset: Int = 1) -> Unicode.Scalar? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                guard let escaped = next() else { return "a trailing backslash" }
                if escaped == "h" || escaped == "H" {
                    return "`\\\(escaped)` is a hex digit in Oniguruma but horizontal space in Swift"
                }
                if !inClass, escaped == "G" || escaped == "K" { return "`\\\(escaped)` is not supported by Swift's Regex" }
                if !inClass, ("1"..."9").contains(escaped) || escaped == "k" { return "a backreference" }
                index += 2
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                index += 1
                continue
            }
            switch character {
            case "[":
                inClass = true
                index += next() == "^" ? 2 : 1
                if index < characters.count, characters[index] == "]" { index += 1 }  // `[]…]`
                continue
            case "(" where next() == "?":
                if next(2) == ">" { return "an atomic group" }
                if next(2) == "<" { return next(3) == "=" || next(3) == "!" ? "a lookbehind" : "a named group" }
                if next(2) == "P" || next(2) == "'" { return "a named group" }
            case "*", "+", "?", "}":
                if next() == "+" { return "a possessive quantifier" }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    // MARK: Resolving includes

    /// The rules an include names, or nil when it names nothing.
    func resolve(_ target: String) -> [Int]? {
        if target == "$self" || target == "$base" || target == scopeName { return rootPatterns }
        if target.hasPrefix("#"), let id = repository[String(target.dropFirst())] { return [id] }
        return nil
    }

    /// The `match` and `begin`/`end` rules of a pattern list, with includes and groups
    /// replaced by what they contain, in order.
    func concreteRules(_ ids: [Int]) throws -> [Int] {
        var result: [Int] = []
        var seen: Set<Int> = []
        func visit(_ ids: [Int], path: Set<Int>) throws {
            for id in ids {
                switch rules[id] {
                case .match, .beginEnd:
                    if seen.insert(id).inserted { result.append(id) }
                case .group(let inner):
                    if !path.contains(id) { try visit(inner, path: path.union([id])) }
                case .include(let target):
                    guard let inner = resolve(target) else {
                        throw LoadError(description: "`include: \(target)` does not resolve")
                    }
                    if !path.contains(id) { try visit(inner, path: path.union([id])) }
                }
            }
        }
        try visit(ids, path: [])
        return result
    }
}
