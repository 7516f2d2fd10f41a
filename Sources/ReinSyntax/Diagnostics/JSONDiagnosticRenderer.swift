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

/// JSON string literals, escaped per RFC 8259: `"` and `\\` escaped, control characters as
/// `\\n`-style or `\\u00XX` escapes, everything else (non-ASCII included) kept as UTF-8.
public enum JSONString {
    public static func quote(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a quoted JSON string literal to UTF-8 `out`.
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(0x22)
            var plain = true
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                plain = false
                break
            }
            if plain {
                out.append(contentsOf: bytes)
            } else {
                // Runs of plain bytes are copied whole; only the bytes to escape go one by one.
                var runStart = 0
                for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                    if runStart < index { out.append(contentsOf: bytes[runStart..<index]) }
                    appendEscaped(byte, to: &out)
                    runStart = index + 1
                }
                if runStart < bytes.count { out.append(contentsOf: bytes[runStart..<bytes.count]) }
            }
            out.append(0x22)
        }
    }

    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0..<0x20:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: out.append(byte)
        }
    }
}
