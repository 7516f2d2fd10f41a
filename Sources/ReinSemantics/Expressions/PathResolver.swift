import ReinSyntax

/// Resolution of `ROOT.field` paths: `args`, `tool`, `alert`, `context`, `session`, `now`.
extension CheckerContext {
    static let roots = ["args", "tool", "alert", "context", "session", "now"]

    mutating func typePath(_ parts: [Identifier], span: SourceSpan, expected: ValueType?, _ state: inout TypingState) -> Typed {
        guard let root = parts.first else { return .invalid(span) }
        let label = parts.map(\.name).joined(separator: ".")
        switch root.name {
        case "args":
            guard allowedInTrigger(root, state) else { return .invalid(span) }
            guard let name = singleField(parts, what: "the name of an arg") else { return .invalid(span) }
            return typeArg(name, span: span, expected: expected, &state)
        case "tool":
            guard allowedInTrigger(root, state), let field: ToolField = field(parts) else { return .invalid(span) }
            return Typed(.tool(field), field.type, span: span, label: label)
        case "alert":
            guard let field: AlertField = field(parts) else { return .invalid(span) }
            return Typed(.alert(field), field.type, span: span, label: label)
        case "session":
            guard allowedInTrigger(root, state), let field: SessionField = field(parts) else { return .invalid(span) }
            return Typed(.session(field), field.type, span: span, label: label)
        case "now":
            guard let field: NowField = field(parts) else { return .invalid(span) }
            return Typed(.now(field), field.type, span: span, label: label)
        case "context":
            guard let key = singleField(parts, what: "a context key") else { return .invalid(span) }
            guard let declared = model.contextKey(named: key.name) else {
                // A policy lost to a parse error may declare it.
                if parseErrors.skippedTopLevelText { return .invalid(span) }
                let help = suggestion(for: key.name, among: model.context.map(\.name))
                    ?? "declare it in a policy: `context \(key.name): TYPE`"
                error(.unknownContextKey, "unknown context key `\(key.name)`", at: key.span, help: help)
                return .invalid(span)
            }
            return Typed(
                .context(key.name), declared.type.valueType, span: span, members: declared.type.enumMembers, label: label)
        default:
            let help = suggestion(for: root.name, among: Self.roots).map { "\($0) (a path starts with `args`, `tool`, `alert`, `context`, `session` or `now`)" }
                ?? "a path starts with `args`, `tool`, `alert`, `context`, `session` or `now`; write text in quotes: `\"\(root.name)\"`"
            error(.unknownRoot, "unknown name `\(root.name)`", at: root.span, help: help)
            return .invalid(span)
        }
    }

    /// `args`, `tool` and `session` describe a proposal; a `trigger` chooses a runbook
    /// before any proposal exists.
    private mutating func allowedInTrigger(_ root: Identifier, _ state: TypingState) -> Bool {
        guard state.scope.isTrigger else { return true }
        error(
            .rootNotAllowed, "`\(root.name)` cannot be used in a `trigger`", at: root.span,
            help: "a trigger sees only `alert`, `context` and `now`: it picks a runbook before any tool is proposed")
        return false
    }

    /// The one field of `ROOT.NAME` for roots whose fields are declared names.
    private mutating func singleField(_ parts: [Identifier], what: String) -> Identifier? {
        let root = parts[0].name
        guard parts.count >= 2 else {
            error(.missingField, "`\(root)` needs a field: \(what)", at: parts[0].span, help: "write `\(root).NAME`")
            return nil
        }
        guard parts.count == 2 else {
            error(
                .unknownField, "`\(root).\(parts[1].name)` has no field `\(parts[2].name)`", at: parts[2].span,
                help: "`\(root).\(parts[1].name)` is a single value")
            return nil
        }
        return parts[1]
    }

    /// The field of `ROOT.FIELD` for roots with a fixed set of fields.
    private mutating func field<Field: RawRepresentable & CaseIterable>(_ parts: [Identifier]) -> Field?
    where Field.RawValue == String {
        let root = parts[0].name
        let names = Field.allCases.map(\.rawValue)
        let list = names.map { "`\($0)`" }.joined(separator: ", ")
        guard parts.count >= 2 else {
            error(.missingField, "`\(root)` needs a field", at: parts[0].span, help: "the fields of `\(root)` are \(list)")
            return nil
        }
        guard let field = Field(rawValue: parts[1].name) else {
            let help = suggestion(for: parts[1].name, among: names) ?? "the fields of `\(root)` are \(list)"
            error(.unknownField, "`\(root)` has no field `\(parts[1].name)`", at: parts[1].span, help: help)
            return nil
        }
        guard parts.count == 2 else {
            error(
                .unknownField, "`\(root).\(parts[1].name)` has no field `\(parts[2].name)`", at: parts[2].span,
                help: "`\(root).\(parts[1].name)` is a single value")
            return nil
        }
        return field
    }

