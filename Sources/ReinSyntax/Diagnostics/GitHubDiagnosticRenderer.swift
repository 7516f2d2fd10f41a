/// Renders diagnostics as GitHub Actions workflow commands, one per line:
/// `::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::MESSAGE` (`::warning`,
/// `::notice` for the other severities), which annotate the pull request's diff. Values are
/// escaped as the runner expects (`%`, CR, LF everywhere; `:` and `,` in properties too).
public struct GitHubDiagnosticRenderer: Sendable {
    public let files: [SourceFile]

    public init(files: [SourceFile]) {
        self.files = files
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(line).joined()
    }

    private func line(_ diagnostic: Diagnostic) -> String {
        let command: String
        switch diagnostic.severity {
        case .error: command = "error"
        case .warning: command = "warning"
        case .note: command = "notice"
        }
        var properties: [String] = []
        if files.indices.contains(diagnostic.span.file) {
            let file = files[diagnostic.span.file]
            let start = file.position(of: diagnostic.span.start)
            let end = file.position(of: Swift.max(diagnostic.span.start, diagnostic.span.end))
            properties += [
                "file=\(Self.property(file.path))", "line=\(start.line)", "col=\(start.column)", "endLine=\(end.line)",
                "endColumn=\(end.column)",
            ]
        }
        properties.append("title=\(Self.property(diagnostic.code))")
        var message = diagnostic.message
        if let help = diagnostic.help { message += "\nhelp: \(help)" }
        return "::\(command) \(properties.joined(separator: ","))::\(Self.data(message))\n"
    }

    /// A message: `%`, CR and LF escaped.
    public static func data(_ text: String) -> String {
        escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A")])
    }

    /// A property value: a message's escapes, and `:` and `,`.
    public static func property(_ text: String) -> String {
        escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")])
    }

    private static func escape(_ text: String, _ table: [(Unicode.Scalar, String)]) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let replacement = table.first(where: { $0.0 == scalar })?.1 {
                out += replacement
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
