import Foundation
import ReinSyntax
import Testing

/// The layout is canonical: however a file is indented and spaced, with LF or CRLF and with
/// trailing white space (after code and after comments), it formats to the same bytes, as long
/// as its line breaks (and which of them are blank lines) are the same.
@Suite("Format property")
struct FormatPropertyTests {
    /// The files of the soundness check that parse without errors.
    static var validInputs: [String] {
        FormatSoundnessTests.inputs.filter { path in
            guard let data = try? Data(contentsOf: FormatSoundnessTests.root.appendingPathComponent(path)) else { return false }
            return Parser.parse(SourceFile(path: path, bytes: [UInt8](data)), fileIndex: 0).diagnostics.isEmpty
        }
    }

    @Test func thereAreValidInputs() {
        #expect(Self.validInputs.count >= 50)
    }

    /// Every file of the repository that parses (the examples, the benchmark workload, every
    /// corpus): scrambled copies format to exactly the bytes of the formatted original.
    @Test(arguments: validInputs)
    func scrambledCopiesFormatToTheCanonicalBytes(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: FormatSoundnessTests.root.appendingPathComponent(path)))
        let expected = try #require(SourceFormatter.format(bytes).text)
        var random = SeededRandom(seed: UInt64(truncatingIfNeeded: path.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        for _ in 0..<4 {
            let variant = Self.respaced(bytes, random: &random)
            let formatted = SourceFormatter.format(variant).text
            #expect(formatted == expected, "\(path): a re-spaced variant formats differently:\n\(String(decoding: variant, as: UTF8.self))")
        }
    }

    /// The file with the white space between its tokens and comments replaced: random spaces
    /// and tabs where there were some, random indentation, random trailing white space (after
    /// code and after comments alike), CRLF or LF, and runs of two to four line ends where there
    /// was a blank line. Tokens and comments are copied unchanged, except that a `"""` block is
    /// re-indented as a whole (`reindented(_:random:)`), which keeps its value.
    static func respaced(_ original: [UInt8], random: inout SeededRandom) -> [UInt8] {
        let file = SourceFile(path: "x", bytes: original)
        let source = file.bytes
        let lexed = Lexer.tokenize(file, fileIndex: 0)
        var items = lexed.tokens.filter { $0.kind != .newline && $0.kind != .endOfFile }.map { (start: $0.start, end: $0.end, isComment: false) }
        items += lexed.comments.map { (start: $0.span.start, end: $0.span.end, isComment: true) }
        items.sort { $0.start < $1.start }
        let lineEnd: [UInt8] = random.next(below: 2) == 0 ? [0x0A] : [0x0D, 0x0A]
        var out: [UInt8] = source.count == original.count ? [] : [0xEF, 0xBB, 0xBF]
        var position = 0
        for (start, end, isComment) in items + [(source.count, source.count, false)] {
            let gap = source[position..<start]
            let breaks = gap.filter { $0 == 0x0A }.count
            if breaks == 0 {
                if !gap.isEmpty { out += whiteSpace(1 + random.next(below: 3), random: &random) }
            } else {
                let count = breaks == 1 ? 1 : 2 + random.next(below: 3)
                for _ in 0..<count { out += whiteSpace(random.next(below: 3), random: &random) + lineEnd }
                if start < source.count { out += whiteSpace(random.next(below: 7), random: &random) }
            }
            let text = source[start..<end]
            out += !isComment && text.starts(with: tripleQuote) ? reindented(text, random: &random) : Array(text)
            position = end
        }
        return out
    }

    static let tripleQuote = [UInt8](repeating: UInt8(ascii: "\""), count: 3)

    /// A `"""` block with the same value: random white space after the opening delimiter, and
    /// one random prefix of spaces and tabs put in front of every content line and of the
    /// closing delimiter (each content line still starts with the closing line's indentation,
    /// which is what the value leaves out). No white space is added at the end of a content
    /// line: there it would be part of the value.
    static func reindented(_ block: ArraySlice<UInt8>, random: inout SeededRandom) -> [UInt8] {
        var lines = block.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count >= 2 else { return Array(block) }
        let opening = lines.removeFirst()
        let prefix = whiteSpace(random.next(below: 5), random: &random)
        var out = Array(opening) + whiteSpace(random.next(below: 3), random: &random)
        for line in lines { out += [0x0A] + prefix + line }
        return out
    }

    static func whiteSpace(_ count: Int, random: inout SeededRandom) -> [UInt8] {
        (0..<count).map { _ in random.next(below: 3) == 0 ? 0x09 : 0x20 }
    }
}

/// SplitMix64: a small seeded generator, so that every run tests the same variants.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(max(1, bound)))
    }
}
