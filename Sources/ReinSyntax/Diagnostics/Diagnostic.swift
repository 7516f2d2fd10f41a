/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary location that explains a diagnostic (e.g. "first declared here").
public struct DiagnosticNote: Sendable, Hashable {
    public var message: String
    public var span: SourceSpan?

    public init(_ message: String, at span: SourceSpan? = nil) {
        self.message = DiagnosticText.clean(message)
        self.span = span
    }
}

/// One finding about the source, as a value. Rendering lives elsewhere
/// (`TextDiagnosticRenderer`, `JSONDiagnosticRenderer`).
///
/// Style: `message` is one line, lowercase, without a trailing period, with user input
/// in backticks; `code` is stable (`rein.parse.expected-brace`) and never reworded.
public struct Diagnostic: Sendable, Hashable {
    public var severity: Severity
    public var code: String
    public var message: String
    public var span: SourceSpan
    public var notes: [DiagnosticNote]
    public var help: String?

    public init(
        _ severity: Severity = .error,
        code: String,
        message: String,
        at span: SourceSpan,
        notes: [DiagnosticNote] = [],
        help: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = DiagnosticText.clean(message)
        self.span = span
        self.notes = notes
        self.help = help.map(DiagnosticText.clean)
    }

    /// An error diagnostic.
    public static func error(
        _ code: String, _ message: String, at span: SourceSpan,
        notes: [DiagnosticNote] = [], help: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, code: code, message: message, at: span, notes: notes, help: help)
    }
}

extension Array where Element == Diagnostic {
    /// Diagnostics in output order: by file (bundle order), position, then code; exact
    /// duplicates dropped.
    public func sortedForOutput() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { left, right in
            let l = left.element, r = right.element
            if l.span.file != r.span.file { return l.span.file < r.span.file }
            if l.span.start != r.span.start { return l.span.start < r.span.start }
            if l.code != r.code { return l.code < r.code }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// The number of diagnostics of one severity.
    public func count(of severity: Severity) -> Int {
        reduce(0) { $0 + ($1.severity == severity ? 1 : 0) }
    }
}
