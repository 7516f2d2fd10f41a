/// Renders diagnostics compiler-style:
///
/// ```text
/// runbooks/tools.rein:5:24: error: message [rein.check.code]
///   5 |   arg replicas: int in 10..1
///     |                        ^^^^^
/// runbooks/tools.rein:2:6: note: first declared here
///   2 | tool scale {
///     |      ^^^^^
///   help: how to fix it
/// ```
public struct TextDiagnosticRenderer: Sendable {
    /// The bundle's files, indexed as spans refer to them.
    public let files: [SourceFile]

    public init(files: [SourceFile]) {
        self.files = files
    }

    /// One diagnostic, with a trailing newline.
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = header(diagnostic.span) + "\(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]\n"
        out += snippet(diagnostic.span)
        for note in diagnostic.notes {
            if let span = note.span {
                out += header(span) + "note: \(note.message)\n"
                out += snippet(span)
            } else {
                out += "  note: \(note.message)\n"
            }
        }
        if let help = diagnostic.help { out += "  help: \(help)\n" }
        return out
    }

    /// All diagnostics, in order.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    private func header(_ span: SourceSpan) -> String {
        guard let file = file(span) else { return "<unknown>: " }
        let position = file.position(of: span.start)
        return "\(file.path):\(position.line):\(position.column): "
    }

    private func file(_ span: SourceSpan) -> SourceFile? {
        files.indices.contains(span.file) ? files[span.file] : nil
    }

    /// The source line and an underline; nothing when the file has no text at that place.
    private func snippet(_ span: SourceSpan) -> String {
        guard let file = file(span), !file.bytes.isEmpty || span.start == 0 else { return "" }
        let start = file.position(of: span.start)
        let lineText = file.lineText(start.line)
        if file.bytes.isEmpty { return "" }
        var scalars = Array(lineText.unicodeScalars)
        let end = file.position(of: span.end)
        var firstColumn = start.column
        var lastColumn = end.line == start.line ? end.column : scalars.count + 1
        // Very long lines are cut to a window around the span, marked with `…`.
        var suffix = ""
        if scalars.count > Self.maximumLineWidth {
            let from = max(0, firstColumn - 1 - Self.contextBefore)
            let to = min(scalars.count, from + Self.maximumLineWidth)
            if to < scalars.count { suffix = "…" }
            scalars = Array(scalars[from..<to])
            firstColumn -= from
            lastColumn = min(lastColumn - from, scalars.count + 1)
            if from > 0 {
                firstColumn += 1
                lastColumn += 1
                scalars.insert("…", at: 0)
            }
        }
        let width = max(1, lastColumn - firstColumn)
        let gutter = String(start.line)
        let pad = String(repeating: " ", count: gutter.count)
        var marker = ""
        for index in 0..<max(0, firstColumn - 1) {
            marker += index < scalars.count && scalars[index] == "\t" ? "\t" : " "
        }
        marker += String(repeating: "^", count: min(width, Self.maximumLineWidth))
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: scalars)
        return "  \(gutter) | \(sanitized(String(shown)))\(suffix)\n  \(pad) | \(marker)\n"
    }

    /// Lines longer than this many scalars are shown cut around the span.
    static let maximumLineWidth = 160
    static let contextBefore = 60

    /// Control characters other than tab would garble a terminal; show them escaped-free as `�`.
    private func sanitized(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else { return line }
        var out = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            out.append(scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }
}
