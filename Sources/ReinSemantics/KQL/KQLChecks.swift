import ReinSyntax

extension CheckerContext {
    /// Checks a query's KQL template: every placeholder names a declared arg and stands in
    /// KQL code (not in a string literal or a comment), every arg is used, and every KQL
    /// string ends. Diagnostics point at the exact characters in the source when the
    /// literal can be mapped back, else at the whole literal.
    /// `invalidArgs` are args whose declaration did not parse: placeholders may name them,
    /// and they need no placeholder.
    mutating func checkKQL(_ literal: StringLiteral, args: [ArgModel], invalidArgs: Set<String>, query: String) -> KQLTemplate {
        let scan = KQLScanner.scan(Array(literal.value.utf8))
        var sourceMap: LiteralSourceMap??
        func locate(_ range: Range<Int>) -> SourceSpan {
            if sourceMap == nil {
                sourceMap = .some(sourceFile(for: literal.span).flatMap { LiteralSourceMap(literal: literal, in: $0) })
            }
            return sourceMap.flatMap { $0 }?.span(of: range, file: literal.span.file) ?? literal.span
        }

        for offset in scan.unterminatedStrings {
            error(
                .kqlUnterminatedString, "unterminated string in the KQL template of query `\(query)`",
                at: locate(offset..<(offset + 1)),
                help: "close the string: `'…'` and `\"…\"` end on their own line, ```…``` needs its closing ```")
        }
        let argNames = Set(args.map(\.name))
        var used = Set<String>()
        for placeholder in scan.placeholders {
            used.insert(placeholder.name)
            let shown = "{\(placeholder.name)}"
            switch placeholder.position {
            case .code:
                guard !argNames.contains(placeholder.name), !invalidArgs.contains(placeholder.name) else { continue }
                error(
                    .kqlUnknownPlaceholder, "placeholder `\(shown)` is not an arg of query `\(query)`",
                    at: locate(placeholder.range),
                    help: suggestion(for: placeholder.name, among: args.map(\.name))
                        ?? "declare it, e.g. `arg \(placeholder.name): string`, or remove the placeholder")
            case .string:
                error(
                    .kqlPlaceholderInString, "placeholder `\(shown)` is inside a KQL string literal",
                    at: locate(placeholder.range),
                    help: "put the placeholder where a value goes, without quotes: it is replaced by a correctly quoted KQL literal")
            case .comment:
                error(
                    .kqlPlaceholderInComment, "placeholder `\(shown)` is inside a KQL `//` comment",
                    at: locate(placeholder.range), help: "remove it from the comment: placeholders stand only where a value goes")
            case .unterminatedString:
                break
            }
        }
        for arg in args where !used.contains(arg.name) {
            error(
                .kqlUnusedArg, "arg `\(arg.name)` is not used in the KQL template of query `\(query)`", at: arg.span,
                help: "use it as `{\(arg.name)}` where its value goes, or remove the arg")
        }
        return KQLTemplate(segments: scan.segments, span: literal.span)
    }
}
