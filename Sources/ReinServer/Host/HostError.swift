import ReinAdapters

/// Why the host refused a request; the HTTP layer maps each to its status.
public enum HostError: Error, Sendable {
    /// The body is not what the endpoint reads (400).
    case badRequest(String)
    /// The caller may not do this (403).
    case forbidden(String)
    /// No such incident or resource (404).
    case notFound(String)
    /// The request contradicts what exists (409).
    case conflict(String)
    /// Well-formed, but refused (422): no runbook matches, an unknown runbook.
    case unprocessable(String)
    /// The store failed; nothing was acknowledged (500).
    case storage(String)

    /// A body's problems, one line each, with their place in the body.
    static func body(_ error: BodyError, _ body: SourceFile) -> HostError {
        let lines = error.diagnostics.map { diagnostic -> String in
            let place = body.position(of: diagnostic.span.start)
            return "\(diagnostic.message) (line \(place.line), column \(place.column))"
        }
        return .badRequest(lines.joined(separator: "; "))
    }
}
