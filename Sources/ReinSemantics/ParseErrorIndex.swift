import ReinSyntax

/// What the parse diagnostics tell the checker, so that one mistake gives one diagnostic:
/// where errors are (a declaration or literal with an error inside is not judged as
/// complete), and which declarations the parser had to drop.
struct ParseErrorIndex {
    /// File index → sorted start offsets of parse and lexical errors.
    private var errorStarts: [Int: [Int]] = [:]
    /// Names of declarations whose header did not parse (`identiy observer {`).
    private(set) var lostNames: Set<String> = []
    /// True when the parser skipped top-level text: some declaration may be missing.
    private(set) var skippedTopLevelText = false

    init(files: [SourceFileSyntax]) {
        for file in files {
            var starts: [Int] = []
            for diagnostic in file.diagnostics where diagnostic.severity == .error {
                starts.append(diagnostic.span.start)
                if diagnostic.code == "rein.parse.expected-declaration" {
                    skippedTopLevelText = true
                    if let name = Self.declaredName(onLineOf: diagnostic.span.start, in: file.file) { lostNames.insert(name) }
                }
            }
            if !starts.isEmpty { errorStarts[file.fileIndex] = starts.sorted() }
        }
    }

    /// True when a parse or lexical error starts inside `span`.
    func containsError(_ span: SourceSpan) -> Bool {
        guard let starts = errorStarts[span.file] else { return false }
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] < span.start { low = mid + 1 } else { high = mid }
        }
        return low < starts.count && starts[low] < max(span.end, span.start + 1)
    }

    /// `WORD NAME {` at the start of the line holding `offset`: the name of a declaration
    /// whose keyword was not recognised.
    private static func declaredName(onLineOf offset: Int, in file: SourceFile) -> String? {
        let line = Array(file.lineText(file.position(of: offset).line).utf8)
        var index = 0
        func skipSpaces() { while index < line.count, line[index] == 0x20 || line[index] == 0x09 { index += 1 } }
        func word() -> String? {
            let start = index
            while index < line.count, isIdentifierByte(line[index]) { index += 1 }
            return index > start ? String(decoding: line[start..<index], as: UTF8.self) : nil
        }
        skipSpaces()
        guard word() != nil else { return nil }
        skipSpaces()
        guard let name = word() else { return nil }
        skipSpaces()
        return index < line.count && line[index] == UInt8(ascii: "{") ? name : nil
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
