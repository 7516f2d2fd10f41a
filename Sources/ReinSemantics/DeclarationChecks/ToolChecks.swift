import ReinSyntax

extension CheckerContext {
    /// Checks a `tool` or `query`: one `effect` (a query is always `read`, with or without an
    /// `effect read` line), unique args, exactly
    /// one `elevate` on a write tool and none on a read tool, bounded int/duration args on
    /// write tools, and a valid KQL template on a query.
    mutating func checkTool(_ unit: DeclarationUnit) {
        let declaration = unit.declaration
        let name = unit.name
        let isQuery = declaration.kind == .query
        let noun = isQuery ? "query" : "tool"
        var effect: ToolEffect? = isQuery ? .read : nil
        var description: String?
        var args: [ArgModel] = []
        var argDeclarations: [ArgDeclaration] = []
        var argSpans: [String: SourceSpan] = [:]
        /// Args whose declaration did not parse past the name: they exist, nothing more.
        var invalidArgs = Set<String>()
        var elevation: (statement: Statement, value: Elevation)?
        var kql: StringLiteral?

        for statement in unit.statements {
            switch statement.kind {
            case .effect(let value, _): effect = isQuery ? .read : value  // the parser rejects `effect write` in a query
            case .description(let literal): description = literal.value
            case .arg(let argument):
                if let first = argSpans[argument.name.name] {
                    error(
                        .duplicateArg, "duplicate arg `\(argument.name.name)` in \(noun) `\(name)`", at: argument.name.span,
                        notes: [DiagnosticNote("first declared here", at: first)], help: "rename or remove one of them")
                    continue
                }
                argSpans[argument.name.name] = argument.name.span
                guard let arg = checkArgDeclaration(argument, statement: statement.span) else {
                    invalidArgs.insert(argument.name.name)
                    continue
                }
                args.append(arg)
                argDeclarations.append(argument)
            case .elevate(let value): elevation = (statement, value)
            case .kql(let literal): kql = literal
            default: break
            }
        }

        if effect == nil, !unit.hasErrors {
            error(
                .missingStatement, "tool `\(name)` has no `effect`", at: declaration.name.span,
                help: "add `effect read` for a tool that only reads, or `effect write` for one that changes something")
        }

        var elevationModel: ElevationModel?
        if let elevation {
            if effect == .read {
                error(
                    .unexpectedElevation, isQuery ? "query `\(name)` cannot elevate" : "read tool `\(name)` cannot elevate",
                    at: elevation.statement.keyword.span,
                    help: "remove the `elevate` line: read tools run as the identity with standing roles")
            } else {
                elevationModel = checkElevation(elevation.value)
            }
        } else if effect == .write, !unit.hasErrors {
            error(
                .missingElevation, "write tool `\(name)` has no `elevate` line", at: declaration.name.span,
                help: "add `elevate IDENTITY role \"ROLE\" for DURATION`: a write runs only under a PIM role activated after approval")
        }

        if effect == .write {
            for (arg, syntax) in zip(args, argDeclarations) { checkWriteArgIsBounded(arg, syntax, tool: name) }
        }

        var template: KQLTemplate?
        if isQuery {
            if let kql, parseErrors.containsError(kql.span) {
                template = nil  // the literal's value is unreliable; its error was reported
            } else if let kql {
                template = checkKQL(kql, args: args, invalidArgs: invalidArgs, query: name)
            } else if !unit.hasErrors {
                error(
                    .missingStatement, "query `\(name)` has no `kql` template", at: declaration.name.span,
                    help: "add `kql \"\"\"…\"\"\"` with `{arg}` placeholders where values go")
            }
        }

        for arg in args { argTypesByName[arg.name, default: []].insert(arg.type.valueType) }
        if !invalidArgs.isEmpty {
            invalidArgsByTool[name] = invalidArgs
            invalidArgNames.formUnion(invalidArgs)
        }
        model.toolIndex[name] = model.tools.count
        model.tools.append(
            ToolModel(
                name: name, kind: declaration.kind, doc: declaration.doc, description: description, effect: effect,
                args: args, elevation: elevationModel, kql: template, span: declaration.name.span,
                declarationSpan: declaration.span))
    }

