/// Re-indents a `"""` string without changing its value.
///
/// The value of a `"""` block is its content lines with the closing delimiter's indentation
/// removed (Grammar/rein.ebnf, "strings"). The formatter moves the closing `"""` to a new
/// indentation and puts that same indentation in front of every content line, so each line
/// keeps what followed the old indentation: the value is unchanged. Lines of white space only
/// follow the lexer's rule (they lose the old indentation if they have it, else they become
/// empty); an empty line is written without indentation.
enum MultilineStringLayout {
    struct Block {
        /// `"""`: white space after the opening delimiter is dropped.
        var opening: [UInt8]
        /// The content lines, each with its new indentation (or empty).
        var content: [[UInt8]]
        /// `"""`, to be written at the new indentation.
        var closing: [UInt8]
    }

    /// `token` is the whole literal, from the opening to the closing delimiter; `indent` is
    /// the new indentation of its content and closing lines.
    static func reindent(_ token: ArraySlice<UInt8>, indent: Int) -> Block {
        let quotes = [UInt8](repeating: UInt8(ascii: "\""), count: 3)
        var lines = token.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        guard lines.count >= 2, let closingLine = lines.popLast() else {
            return Block(opening: Array(token), content: [], closing: [])
        }
        lines.removeFirst()  // the opening line: `"""` and white space
        let oldIndent = closingLine.prefix { isBlank($0) }
        let newIndent = [UInt8](repeating: UInt8(ascii: " "), count: indent)
        let content = lines.map { line -> [UInt8] in
            let rest: ArraySlice<UInt8>
            if line.starts(with: oldIndent) {
                rest = line.dropFirst(oldIndent.count)
            } else if line.allSatisfy(isBlank) {
                rest = []
            } else {
                rest = line  // not reachable in a file without errors; the check would catch it
            }
            return rest.isEmpty ? [] : newIndent + rest
        }
        return Block(opening: quotes, content: content, closing: quotes)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }
}
