import Foundation
import Testing

/// `Grammar/rein.tmLanguage.json`, the TextMate grammar editors use for `.rein` files, run by
/// the small tokenizer of `TextMateTokenizer.swift` (Oniguruma's search semantics on Swift's
/// `Regex`).
@Suite("TextMate grammar")
struct TextMateGrammarTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let grammarURL = root.appendingPathComponent("Grammar/rein.tmLanguage.json")

    /// Every `.rein` file of the repository that is meant to be valid: the examples, the
    /// anchor benchmark's workload and the valid corpus.
    static var validFiles: [String] { reinFiles(under: ["policies", "runbooks", "Benchmarks/Anchors", "Tests/Corpus/valid"]) }

    /// The invalid corpus (each file holds one deliberate error), minus the one that is not UTF-8.
    static var invalidFiles: [String] {
        reinFiles(under: ["Tests/Corpus/invalid"]).filter { $0 != "Tests/Corpus/invalid/lex-invalid-utf8.rein" }
    }

    static func reinFiles(under folders: [String]) -> [String] {
        folders.flatMap { folder in
            let entries = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            return (entries?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".rein") }.map { "\(folder)/\($0)" }
        }.sorted()
    }

    static func grammar() throws -> TextMateGrammar {
        try TextMateGrammar(contentsOf: grammarURL)
    }

    // MARK: 1. The grammar loads

    @Test func grammarLoads() throws {
        let grammar = try Self.grammar()  // JSON parses, every key is understood, includes resolve, regexes compile
        #expect(grammar.scopeName == "source.rein")
        #expect(grammar.fileTypes == ["rein"])
        #expect(grammar.patterns.count > 50)
        for (path, pattern) in grammar.patterns {
            #expect(TextMateGrammar.portabilityProblem(in: pattern.source) == nil, "\(path)")
        }
        // Every repository entry is reachable from the top level.
        var reachable: Set<Int> = []
        var queue = grammar.rootPatterns
        while let id = queue.popLast() {
            guard reachable.insert(id).inserted else { continue }
            switch grammar.rules[id] {
            case .include(let target): queue += grammar.resolve(target) ?? []
            case .group(let ids): queue += ids
            case .beginEnd(let rule): queue += rule.patterns
            case .match: break
            }
        }
        for (name, id) in grammar.repository.sorted(by: { $0.key < $1.key }) {
            #expect(reachable.contains(id), "repository.\(name) is never included")
        }
    }

    @Test(arguments: [
        (##"{"scopeName": "source.x", "patterns": [{"include": "#missing"}]}"##, "does not resolve"),
        (#"{"scopeName": "source.x", "patterns": [{"match": "(a"}]}"#, "does not compile"),
        (#"{"scopeName": "source.x", "patterns": [{"match": "(?<=a)b"}]}"#, "lookbehind"),
        (#"{"scopeName": "source.x", "patterns": [{"begin": "a", "end": "\\1"}]}"#, "backreference"),
        (#"{"scopeName": "source.x", "patterns": [{"begin": "a"}]}"#, "without `end`"),
        (#"{"scopeName": "source.x", "patterns": [{"match": "a", "captures": {"1": {"patterns": []}}}]}"#, "only"),
        (#"{"scopeName": "source.x", "patterns": [{"begin": "a", "while": "b"}]}"#, "unsupported key `while`"),
        (#"{"scopeName": "source.x", "injections": {}}"#, "unsupported top-level key"),
    ])
    func brokenGrammarsAreRejected(json: String, message: String) {
        #expect {
            try TextMateGrammar(data: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test(arguments: [
        (#"(?<=a)b"#, true), (#"(?<!a)b"#, true), (#"(?>ab)"#, true), (#"a*+"#, true), (#"a++"#, true),
        (#"\Ga"#, true), (#"(a)\1"#, true), (#"(?<name>a)"#, true), (#"\h+"#, true), (#"[\h]"#, true),
        (#"\bfoo(?=\s)"#, false), (#"(?:^[ \t]*|(\{)[ \t]*)"#, false), (#"[+-]?[0-9]+"#, false),
        (#"\\+"#, false), (#"[*+]"#, false), (#"a{1,8}"#, false), (#"(?!a)b"#, false),
    ])
    func portabilityCheck(pattern: String, rejected: Bool) {
        #expect((TextMateGrammar.portabilityProblem(in: pattern) != nil) == rejected)
    }

    // MARK: 2. Every character of every example has a scope

    @Test func thereAreExampleFiles() {
        #expect(Self.validFiles.count >= 12)
        #expect(Self.validFiles.contains("Benchmarks/Anchors/workload.rein"))
        #expect(Self.invalidFiles.count >= 50)
        #expect(Self.referenceBlocks.count >= 10)
    }

    @Test(arguments: validFiles)
    func everyCharacterOfAValidFileHasAScope(path: String) throws {
        let problems = try Self.coverageProblems(in: Self.contents(of: path), at: path, allowInvalid: false)
        #expect(problems.isEmpty, "\n\(problems.prefix(40).joined(separator: "\n"))")
    }

    /// Invalid files get a scope for every character too; what is wrong may be `invalid.illegal`.
    @Test(arguments: invalidFiles)
    func everyCharacterOfAnInvalidFileHasAScope(path: String) throws {
        let problems = try Self.coverageProblems(in: Self.contents(of: path), at: path, allowInvalid: true)
        #expect(problems.isEmpty, "\n\(problems.prefix(40).joined(separator: "\n"))")
    }

    /// The ```rein blocks of the language reference (each a bundle that checks clean), by the
    /// line of the reference their code starts on.
    static var referenceBlocks: [Int: String] {
        let reference = (try? contents(of: "Grammar/README.md")) ?? ""
        var blocks: [Int: String] = [:]
        var open: (line: Int, lines: [String])?
        for (index, line) in reference.components(separatedBy: "\n").enumerated() {
            let fence = line.trimmingCharacters(in: .whitespaces)
            if open == nil, fence == "```rein" {
                open = (index + 2, [])
            } else if let block = open {
                if fence == "```" { blocks[block.line] = block.lines.joined(separator: "\n") }
                open = fence == "```" ? nil : (block.line, block.lines + [line])
            }
        }
        return blocks
    }

    @Test(arguments: referenceBlocks.keys.sorted())
    func everyCharacterOfAReferenceExampleHasAScope(line: Int) throws {
        let problems = try Self.coverageProblems(
            in: Self.referenceBlocks[line] ?? "", at: "Grammar/README.md", firstLine: line, allowInvalid: false)
        #expect(problems.isEmpty, "\n\(problems.prefix(40).joined(separator: "\n"))")
    }

    static func contents(of path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// `file:line:col: "text" reason` for each token over non-blank text that has no scope
    /// beyond `source.rein` (or an `invalid.illegal` one, unless allowed), and a line for a
    /// rule still open at the end of the text.
    static func coverageProblems(in text: String, at path: String, firstLine: Int = 1, allowInvalid: Bool) throws -> [String] {
        let lines = TextMateTokenizer.lines(of: text)
        let result = try TextMateTokenizer.tokenize(text, grammar: try grammar())
        var problems: [String] = []
        for (number, (line, tokens)) in zip(lines, result.lines).enumerated() {
            let scalars = Array(line.unicodeScalars)
            for token in tokens {
                let covered = String(String.UnicodeScalarView(scalars[token.range]))
                guard let first = covered.unicodeScalars.firstIndex(where: { !$0.properties.isWhitespace }) else { continue }
                let column = token.range.lowerBound + covered.unicodeScalars.distance(from: covered.startIndex, to: first) + 1
                let place = "\(path):\(firstLine + number):\(column): \(covered.trimmingCharacters(in: .whitespaces).debugDescription)"
                if token.scopes.count < 2 {
                    problems.append("\(place) has no scope beyond \(token.scopes.joined(separator: " "))")
                } else if !allowInvalid, let invalid = token.scopes.first(where: { $0.hasPrefix("invalid.") }) {
                    problems.append("\(place) is \(invalid)")
                }
            }
        }
        if !allowInvalid, result.openScopes.count > 1 {
            problems.append("\(path): still inside \(result.openScopes.joined(separator: " ")) at the end")
        }
        return problems
    }

    // MARK: 3. What specific text gets

    @Test func denyRule() throws {
        let h = try Highlighted(#"  deny scale when args.replicas > 6 because "x""#)
        #expect(h.has("deny", "keyword"))
        #expect(h.has("scale", "entity.name.function"))
        #expect(h.has("when", "keyword"))
        #expect(h.has("because", "keyword"))
        #expect(h.has("args", "variable.language"))
        #expect(h.has(".", "punctuation.accessor"))
        #expect(h.has("replicas", "variable.other.member"))
        #expect(h.has(">", "keyword.operator.comparison"))
        #expect(h.has("6", "constant.numeric"))
        #expect(h.has(#""x""#, "string.quoted.double"))
        #expect(h.lacks("x", "keyword"))
    }

    @Test func kqlBlockEmbedsKQL() throws {
        let h = try Highlighted(
            """
            query q {
              arg pod: name
              kql \"""
                Perf  // peak memory
                | where InstanceName has {pod} and Name == "{pod}"
                \""" }
            tool t { effect read }
            """)
        #expect(h.has("kql", "keyword"))
        #expect(h.has("{pod}", "variable.parameter"))
        #expect(h.has("{", "punctuation.definition.placeholder.begin", occurrence: 2))  // after `query q {`
        #expect(h.has("// peak memory", "comment.line.double-slash.kql"))
        #expect(h.has("where", "keyword.other.kql"))
        #expect(h.has("|", "keyword.operator.pipe.kql"))
        #expect(h.has("Perf", "source.kql"))
        // A placeholder inside a KQL string is a checker error.
        #expect(h.has("{pod}", "invalid.illegal.placeholder", occurrence: 2))
        // The block ends at the closing """: the `}` and the next declaration are Rein again.
        #expect(h.has(#"""""#, "punctuation.definition.string.end", occurrence: 2))
        #expect(h.has("}", "punctuation.section.block.end", occurrence: 3))  // after {pod} and "{pod}"
        #expect(h.has("tool", "storage.type"))
        #expect(h.lacks("tool", "source.kql"))
    }

    @Test func multilineStringIsRawAndEndsAtItsClosingLine() throws {
        let h = try Highlighted("runbook r {\n  title \"\"\"\n    a \\q \"quoted\" # not a comment\n    \"\"\"\n  max_iterations 3\n}")
        #expect(h.has(#"a \q "quoted" # not a comment"#, "string.quoted.triple"))
        #expect(h.lacks(#"\q"#, "invalid"))
        #expect(h.lacks("# not a comment", "comment"))
        #expect(h.has("max_iterations", "keyword.other.statement"))
        #expect(h.has("3", "constant.numeric.integer"))
    }

    @Test func rawStringIsOneStringWithoutEscapes() throws {
        let h = try Highlighted(##"  arg id: string matching #"^\d+$"# = "1""##)
        #expect(h.has(##"#"^\d+$"#"##, "string.quoted.other.raw"))
        #expect(h.tokens(##"#"^\d+$"#"##).allSatisfy { token in
            !token.scopes.contains { $0.hasPrefix("constant.character.escape") || $0.hasPrefix("comment") }
        })
        #expect(h.has("matching", "keyword.other.constraint"))
        #expect(h.has("id", "variable.parameter"))
    }

    @Test func escapes() throws {
        let h = try Highlighted(#"  title "a \q b \\ \" \n \t \u{1F6A8} \u{123456789}""#)
        #expect(h.has(#"\q"#, "invalid.illegal"))
        for escape in [#"\\"#, #"\""#, #"\n"#, #"\t"#, #"\u{1F6A8}"#] {
            #expect(h.has(escape, "constant.character.escape"), "\(escape)")
        }
        #expect(h.lacks(#"\u{123456789}"#, "constant.character.escape"))  // at most 8 hex digits
        #expect(h.has(" b ", "string.quoted.double"))
    }

    @Test func unterminatedStringStopsAtTheLineEnd() throws {
        let h = try Highlighted("runbook r {\n  title \"disk full\n  max_iterations 3\n}")
        #expect(h.has("disk full", "invalid.illegal.unterminated-string"))
        #expect(h.has("max_iterations", "keyword.other.statement"))
    }

    @Test func commentAfterCode() throws {
        let h = try Highlighted(#"  description "List pods"  # trailing comment"#)
        #expect(h.has("# trailing comment", "comment.line.number-sign"))
        #expect(h.has("#", "punctuation.definition.comment"))
        #expect(h.has("description", "keyword.other.statement"))
        #expect(h.lacks(#""List pods""#, "comment"))
    }

    @Test func hashQuoteStartsARawStringNotAComment() throws {
        let h = try Highlighted(##"  allow #"*@contoso.com"# # "quoted" comment"##)
        #expect(h.has(##"#"*@contoso.com"#"##, "string.quoted.other.raw"))
        #expect(h.has(##"# "quoted" comment"##, "comment.line.number-sign"))
    }

    @Test func declarations() throws {
        let h = try Highlighted("identity observer { role \"Reader\" }\ntool list_pods {\n}\npolicy baseline {\n}")
        #expect(h.has("identity", "storage.type.declaration"))
        #expect(h.has("observer", "entity.name.type"))
        #expect(h.has("{", "punctuation.section.block.begin"))
        #expect(h.has("role", "keyword.other.statement"))  // first statement on the line of `{`
        #expect(h.has("}", "punctuation.section.block.end"))
        #expect(h.has("list_pods", "entity.name.function"))
        #expect(h.has("baseline", "entity.name.type"))
    }

    @Test func statementWordsAreNamesWhereTheGrammarSaysSo() throws {
        let h = try Highlighted(
            "  arg timeout: duration in 1m..20m = 5m\n  arg namespace: namespace\n  timeout 15m\n  trigger context.timeout > 5m")
        #expect(h.has("timeout", "variable.parameter"))
        #expect(h.has("duration", "support.type.primitive"))
        #expect(h.has("namespace", "variable.parameter"))
        #expect(h.has("namespace", "support.type.primitive", occurrence: 2))
        #expect(h.has("timeout", "keyword.other.statement", occurrence: 2))
        #expect(h.has("context", "variable.language"))
        #expect(h.has("timeout", "variable.other.member", occurrence: 3))
    }

    @Test func numbersAndDurations() throws {
        let h = try Highlighted("  arg n: int in -10..1_000 = 15\n  arg d: duration in 1h30m..1d12h = 90s\n  max_elevation 5min\n  timeout -5m")
        for number in ["-10", "1_000", "15"] {
            #expect(h.has(number, "constant.numeric.integer"), "\(number)")
        }
        for duration in ["1h30m", "1d12h", "90s"] {
            #expect(h.has(duration, "constant.numeric.duration"), "\(duration)")
        }
        #expect(h.has("..", "keyword.operator.range"))
        #expect(h.has("=", "keyword.operator.assignment"))
        #expect(h.has("5min", "invalid.illegal.numeric"))
        #expect(h.has("-5m", "invalid.illegal.numeric"))  // durations are never negative
    }

    @Test func runbookStatements() throws {
        let h = try Highlighted(
            """
            runbook r {
              trigger alert.rule like "aks-*" and not alert.severity in [3, 4]
                or now.hour >= 8
              investigate get_pods, describe_pod,
                get_logs  # continued after a comma
              remediate scale
              approval {
                on_timeout page P1
              }
              require approvals 2 for [scale, restart] when tool.effect == write
              deny * when session.denials != 3
            }
            """)
        #expect(h.has("like", "keyword.operator.word"))
        #expect(h.has("not", "keyword.operator.word"))
        #expect(h.has("or", "keyword.operator.word"))
        #expect(h.has("[", "punctuation.section.brackets.begin"))
        for tool in ["get_pods", "describe_pod", "get_logs", "scale", "restart"] {
            #expect(h.has(tool, "entity.name.function.tool"), "\(tool)")
        }
        #expect(h.has("# continued after a comma", "comment.line.number-sign"))
        #expect(h.has(",", "punctuation.separator.comma"))
        #expect(h.has("approval", "keyword.other.statement"))
        #expect(h.has("page", "keyword.other"))
        #expect(h.has("P1", "constant.language.priority"))
        #expect(h.has("require", "keyword.control.rule"))
        #expect(h.has("approvals", "keyword.control.rule"))
        #expect(h.has("for", "keyword.other"))
        #expect(h.has("write", "constant.language.effect"))
        #expect(h.has("*", "constant.language.wildcard", occurrence: 2))  // the first is in "aks-*"
        #expect(h.has("!=", "keyword.operator.comparison"))
        #expect(h.has("now", "variable.language"))
    }

    @Test func identityAndPolicyStatements() throws {
        let h = try Highlighted(
            """
              eligible "Pool Scaler" id "5f1c2c55-0b3e-4c8a-9d59-1d0d2b6e1a01" at resource_group
              elevate remediator role "Contributor" for 15m
              forbid namespace "kube-system", "kube-public"
              context environment: "prod" | "dev" = "dev"
              on_timeout no_action
            """)
        #expect(h.has("eligible", "keyword.other.statement"))
        #expect(h.has("id", "keyword.other"))
        #expect(h.has("at", "keyword.other"))
        #expect(h.has("resource_group", "constant.language.scope"))
        #expect(h.has("remediator", "entity.name.type"))
        #expect(h.has("role", "keyword.other"))
        #expect(h.has("for", "keyword.other"))
        #expect(h.has("namespace", "keyword.other"))
        #expect(h.has("environment", "variable.parameter"))
        #expect(h.has(":", "punctuation.separator"))
        #expect(h.has("|", "keyword.operator"))
        #expect(h.has("no_action", "constant.language"))
    }

    @Test func strayCharactersAreInvalid() throws {
        let h = try Highlighted("  trigger !alert.rule like \"x\"; é")
        #expect(h.has("!", "invalid.illegal"))
        #expect(h.has(";", "invalid.illegal"))
        #expect(h.has("é", "invalid.illegal"))
    }

    /// The lexical errors of the invalid corpus that a line-based grammar can see are marked.
    @Test(arguments: [
        ("lex-bad-underscore.rein", "1__000"), ("lex-bang.rein", "!"), ("lex-duration-order.rein", "30m1h"),
        ("lex-duration-without-unit.rein", "1h30"), ("lex-invalid-escape.rein", #"\q"#),
        ("lex-invalid-escape-in-enum.rein", #"\r"#), ("lex-multiline-opening-line.rein", "Perf"),
        ("lex-unexpected-character.rein", ";"), ("lex-unicode-identifier.rein", "é"),
        ("lex-unknown-duration-unit.rein", "5min"), ("lex-unterminated-raw-string.rein", ##"#"^[a-z]+$"##),
        ("lex-unterminated-string.rein", "disk full"), ("lex-nul-byte.rein", "\u{0}"),
    ])
    func lexicalErrorsAreInvalid(file: String, text: String) throws {
        #expect(try Highlighted(Self.contents(of: "Tests/Corpus/invalid/\(file)")).has(text, "invalid.illegal"))
    }
}

/// A text, tokenized, with questions about the scopes of a piece of it.
struct Highlighted: CustomStringConvertible {
    let lines: [String]
    let tokens: [[TextMateTokenizer.Token]]

    init(_ text: String) throws {
        lines = TextMateTokenizer.lines(of: text)
        tokens = try TextMateTokenizer.tokenize(text, grammar: try TextMateGrammarTests.grammar()).lines
    }

    /// The text, for failure messages.
    var description: String { lines.joined(separator: "\n") }

    /// The tokens that overlap the `occurrence`-th appearance of `text` (counted over the
    /// whole text, line by line), or none when it does not appear.
    func tokens(_ text: String, occurrence: Int = 1) -> [TextMateTokenizer.Token] {
        var seen = 0
        let needle = Array(text.unicodeScalars)
        for (line, lineTokens) in zip(lines, tokens) {
            let scalars = Array(line.unicodeScalars)
            guard scalars.count >= needle.count else { continue }
            for start in 0...(scalars.count - needle.count) where Array(scalars[start..<start + needle.count]) == needle {
                seen += 1
                if seen == occurrence {
                    let range = start..<start + needle.count
                    return lineTokens.filter { $0.range.overlaps(range) }
                }
            }
        }
        return []
    }

    /// Whether every character of the `occurrence`-th `text` has a scope that is `scope` or
    /// starts with `scope.` (`keyword` matches `keyword.control.rule.rein`).
    func has(_ text: String, _ scope: String, occurrence: Int = 1) -> Bool {
        let found = tokens(text, occurrence: occurrence)
        return !found.isEmpty && found.allSatisfy { $0.scopes.contains { Self.scope($0, isOrIsIn: scope) } }
    }

    /// Whether the `occurrence`-th `text` appears and none of its characters has `scope`.
    func lacks(_ text: String, _ scope: String, occurrence: Int = 1) -> Bool {
        let found = tokens(text, occurrence: occurrence)
        return !found.isEmpty && !found.contains { $0.scopes.contains { Self.scope($0, isOrIsIn: scope) } }
    }

    private static func scope(_ name: String, isOrIsIn scope: String) -> Bool {
        name == scope || name.hasPrefix(scope + ".")
    }
}
