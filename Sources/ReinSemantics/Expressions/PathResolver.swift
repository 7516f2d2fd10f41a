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
                // A policy lost to a parse error may declare it; a key whose declaration did
                // not parse exists, but has no type.
                if parseErrors.skippedTopLevelText || invalidContextKeys.contains(key.name) { return .invalid(span) }
                error(
                    .unknownContextKey, "unknown context key `\(key.name)`", at: key.span,
                    help: suggestion(for: key.name, among: model.context.map(\.name))
                        ?? "declare it in a policy: `context \(key.name): TYPE`")
                return .invalid(span)
            }
            return Typed(
                .context(key.name), declared.type.valueType, span: span, members: declared.type.enumMembers, label: label)
        default:
            error(
                .unknownRoot, "unknown name `\(root.name)`", at: root.span,
                help: suggestion(for: root.name, among: Self.roots)
                    .map { "\($0) (a path starts with `args`, `tool`, `alert`, `context`, `session` or `now`)" }
                    ?? "a path starts with `args`, `tool`, `alert`, `context`, `session` or `now`; write text in quotes: `\"\(root.name)\"`")
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
        func list() -> String { names.map { "`\($0)`" }.joined(separator: ", ") }
        guard parts.count >= 2 else {
            error(.missingField, "`\(root)` needs a field", at: parts[0].span, help: "the fields of `\(root)` are \(list())")
            return nil
        }
        guard let field = Field(rawValue: parts[1].name) else {
            error(
                .unknownField, "`\(root)` has no field `\(parts[1].name)`", at: parts[1].span,
                help: suggestion(for: parts[1].name, among: names) ?? "the fields of `\(root)` are \(list())")
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

    /// `args.NAME`: typed from the named targets, or, in a rule for `*`, from `expected`
    /// (`.any` when it is compared only with other args).
    private mutating func typeArg(_ name: Identifier, span: SourceSpan, expected: ValueType?, _ state: inout TypingState) -> Typed {
        let label = "args.\(name.name)"
        let silent = Typed(.arg(name.name), .error, span: span, label: label)
        switch state.scope.args {
        case .unresolved:
            return silent
        case .wildcard:
            guard let expected else {
                error(
                    .untypedArg, "cannot tell the type of `\(label)` in a rule for `*`", at: span,
                    help: "an arg takes the type of what it is compared with, and a list goes on the right of `in` (`\(label) in [a, b]`); or name the target tools")
                return silent
            }
            if expected.isError { return silent }
            guard expected.isArgType || expected == .any else {
                error(
                    .typeMismatch, "`\(label)` cannot be \(expected.withArticle): args are ints, durations, bools or strings",
                    at: span, help: expected == .effect ? "compare `tool.effect` with `read` or `write`" : nil)
                return silent
            }
            recordArgUse(name.name, type: expected, span: span, &state)
            return Typed(.arg(name.name), expected, span: span, label: label)
        case .tools(let tools):
            var type: ValueType?
            var members: [String]? = []
            var firstTool: ToolModel?
            // A target whose `NAME` did not parse has it, but at no known type.
            var untyped = false
            for tool in tools {
                guard let arg = tool.arg(named: name.name) else {
                    if invalidArgsByTool[tool.name]?.contains(name.name) ?? false {
                        untyped = true
                        continue
                    }
                    error(
                        .unknownArg, "\(tool.isQuery ? "query" : "tool") `\(tool.name)` has no arg `\(name.name)`", at: name.span,
                        notes: [DiagnosticNote("`\(tool.name)` is declared here", at: tool.span)],
                        help: suggestion(for: name.name, among: tool.args.map(\.name))
                            ?? (tool.args.isEmpty
                                ? "`\(tool.name)` has no args"
                                : "the args of `\(tool.name)` are \(tool.args.map { "`\($0.name)`" }.joined(separator: ", "))"))
                    return silent
                }
                let argType = arg.type.valueType
                if let type, let firstTool, type != argType {
                    error(
                        .argTypeConflict, "`\(label)` is \(type.withArticle) in `\(firstTool.name)` but \(argType.withArticle) in `\(tool.name)`",
                        at: span, help: "write one rule per tool, or target tools whose `\(name.name)` has one type")
                    return silent
                }
                type = argType
                if firstTool == nil { firstTool = tool }
                if let enumMembers = arg.type.enumMembers {
                    for member in enumMembers where !(members?.containsExactly(member) ?? true) { members?.append(member) }
                } else {
                    members = nil
                }
            }
            guard let type, !untyped else { return silent }
            recordArgUse(name.name, type: type, span: span, &state)
            return Typed(.arg(name.name), type, span: span, members: members, label: label)
        }
    }

    /// Records the type an arg is read at (`RuleModel.argUses`). A typed use makes an `.any`
    /// use of the same arg redundant. In a `*` rule, one arg read at two types means that
    /// no tool can match the rule (Grammar/README.md §11): a warning, and both uses are recorded.
    private mutating func recordArgUse(_ name: String, type: ValueType, span: SourceSpan, _ state: inout TypingState) {
        guard let earlier = state.argUseSpans[name] else {
            state.argUseSpans[name] = (type, span)
            state.appendArgUse(ArgUse(name: name, type: type), at: span)
            return
        }
        if earlier.type == type || type == .any { return }
        if earlier.type == .any {
            state.argUseSpans[name] = (type, span)
            state.narrowArgUse(name, to: type)
            return
        }
        guard !state.hasArgUse(ArgUse(name: name, type: type)) else { return }
        state.appendArgUse(ArgUse(name: name, type: type), at: span)
        guard state.conflictingArgs.insert(name).inserted else { return }
        warning(
            .argTypeConflict,
            "`args.\(name)` is read as \(type.withArticle) here but as \(earlier.type.withArticle) before, so this rule can never match",
            at: span, notes: [DiagnosticNote("read as \(earlier.type.withArticle) here", at: earlier.span)],
            help: "a rule for `*` applies only to tools whose `\(name)` has the type it is read at, and one arg has one type; write one rule per type")
    }
}
