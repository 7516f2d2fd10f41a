import ReinSyntax

extension CheckerContext {
    /// Declares every top-level name (one namespace for all kinds, across the bundle) and
    /// drops duplicate singular statements. Returns the declarations that own their name, in
    /// bundle order; a duplicate declaration is reported and not checked further.
    mutating func collectDeclarations() -> [DeclarationUnit] {
        var units: [DeclarationUnit] = []
        for file in files {
            for declaration in file.declarations {
                if let earlier = symbols.declare(declaration) {
                    let what = earlier.kind == declaration.kind ? "" : " (as \(earlier.kind.withArticle))"
                    error(
                        .duplicateDeclaration, "`\(declaration.name.name)` is already declared\(what)",
                        at: declaration.name.span,
                        notes: [DiagnosticNote("first declared here", at: earlier.nameSpan)],
                        help: "names are shared by identities, tools, queries, runbooks and policies across the bundle; rename one")
                    continue
                }
                let statements = uniqueStatements(declaration.statements, in: "\(declaration.kind.rawValue) `\(declaration.name.name)`")
                let hasErrors = declaration.hasErrors || parseErrors.containsError(declaration.span)
                units.append(DeclarationUnit(declaration: declaration, statements: statements, hasErrors: hasErrors))
            }
        }
        return units
    }

    /// Statements with later copies of a singular statement (`effect`, `title`, `kql`, …)
    /// reported and removed.
    mutating func uniqueStatements(_ statements: [Statement], in owner: String) -> [Statement] {
        var seen: [String: Statement] = [:]
        var kept: [Statement] = []
        kept.reserveCapacity(statements.count)
        for statement in statements {
            guard let key = statement.kind.singularKeyword else {
                kept.append(statement)
                continue
            }
            if let first = seen[key] {
                error(
                    .duplicateStatement, "duplicate `\(key)` in \(owner)", at: statement.keyword.span,
                    notes: [DiagnosticNote("first `\(key)` here", at: first.keyword.span)],
                    help: "a block has at most one `\(key)`; remove one")
                continue
            }
            seen[key] = statement
            kept.append(statement)
        }
        return kept
    }
}

extension StatementKind {
    /// The keyword of a statement that may appear at most once per block, or nil.
    var singularKeyword: String? {
        switch self {
        case .principal: "principal"
        case .maxActivation: "max_activation"
        case .effect: "effect"
        case .description: "description"
        case .elevate: "elevate"
        case .kql: "kql"
        case .title: "title"
        case .trigger: "trigger"
        case .maxIterations: "max_iterations"
        case .investigate: "investigate"
        case .remediate: "remediate"
        case .approval: "approval"
        case .channel: "channel"
        case .approvers: "approvers"
        case .allow: "allow"
        case .timeout: "timeout"
        case .onTimeout: "on_timeout"
        case .maxElevation: "max_elevation"
        case .approvalTimeout: "approval_timeout"
        case .role, .eligible, .arg, .deny, .requireApprovals, .forbidNamespace, .context: nil
        }
    }
}