    // MARK: Args

    /// `args.NAME`: typed from the named targets, or, in a rule for `*`, from `expected`.
    private mutating func typeArg(_ name: Identifier, span: SourceSpan, expected: ValueType?, _ state: inout TypingState) -> Typed {
        let label = "args.\(name.name)"
        switch state.scope.args {
        case .unresolved:
            return Typed(.arg(name.name), .error, span: span, label: label)
        case .wildcard:
            guard let expected else {
                error(
                    .untypedArg, "cannot tell the type of `\(label)` in a rule for `*`", at: span,
                    help: "compare it with a value of the type you mean (e.g. `\(label) == 5`), or name the target tools")
                return Typed(.arg(name.name), .error, span: span, label: label)
            }
            if expected.isError { return Typed(.arg(name.name), .error, span: span, label: label) }
            guard expected.isArgType else {
                error(
                    .typeMismatch, "`\(label)` cannot be \(expected.withArticle): args are ints, durations, bools or strings",
                    at: span, help: expected == .effect ? "compare `tool.effect` with `read` or `write`" : nil)
                return Typed(.arg(name.name), .error, span: span, label: label)
            }
            recordArgUse(name.name, type: expected, span: span, &state)
            return Typed(.arg(name.name), expected, span: span, label: label)
        case .tools(let tools):
            var type: ValueType?
            var members: [String]? = []
            var firstTool: ToolModel?
            for tool in tools {
                guard let arg = tool.arg(named: name.name) else {
                    let noun = tool.isQuery ? "query" : "tool"
                    let help = suggestion(for: name.name, among: tool.args.map(\.name))
                        ?? (tool.args.isEmpty ? "`\(tool.name)` has no args" : "the args of `\(tool.name)` are \(tool.args.map { "`\($0.name)`" }.joined(separator: ", "))")
                    error(
                        .unknownArg, "\(noun) `\(tool.name)` has no arg `\(name.name)`", at: name.span,
                        notes: [DiagnosticNote("`\(tool.name)` is declared here", at: tool.span)], help: help)
                    return Typed(.arg(name.name), .error, span: span, label: label)
                }
                let argType = arg.type.valueType
                if let type, let firstTool, type != argType {
                    error(
                        .argTypeConflict, "`\(label)` is \(type.withArticle) in `\(firstTool.name)` but \(argType.withArticle) in `\(tool.name)`",
                        at: span, help: "write one rule per tool, or target tools whose `\(name.name)` has one type")
                    return Typed(.arg(name.name), .error, span: span, label: label)
                }
                type = argType
                if firstTool == nil { firstTool = tool }
                if let enumMembers = arg.type.enumMembers {
                    for member in enumMembers where !(members?.contains(member) ?? true) { members?.append(member) }
                } else {
                    members = nil
                }
            }
            guard let type else { return Typed(.arg(name.name), .error, span: span, label: label) }
            recordArgUse(name.name, type: type, span: span, &state)
            return Typed(.arg(name.name), type, span: span, members: members, label: label)
        }
    }

    /// Records the type an arg is read at; in a `*` rule one arg cannot be read at two types.
    private mutating func recordArgUse(_ name: String, type: ValueType, span: SourceSpan, _ state: inout TypingState) {
        if let earlier = state.argUseSpans[name] {
            guard earlier.type != type else { return }
            error(
                .argTypeConflict, "`args.\(name)` is read as \(type.withArticle) here but as \(earlier.type.withArticle) before",
                at: span, notes: [DiagnosticNote("read as \(earlier.type.withArticle) here", at: earlier.span)],
                help: "a rule for `*` applies only to tools whose `\(name)` has the type it is read at; it cannot be both")
            return
        }
        state.argUseSpans[name] = (type, span)
        state.argUses.append(ArgUse(name: name, type: type))
    }
}
