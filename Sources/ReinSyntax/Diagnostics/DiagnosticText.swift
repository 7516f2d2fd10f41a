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

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
