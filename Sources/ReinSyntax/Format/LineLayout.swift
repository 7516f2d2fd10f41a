/// Alignment and rendering of the printed lines.
enum LineLayout {
    /// Pads the `NAME:` of each run of `arg` (or `context`) statements that follow each other
    /// directly, so that their types start in one column. Blank lines, comment lines and other
    /// statements end a run; a statement's own continuation lines do not.
    static func alignArguments(_ lines: inout [OutputLine]) {
        var run: [Int] = []
        func flush() {
            let column = run.compactMap { lines[$0].alignment?.offset }.max() ?? 0
            for index in run {
                guard let offset = lines[index].alignment?.offset, offset < column else { continue }
                lines[index].text.insert(contentsOf: repeatElement(UInt8(ascii: " "), count: column - offset), at: offset)
            }
            run.removeAll()
        }
        for index in lines.indices {
            let line = lines[index]
            if let last = run.last, !line.isStatementHead, line.statement != nil, line.statement == lines[last].statement {
                continue  // a continuation line of the run's last statement
            }
            guard let alignment = line.alignment, alignment.offset < line.text.count else {
                flush()
                continue
            }
            if let first = run.first,
                lines[first].alignment?.keyword != alignment.keyword || lines[first].indent != line.indent
            {
                flush()
            }
            run.append(index)
        }
        flush()
    }

    /// The file's bytes: each line with its indentation, trailing comments of consecutive
    /// lines aligned two columns after the longest of those lines, one LF after every line.
    static func render(_ lines: [OutputLine]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < lines.count {
            guard lines[index].role == .code, lines[index].trailingComment != nil else {
                append(lines[index], commentColumn: 0, to: &out)
                index += 1
                continue
            }
            var end = index
            while end < lines.count, lines[end].role == .code, lines[end].trailingComment != nil { end += 1 }
            let column = lines[index..<end].map(\.width).max().map { $0 + 2 } ?? 0
            for line in lines[index..<end] { append(line, commentColumn: column, to: &out) }
            index = end
        }
        return out
    }

    private static func append(_ line: OutputLine, commentColumn: Int, to out: inout [UInt8]) {
        switch line.role {
        case .blank:
            break
        case .verbatim:
            out += line.text
        case .code, .comment:
            out += repeatElement(UInt8(ascii: " "), count: line.indent)
            out += line.text
            if let comment = line.trailingComment {
                out += repeatElement(UInt8(ascii: " "), count: max(1, commentColumn - line.width))
                out += comment
            }
        }
        out.append(0x0A)
    }
}
