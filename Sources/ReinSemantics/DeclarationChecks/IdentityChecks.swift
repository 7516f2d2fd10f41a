import ReinSyntax

extension CheckerContext {
    /// Checks an `identity`: standing roles from the read-only list only, known roles,
    /// GUIDs, one eligibility per role, and a `principal` when it has `eligible` lines.
    mutating func checkIdentity(_ unit: DeclarationUnit) {
        let declaration = unit.declaration
        let name = unit.name
        if unit.hasErrors { identitiesWithErrors.insert(name) }
        var standing: [RoleModel] = []
        var standingSeen: [ExactString: SourceSpan] = [:]
        var eligibilities: [EligibilityModel] = []
        var eligibleSeen: [ExactString: SourceSpan] = [:]
        var hasRoleLines = false
        var hasEligibleLines = false
        var hasPrincipal = false
        var principal: String?
        var maxActivation: DurationValue?

        for statement in unit.statements {
            switch statement.kind {
            case .role(let reference):
                hasRoleLines = true
                guard let role = checkStandingRole(reference) else { continue }
                if let first = standingSeen[role.matchKey] {
                    error(
                        .duplicateRole, "identity `\(name)` already holds role `\(role.name)`", at: reference.span,
                        notes: [DiagnosticNote("first assigned here", at: first)], help: "remove one of the lines")
                    continue
                }
                standingSeen[role.matchKey] = reference.span
                standing.append(role)
            case .eligible(let reference, let scopeWord):
                hasEligibleLines = true
                guard let role = resolveRole(reference), let scope = ElevationScope(rawValue: scopeWord.name) else {
                    // Reported; an `elevate` of this identity may mean this line.
                    identitiesWithUnresolvedEligibility.insert(name)
                    continue
                }
                if let first = eligibleSeen[role.matchKey] {
                    error(
                        .duplicateRole, "identity `\(name)` is already eligible for role `\(role.name)`", at: reference.span,
                        notes: [DiagnosticNote("first eligible here", at: first)],
                        help: "keep one `eligible` line per role, so that an elevation's scope is unambiguous")
                    continue
                }
                eligibleSeen[role.matchKey] = reference.span
                eligibilities.append(EligibilityModel(role: role, scope: scope, span: statement.span))
            case .principal(let literal):
                hasPrincipal = true
                guard NameRules.isGUID(literal.value) else {
                    error(
                        .invalidGUID, "principal `\(abbreviated(literal.value))` is not a GUID", at: literal.span,
                        help: "write the identity's Entra object id as 8-4-4-4-12 hex digits, e.g. `a3bb8764-cb92-4276-9d2a-ca1e895e55ea`")
                    continue
                }
                principal = literal.value
            case .maxActivation(let literal):
                guard let value = positiveDuration(literal, keyword: "max_activation") else { continue }
                maxActivation = value
                maxActivationSpans[name] = literal.span
            default:
                break
            }
        }

        if hasEligibleLines, !hasPrincipal, !unit.hasErrors {
            error(
                .missingPrincipal, "identity `\(name)` has `eligible` roles but no `principal`", at: declaration.name.span,
                help: "add `principal \"GUID\"` with the identity's Entra object id: PIM activates roles for that principal")
        }
        if hasRoleLines { standingDeclarations.append((name, declaration.name.span)) }
        model.identityIndex[name] = model.identities.count
        model.identities.append(
            IdentityModel(
                name: name, doc: declaration.doc, principal: principal, standingRoles: standing,
                eligibilities: eligibilities, maxActivation: maxActivation, span: declaration.name.span))
    }

    /// A standing `role`: only a built-in role from the closed read-only list (written by
    /// name, or with its own built-in id).
    private mutating func checkStandingRole(_ reference: RoleReference) -> RoleModel? {
        let name = reference.name.value
        func help() -> String {
            "standing roles are limited to \(BuiltInRoles.standingAllowed.joined(separator: ", ")); give other roles as `eligible \"ROLE\" at SCOPE`, activated only after approval"
        }
        if let id = reference.id, !BuiltInRoles.isBuiltIn(name: name, id: id.value) {
            error(
                .standingRoleNotReadOnly, "standing role `\(abbreviated(name))` is a custom role", at: reference.span,
                help: help())
            return nil
        }
        guard BuiltInRoles.isStandingAllowed(name), let guid = BuiltInRoles.guid(named: name) else {
            let known = BuiltInRoles.guid(named: name) != nil
            error(
                .standingRoleNotReadOnly,
                known
                    ? "standing role `\(name)` is not read-only"
                    : "standing role `\(abbreviated(name))` is not one of the read-only built-in roles",
                at: reference.span,
                help: known
                    ? help()
                    : unicodeLookalikeHelp(name, among: BuiltInRoles.standingAllowed, what: "role names")
                        ?? suggestion(for: name, among: BuiltInRoles.standingAllowed) ?? help())
            return nil
        }
        return RoleModel(name: name, guid: guid, isCustom: false, span: reference.span)
    }

    /// A role in an `eligible` or `elevate` line: a known built-in role by name (an `id`, if
    /// written, must then be its built-in GUID to be that role), or a custom role with a
    /// GUID `id`.
    mutating func resolveRole(_ reference: RoleReference) -> RoleModel? {
        let name = reference.name.value
        if let id = reference.id {
            guard NameRules.isGUID(id.value) else {
                error(
                    .invalidGUID, "role id `\(abbreviated(id.value))` is not a GUID", at: id.span,
                    help: "write the custom role's definition id as 8-4-4-4-12 hex digits")
                return nil
            }
            if BuiltInRoles.isBuiltIn(name: name, id: id.value), let guid = BuiltInRoles.guid(named: name) {
                return RoleModel(name: name, guid: guid, isCustom: false, span: reference.span)
            }
            return RoleModel(name: name, guid: id.value, isCustom: true, span: reference.span)
        }
        guard let guid = BuiltInRoles.guid(named: name) else {
            error(
                .unknownRole, "unknown built-in role `\(abbreviated(name))`", at: reference.name.span,
                help: unicodeLookalikeHelp(name, among: BuiltInRoles.all.map(\.name), what: "role names")
                    ?? suggestion(for: name, among: BuiltInRoles.all.map(\.name))
                    ?? "a custom role is written with its definition id: `\"\(abbreviated(name))\" id \"GUID\"`")
            return nil
        }
        return RoleModel(name: name, guid: guid, isCustom: false, span: reference.span)
    }

    /// When any read tool or query exists, exactly one identity has standing roles (read
    /// tools run as it): none is reported at the first read tool, each extra identity at its
    /// name. Runs after the tools are checked.
    mutating func checkStandingIdentities() {
        model.standingIdentity = standingDeclarations.first?.name
        guard let readTool = model.tools.first(where: { $0.effect == .read }) else { return }
        guard let first = standingDeclarations.first else {
            // An identity lost to a parse error may have standing roles.
            if parseErrors.skippedTopLevelText { return }
            error(
                .missingStandingIdentity,
                "\(readTool.isQuery ? "query" : "read tool") `\(readTool.name)` has no identity to run as: no identity has standing roles",
                at: readTool.span,
                help: "declare one read-only identity, e.g. `identity observer { role \"Monitoring Reader\" }`")
            return
        }
        for other in standingDeclarations.dropFirst() {
            error(
                .multipleStandingIdentities, "identity `\(other.name)` also has standing roles", at: other.span,
                notes: [DiagnosticNote("`\(first.name)` has standing roles too", at: first.span)],
                help: "read tools run as one identity: move `\(other.name)`'s standing roles to `\(first.name)`")
        }
    }
}