    /// No unbounded write argument (Grammar/README.md, "Unsafe states do not pass the checker"): an int or duration arg of a
    /// write tool needs `in LO..HI`, a string arg `len` or `matching`. `name`, `namespace`,
    /// enums and bools are bounded by their type.
    private mutating func checkWriteArgIsBounded(_ arg: ArgModel, _ syntax: ArgDeclaration, tool: String) {
        let help: String
        switch arg.type {
        case .int where syntax.range == nil: help = "bound it, e.g. `arg \(arg.name): int in 1..10`"
        case .duration where syntax.range == nil: help = "bound it, e.g. `arg \(arg.name): duration in 1m..1h`"
        case .string where syntax.length == nil && syntax.pattern == nil:
            help = "bound it with `len LO..HI` and, better, `matching \"REGEX\"`, or use `name`, `namespace` or an enum"
        default: return
        }
        error(.unboundedWriteArg, "\(arg.type) arg `\(arg.name)` of write tool `\(tool)` has no bounds", at: arg.span, help: help)
    }

    /// `elevate IDENTITY role ROLE` without a matching `eligible` line. When an `eligible` line
    /// names the same role with another id, the message says so, with a note at that line.
    private func reportNotEligible(_ identity: IdentityModel, role: RoleModel, at reference: RoleReference) {
        let name = abbreviated(role.name)
        guard let sameName = identity.eligibilities.first(where: { $0.role.name.isExactly(role.name) }) else {
            error(
                .notEligible, "identity `\(identity.name)` is not eligible for role `\(name)`", at: reference.span,
                notes: [DiagnosticNote("`\(identity.name)` is declared here", at: identity.span)],
                help: unicodeLookalikeHelp(role.name, among: identity.eligibilities.map(\.role.name), what: "role names")
                    ?? "add `eligible \"\(name)\"\(role.isCustom ? " id \"\(role.guid)\"" : "") at SCOPE` to `\(identity.name)`; the engine activates existing eligibilities, it never grants one")
            return
        }
        func described(_ role: RoleModel) -> String {
            role.isCustom ? "id `\(abbreviated(role.guid))`" : "the built-in id `\(role.guid)`"
        }
        let eligible = sameName.role
        error(
            .notEligible,
            "role `\(name)` here has \(described(role)), but `\(identity.name)` is eligible for `\(name)` with \(described(eligible))",
            at: reference.span,
            notes: [DiagnosticNote("`\(identity.name)` is eligible for `\(name)` here", at: sameName.span)],
            help: eligible.isCustom
                ? "write the role as in the `eligible` line: `role \"\(name)\" id \"\(abbreviated(eligible.guid))\"`"
                : "`\(name)` is a built-in role: write `role \"\(name)\"` without an `id`, or with its built-in id")
    }

    /// Resolves `elevate IDENTITY role ROLE for DURATION`: the identity exists and has an
    /// `eligible` line for the role (name, and id for a custom role), and the duration is
    /// positive and within every policy's `max_elevation` and the identity's `max_activation`.
    private mutating func checkElevation(_ elevation: Elevation) -> ElevationModel? {
        let identityName = elevation.identity.name
        var identity: IdentityModel?
        if let entry = symbols.lookup(identityName) {
            if entry.kind == .identity {
                identity = model.identity(named: identityName)
            } else {
                error(
                    .wrongKind, "`\(identityName)` is \(entry.kind.withArticle), not an identity", at: elevation.identity.span,
                    notes: [DiagnosticNote("`\(identityName)` is declared here", at: entry.nameSpan)])
            }
        } else if !parseErrors.lostNames.contains(identityName) {
            error(
                .unknownIdentity, "unknown identity `\(identityName)`", at: elevation.identity.span,
                help: suggestion(for: identityName, among: symbols.names(of: [.identity]))
                    ?? "declare it with `identity \(identityName) { … }` holding a `principal \"GUID\"` line and an `eligible \"ROLE\" at SCOPE` line")
        }
        let role = resolveRole(elevation.role)
        let requested = positiveDuration(elevation.duration, keyword: "elevate … for")
        guard let identity, let role else { return nil }
        guard let eligibility = identity.eligibility(for: role) else {
            if !identitiesWithErrors.contains(identity.name), !identitiesWithUnresolvedEligibility.contains(identity.name) {
                reportNotEligible(identity, role: role, at: elevation.role)
            }
            return nil
        }
        guard let requested else { return nil }
        checkElevationWithinLimits(requested, literal: elevation.duration, identity: identity)
        var duration = requested
        if let limit = model.limits.maxElevation?.value { duration = min(duration, limit) }
        if let limit = identity.maxActivation { duration = min(duration, limit) }
        return ElevationModel(
            identity: identity.name, role: role, scope: eligibility.scope, requested: requested, duration: duration,
            span: elevation.identity.span.through(elevation.duration.span))
    }
}
