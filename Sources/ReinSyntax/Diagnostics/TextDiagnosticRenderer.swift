/// Renders diagnostics compiler-style:
///
/// ```text
/// runbooks/tools/kubernetes.rein:5:24: error: message [rein.check.code]
///   5 |   arg replicas: int in 10..1
///     |                        ^^^^^
/// runbooks/tools/kubernetes.rein:2:6: note: first declared here
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
        return "\(DiagnosticText.escapingControls(file.path)):\(position.line):\(position.column): "
    }

    private func file(_ span: SourceSpan) -> SourceFile? {
        files.indices.contains(span.file) ? files[span.file] : nil
    }

    /// The source line and an underline; nothing when the file has no text at that place.
    /// Long lines are cut to a window around the span (marked `…`), found by walking bytes
    /// from the span, so even an 8 MiB line costs only the window.
    private func snippet(_ span: SourceSpan) -> String {
        guard let file = file(span), !file.bytes.isEmpty else { return "" }
        let bytes = file.bytes
        let line = file.line(of: span.start)
        let lineStart = file.lineStarts[line - 1]
        var lineEnd = line < file.lineStarts.count ? file.lineStarts[line] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let spanStart = min(max(span.start, lineStart), lineEnd)
        let spanEnd = min(max(span.end, spanStart), lineEnd)

        var windowStart = lineStart
        var windowEnd = lineEnd
        if advance(from: lineStart, scalars: Self.maximumLineWidth, limit: lineEnd, in: bytes) < lineEnd {
            windowStart = retreat(from: spanStart, scalars: Self.contextBefore, limit: lineStart, in: bytes)
            windowEnd = advance(from: windowStart, scalars: Self.maximumLineWidth, limit: lineEnd, in: bytes)
        }
        let cutBefore = windowStart > lineStart
        let cutAfter = windowEnd < lineEnd
        let shown = String(decoding: bytes[windowStart..<windowEnd], as: UTF8.self)

        var marker = cutBefore ? " " : ""
        for scalar in String(decoding: bytes[windowStart..<max(windowStart, spanStart)], as: UTF8.self).unicodeScalars {
            marker += scalar == "\t" ? "\t" : " "
        }
        let underlined = String(decoding: bytes[spanStart..<min(max(spanStart, spanEnd), windowEnd)], as: UTF8.self)
        marker += String(repeating: "^", count: max(1, underlined.unicodeScalars.count))
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        let text = (cutBefore ? "…" : "") + sanitized(shown) + (cutAfter ? "…" : "")
        return "  \(gutter) | \(text)\n  \(pad) | \(marker)\n"
    }

    /// The offset after walking forward `scalars` Unicode scalars (not past `limit`).
    private func advance(from offset: Int, scalars: Int, limit: Int, in bytes: [UInt8]) -> Int {
        var position = offset
        var count = 0
        while position < limit, count < scalars {
            position += 1
            while position < limit, bytes[position] & 0xC0 == 0x80 { position += 1 }
            count += 1
        }
        return position
    }

    /// The offset after walking back `scalars` Unicode scalars (not before `limit`).
    private func retreat(from offset: Int, scalars: Int, limit: Int, in bytes: [UInt8]) -> Int {
        var position = offset
        var count = 0
        while position > limit, count < scalars {
            position -= 1
            while position > limit, bytes[position] & 0xC0 == 0x80 { position -= 1 }
            count += 1
        }
        return position
    }

    /// Lines longer than this many scalars are shown cut around the span.
    static let maximumLineWidth = 160
    static let contextBefore = 60

    /// Control characters (but tab), line separators and bidirectional overrides would garble
    /// a terminal or reorder the line: they are shown as `�`.
    private func sanitized(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0 != "\t" && DiagnosticText.isControl($0) }) else { return line }
        var out = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            out.append(scalar != "\t" && DiagnosticText.isControl(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }
}
