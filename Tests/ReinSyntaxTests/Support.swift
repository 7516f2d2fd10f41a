import ReinSyntax

/// Parses `text` as `test.rein` (file index 0).
func parse(_ text: String, path: String = "test.rein") -> SourceFileSyntax {
    Parser.parse(SourceFile(path: path, text: text), fileIndex: 0)
}

/// `code@line:col` for each diagnostic: compact, exact expectations.
func summary(_ result: SourceFileSyntax) -> [String] {
    result.diagnostics.sortedForOutput().map { diagnostic in
        "\(diagnostic.code)@\(result.file.position(of: diagnostic.span.start))"
    }
}
