/// Renders diagnostics as SARIF 2.1.0 for code scanning (GitHub accepts it): one run whose tool
/// driver lists a rule for each code reported (id, help text from ``DiagnosticCatalog``, default
/// level), and one result per diagnostic with `ruleId`, `ruleIndex`, `level`, the message (and
/// help), and a physical location whose `uri` is the file's path relative to the current folder
/// (`%SRCROOT%`) with a 1-based region. Output is deterministic: rules sorted by id, results in
/// diagnostic order, keys in a fixed order.
public struct SARIFDiagnosticRenderer: Sendable {
    public let files: [SourceFile]
    public let toolVersion: String
    /// Help text for codes ``DiagnosticCatalog`` does not list (lint rules).
    public let extraSummary: @Sendable (String) -> String?

    public init(files: [SourceFile], toolVersion: String, summary: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.files = files
        self.toolVersion = toolVersion
        self.extraSummary = summary
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        let codes = Array(Set(diagnostics.map(\.code))).sorted()
        let index = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($0.element, $0.offset) })
        let rules = codes.map { code -> String in
            let level = diagnostics.first { $0.code == code }.map { Self.level($0.severity) } ?? "error"
            let lint = extraSummary(code)
            let summary = DiagnosticCatalog.summary(of: code) ?? lint ?? code
            let docs = lint == nil ? "docs/DIAGNOSTICS.md" : "docs/LINT.md"
            return "{\"id\":\(JSONString.quote(code)),"
                + "\"shortDescription\":{\"text\":\(JSONString.quote(summary))},"
                + "\"help\":{\"text\":\(JSONString.quote("\(code): \(summary). See \(docs)."))},"
                + "\"defaultConfiguration\":{\"level\":\"\(level)\"}}"
        }
        let results = diagnostics.map { diagnostic -> String in
            var message = diagnostic.message
            if let help = diagnostic.help { message += "\nhelp: \(help)" }
            return "{\"ruleId\":\(JSONString.quote(diagnostic.code)),\"ruleIndex\":\(index[diagnostic.code] ?? 0),"
                + "\"level\":\"\(Self.level(diagnostic.severity))\",\"message\":{\"text\":\(JSONString.quote(message))},"
                + "\"locations\":[\(location(diagnostic.span))]}"
        }
        return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
            + "\"tool\":{\"driver\":{\"name\":\"rein\",\"version\":\(JSONString.quote(toolVersion)),"
            + "\"rules\":[\(rules.joined(separator: ","))]}},"
            + "\"columnKind\":\"unicodeCodePoints\","
            + "\"results\":[\(results.joined(separator: ","))]}]}\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    private func location(_ span: SourceSpan) -> String {
        guard files.indices.contains(span.file) else { return "{}" }
        let file = files[span.file]
        let start = file.position(of: span.start)
        let end = file.position(of: Swift.max(span.start, span.end))
        return "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\(JSONString.quote(Self.uri(file.path))),"
            + "\"uriBaseId\":\"%SRCROOT%\"},\"region\":{\"startLine\":\(start.line),\"startColumn\":\(start.column),"
            + "\"endLine\":\(end.line),\"endColumn\":\(end.column)}}}"
    }

    /// A relative path as a URI reference: `/`-separated, every byte outside the unreserved set
    /// (and `/`) percent-encoded.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
