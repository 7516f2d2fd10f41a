/// Compiles each `matching` pattern once per check.
struct RegexCache {
    private enum Entry {
        case compiled(Regex<AnyRegexOutput>)
        case invalid(String)
    }

    private var entries: [String: Entry] = [:]

    /// The compiled pattern, or the compiler's complaint.
    mutating func compile(_ pattern: String) -> Result<Regex<AnyRegexOutput>, RegexCompileError> {
        if let entry = entries[pattern] { return Self.result(entry) }
        let entry: Entry
        do {
            entry = .compiled(try Regex(pattern))
        } catch {
            entry = .invalid(String(describing: error))
        }
        entries[pattern] = entry
        return Self.result(entry)
    }

    private static func result(_ entry: Entry) -> Result<Regex<AnyRegexOutput>, RegexCompileError> {
        switch entry {
        case .compiled(let regex): .success(regex)
        case .invalid(let reason): .failure(RegexCompileError(reason: reason))
        }
    }
}

/// Why a pattern does not compile.
struct RegexCompileError: Error {
    var reason: String
}
