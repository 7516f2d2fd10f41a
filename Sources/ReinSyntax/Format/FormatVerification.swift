/// The formatter's check of its own output, run before any result is returned: the output
/// must parse without diagnostics to the same file as the input, apart from layout.
///
/// "The same" means: the same tokens (kind and value, newlines aside) in the same order; the
/// same comments (their text, which never includes trailing white space) in the same order; the same declarations with the same doc
/// comments; and every declaration and statement made of the same run of tokens. Since the
/// tree is built from exactly these, the input and output trees are equal but for locations.
enum FormatVerification {
    /// Nil when `output` holds the same file as the input, else what differs.
    static func problem(input: SourceFileSyntax, inputTokens: [Token], output: [UInt8]) -> String? {
        let file = SourceFile(path: "", bytes: output)
        let reparsed = Parser.parse(file, fileIndex: 0)
        if let first = reparsed.diagnostics.sortedForOutput().first {
            return "the output does not parse: \(first.message) at \(file.position(of: first.span.start))"
        }
        let before = significant(inputTokens)
        let after = significant(Lexer.tokenize(file, fileIndex: 0).tokens)
        guard before.count == after.count else { return "the output has \(after.count) tokens, the input \(before.count)" }
        for (old, new) in zip(before, after) where old.kind != new.kind || old.value != new.value {
            return "a token changed at \(file.position(of: new.start))"
        }
        guard input.comments.map(\.text) == reparsed.comments.map(\.text) else { return "a comment changed" }
        guard input.declarations.count == reparsed.declarations.count else { return "the number of declarations changed" }
        for (old, new) in zip(input.declarations, reparsed.declarations) {
            if old.doc != new.doc { return "the doc comment of `\(old.name.name)` changed" }
            let oldShape = shape(old, tokens: before)
            if oldShape != shape(new, tokens: after) { return "the statements of `\(old.name.name)` changed" }
        }
        return nil
    }

    private static func significant(_ tokens: [Token]) -> [Token] {
        tokens.filter { $0.kind != .newline && $0.kind != .endOfFile }
    }

    /// The token range of the declaration and of each of its statements, in order (an
    /// approval block's statements after the block's own).
    private static func shape(_ declaration: Declaration, tokens: [Token]) -> [Range<Int>] {
        var ranges = [tokenRange(declaration.span, in: tokens)]
        appendShape(of: declaration.statements, tokens: tokens, to: &ranges)
        return ranges
    }

    /// Approval blocks do not nest (the grammar has no block inside them), so this recursion
    /// is at most two levels deep.
    private static func appendShape(of statements: [Statement], tokens: [Token], to ranges: inout [Range<Int>]) {
        for statement in statements {
            ranges.append(tokenRange(statement.span, in: tokens))
            if case .approval(let inner) = statement.kind { appendShape(of: inner, tokens: tokens, to: &ranges) }
        }
    }

    /// The indexes of the tokens inside `span`.
    private static func tokenRange(_ span: SourceSpan, in tokens: [Token]) -> Range<Int> {
        firstToken(atOrAfter: span.start, in: tokens)..<firstToken(atOrAfter: span.end, in: tokens)
    }

    private static func firstToken(atOrAfter offset: Int, in tokens: [Token]) -> Int {
        var low = 0
        var high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].start < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
