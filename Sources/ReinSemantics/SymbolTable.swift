import ReinSyntax

/// The bundle's one namespace: every top-level name, whatever its kind. The first
/// declaration of a name owns it; later ones are reported and left out.
struct SymbolTable {
    struct Entry {
        var declaration: Declaration
        var kind: DeclarationKind { declaration.kind }
        var nameSpan: SourceSpan { declaration.name.span }
    }

    private var entries: [String: Entry] = [:]
    /// Names per kind, in bundle order (for "did you mean" suggestions).
    private(set) var namesByKind: [DeclarationKind: [String]] = [:]

    /// Declares a name. Returns the earlier entry when the name is taken (nothing changes).
    mutating func declare(_ declaration: Declaration) -> Entry? {
        let name = declaration.name.name
        if let existing = entries[name] { return existing }
        entries[name] = Entry(declaration: declaration)
        namesByKind[declaration.kind, default: []].append(name)
        return nil
    }

    func lookup(_ name: String) -> Entry? { entries[name] }

    /// Names of the given kinds, in bundle order.
    func names(of kinds: [DeclarationKind]) -> [String] {
        kinds.flatMap { namesByKind[$0] ?? [] }
    }
}

extension DeclarationKind {
    /// "a tool", "an identity", … for messages.
    var withArticle: String { self == .identity ? "an identity" : "a \(rawValue)" }
}
