/// A `#` comment, kept for the formatter.
public struct Comment: Sendable, Hashable {
    /// The text after `#`, as written, without trailing white space (spaces, tabs, carriage
    /// returns): the span ends at the comment's last other byte.
    public var text: String
    public var span: SourceSpan

    public init(text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }
}

/// The result of parsing one file: its declarations, comments and the parse diagnostics.
public struct SourceFileSyntax: Sendable {
    public var file: SourceFile
    /// Index of the file in its bundle; every span in this tree carries it.
    public var fileIndex: Int
    public var declarations: [Declaration]
    public var comments: [Comment]
    public var diagnostics: [Diagnostic]

    public init(
        file: SourceFile, fileIndex: Int, declarations: [Declaration], comments: [Comment],
        diagnostics: [Diagnostic]
    ) {
        self.file = file
        self.fileIndex = fileIndex
        self.declarations = declarations
        self.comments = comments
        self.diagnostics = diagnostics
    }
}
