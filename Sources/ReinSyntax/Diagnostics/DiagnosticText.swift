/// Keeps diagnostic text one readable line whatever the input quoted in it: control
/// characters are shown as `\u{…}` escapes, and a backticked quote longer than
/// `maximumQuote` scalars is cut with `…`.
public enum DiagnosticText {
    /// The longest backticked quote kept whole.
    public static let maximumQuote = 80

    public static func clean(_ text: String) -> String {
        let scalars = text.unicodeScalars
        if scalars.count <= maximumQuote, !scalars.contains(where: isControl) { return text }
        var out = String.UnicodeScalarView()
        var inQuote = false
        var quoted = 0
        for scalar in scalars {
            if scalar == "`" {
                inQuote.toggle()
                quoted = 0
                out.append(scalar)
                continue
            }
            if inQuote {
                quoted += 1
                if quoted > maximumQuote { continue }
                if quoted == maximumQuote {
                    out.append("…")
                    continue
                }
            }
            if isControl(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Control characters, line and paragraph separators, and bidirectional overrides: text
    /// that could break a line or reorder what a terminal shows.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with every such character written as a `\u{…}` escape (for paths).
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
