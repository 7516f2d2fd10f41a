/// One line of formatted output, before alignment and rendering.
struct OutputLine {
    enum Role {
        /// Tokens of a statement, a declaration header or a closing brace.
        case code
        /// A comment on a line of its own.
        case comment
        /// A content line of a `"""` string, written exactly as held (indentation included).
        case verbatim
        case blank
    }

    var role: Role
    /// Leading spaces (unused for verbatim lines).
    var indent: Int
    var text: [UInt8]
    /// A comment after the code on this line, `#` included, as written (its trailing white
    /// space is not part of it).
    var trailingComment: [UInt8]?
    /// The statement (index of its first token) this line belongs to, if any.
    var statement: Int?
    /// True on the first line of a statement.
    var isStatementHead = false
    /// On the first line of an `arg`/`context` statement: the keyword, and the byte offset in
    /// `text` just after `NAME:` where padding aligns the types of a run.
    var alignment: (keyword: String, offset: Int)?

    static let blank = OutputLine(role: .blank, indent: 0, text: [])

    static func code(indent: Int, statement: Int?) -> OutputLine {
        OutputLine(role: .code, indent: indent, text: [], statement: statement)
    }

    /// The width of the line's code in columns (Unicode scalars, as diagnostics count them).
    var width: Int {
        indent + text.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
