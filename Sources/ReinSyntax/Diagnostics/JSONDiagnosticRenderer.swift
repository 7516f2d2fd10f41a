/// Renders diagnostics as one JSON document:
/// `{"diagnostics":[{"path","line","column","endLine","endColumn","severity","code","message","notes":[…],"help"}],"errors":N,"warnings":N}`.
/// Keys are always in this order; `help` is omitted when absent, and a note without a
/// location has only `message`.
public struct JSONDiagnosticRenderer: Sendable {
    public let files: [SourceFile]

    public init(files: [SourceFile]) {
        self.files = files
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map(object).joined(separator: ",")
        return "{\"diagnostics\":[\(items)],\"errors\":\(diagnostics.count(of: .error)),\"warnings\":\(diagnostics.count(of: .warning))}\n"
    }

    private func object(_ diagnostic: Diagnostic) -> String {
        var out = "{" + location(diagnostic.span)
        out += ",\"severity\":\(JSONString.quote(diagnostic.severity.rawValue))"
        out += ",\"code\":\(JSONString.quote(diagnostic.code))"
        out += ",\"message\":\(JSONString.quote(diagnostic.message))"
        let notes = diagnostic.notes.map { note -> String in
            let message = "\"message\":\(JSONString.quote(note.message))"
            guard let span = note.span else { return "{\(message)}" }
            return "{\(location(span)),\(message)}"
        }
        out += ",\"notes\":[\(notes.joined(separator: ","))]"
        if let help = diagnostic.help { out += ",\"help\":\(JSONString.quote(help))" }
        return out + "}"
    }

    private func location(_ span: SourceSpan) -> String {
        guard files.indices.contains(span.file) else { return "\"path\":null" }
        let file = files[span.file]
        let start = file.position(of: span.start)
        let end = file.position(of: span.end)
        return "\"path\":\(JSONString.quote(file.path)),\"line\":\(start.line),\"column\":\(start.column),"
            + "\"endLine\":\(end.line),\"endColumn\":\(end.column)"
    }
}

/// JSON string literals, escaped per RFC 8259 (control characters as `\u00XX`).
public enum JSONString {
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
