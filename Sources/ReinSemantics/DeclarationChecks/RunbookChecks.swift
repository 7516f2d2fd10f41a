import ReinSyntax

extension CheckerContext {
    /// Checks a `runbook`: its trigger, lists, approval block, limits and rules.
    mutating func checkRunbook(_ unit: DeclarationUnit) {
        let declaration = unit.declaration
        let name = unit.name
        var runbook = RunbookModel(
            name: name, doc: declaration.doc, title: nil, description: nil, trigger: nil, maxIterations: nil,
            investigate: [], remediate: [], approval: nil, ruleIndices: [], span: declaration.name.span,
            declarationSpan: declaration.span)
        var remediateKeyword: Identifier?
        var hasApproval = false

        for statement in unit.statements {
            switch statement.kind {
            case .title(let literal):
                runbook.title = literal.value
            case .description(let literal):
                runbook.description = literal.value
            case .trigger(let expr):
                runbook.trigger = typeCondition(expr, scope: .trigger, what: "a `trigger`").0
            case .maxIterations(let literal):
                guard let value = positiveCount(literal, keyword: "max_iterations") else { continue }
                checkIterationsWithinPolicy(value, literal: literal)
                runbook.maxIterations = value
                runbook.maxIterationsSpan = statement.span
            case .investigate(let names):
                runbook.investigate = resolveRunbookList(names, effect: .read, keyword: "investigate")
            case .remediate(let names):
                remediateKeyword = statement.keyword
                runbook.remediate = resolveRunbookList(names, effect: .write, keyword: "remediate")
            case .approval(let statements):
                hasApproval = true
                runbook.approval = checkApproval(
                    statements, keyword: statement.keyword, runbook: name, reportMissing: !unit.hasErrors)
            case .deny(let rule):
                runbook.ruleIndices.append(checkDenyRule(rule, statement: statement, owner: .runbook(name)))
            case .requireApprovals(let rule):
                runbook.ruleIndices.append(checkRequireRule(rule, statement: statement, owner: .runbook(name)))
            default:
                break
            }
        }

        if let remediateKeyword, !hasApproval, !unit.hasErrors {
            error(
                .missingApproval, "runbook `\(name)` has a `remediate` list but no `approval` block", at: remediateKeyword.span,
                help: "add an `approval` block with `channel`, `approvers`, `allow`, `timeout` and `on_timeout`, each on a line of its own: every remediation needs a person's approval")
        }
        model.runbookIndex[name] = model.runbooks.count
        model.runbooks.append(runbook)
    }

    /// `investigate` (read tools and queries) or `remediate` (write tools).
    private mutating func resolveRunbookList(_ names: [Identifier], effect: ToolEffect, keyword: String) -> [String] {
        var seen: [String: SourceSpan] = [:]
        var resolved: [String] = []
        for name in names {
            if let first = seen[name.name] {
                error(
                    .duplicateListEntry, "`\(name.name)` is listed twice in `\(keyword)`", at: name.span,
                    notes: [DiagnosticNote("first listed here", at: first)], help: "remove one of them")
                continue
            }
            seen[name.name] = name.span
            let reference =
                effect == .read
                ? resolveToolReference(name, listHelp: "`investigate` lists read tools and queries")
                : resolveToolReference(
                    name, expects: "a tool", listHelp: "`remediate` lists write tools (queries only read, so they cannot be remediations)")
            guard let tool = reference else { continue }
            switch (effect, tool.effect) {
            case (.read, .write?):
                error(
                    .writeToolInInvestigate, "write tool `\(tool.name)` cannot be in `investigate`", at: name.span,
                    notes: [DiagnosticNote("`\(tool.name)` is declared `effect write` here", at: tool.span)],
                    help: "list it under `remediate`: a write is proposed as a remediation and needs approval")
            case (.write, .read?):
                error(
                    .readToolInRemediate,
                    "\(tool.isQuery ? "query" : "read tool") `\(tool.name)` cannot be in `remediate`", at: name.span,
                    notes: [DiagnosticNote("`\(tool.name)` is declared here", at: tool.span)],
                    help: "list it under `investigate`: reads are plain tool calls")
            default:
                resolved.append(tool.name)
            }
        }
        return resolved
    }

    /// `approval { channel … approvers … allow … timeout … on_timeout … }`: all five are
    /// required; `approvers` ≥ 1; `timeout` > 0 and within every policy's `approval_timeout`.
    private mutating func checkApproval(
        _ statements: [Statement], keyword: Identifier, runbook: String, reportMissing: Bool
    ) -> ApprovalModel? {
        let unique = uniqueStatements(statements, in: "the approval block of runbook `\(runbook)`")
        var present = Set<String>()
        var channel: String?
        var approvers: Int64?
        var allow: [String]?
        var timeout: DurationValue?
        var onTimeout: TimeoutAction?
        for statement in unique {
            if let key = statement.kind.singularKeyword { present.insert(key) }
            switch statement.kind {
            case .channel(let literal):
                channel = nonEmptyString(literal, what: "`channel`", help: "give the Teams channel id the approval card is sent to")
            case .approvers(let literal):
                approvers = positiveCount(literal, keyword: "approvers")
            case .allow(let globs):
                // Globs match approvers ASCII case-insensitively (docs/FORMATS.md §3), so
                // `"A@x.com"` repeats `"a@x.com"`; other scalars compare exactly.
                var seen: [ExactString: StringLiteral] = [:]
                var values: [String] = []
                for glob in globs {
                    let key = ExactString.ignoringASCIICase(glob.value)
                    if let first = seen[key] {
                        let sameText = first.value.isExactly(glob.value)
                        error(
                            .duplicateListEntry, "`\(quoted(glob.span))` is listed twice in `allow`", at: glob.span,
                            notes: [
                                DiagnosticNote(sameText ? "first listed here" : "first listed here as `\(quoted(first.span))`", at: first.span)
                            ],
                            help: sameText
                                ? "remove one of them"
                                : "remove one of them: `allow` globs match approvers ASCII case-insensitively")
                        continue
                    }
                    seen[key] = glob
                    if let value = nonEmptyString(glob, what: "an `allow` glob", help: "an empty glob matches no one; write e.g. `\"*@contoso.com\"`") {
                        values.append(value)
                    }
                }
                allow = values
            case .timeout(let literal):
                guard let value = positiveDuration(literal, keyword: "timeout") else { continue }
                checkApprovalTimeoutWithinPolicy(value, literal: literal)
                timeout = value
            case .onTimeout(let action):
                onTimeout = action
            default:
                break
            }
        }
        let missing = ["channel", "approvers", "allow", "timeout", "on_timeout"].filter { !present.contains($0) }
        if !missing.isEmpty, reportMissing {
            let list = missing.map { "`\($0)`" }
            let joined = list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + (list.last ?? "")
            error(
                .missingApprovalField, "`approval` block of runbook `\(runbook)` is missing \(joined)", at: keyword.span,
                help: "an approval block needs `channel`, `approvers`, `allow`, `timeout` and `on_timeout`")
        }
        guard let channel, let approvers, let allow, !allow.isEmpty, let timeout, let onTimeout else { return nil }
        return ApprovalModel(
            channel: channel, approvers: approvers, allow: allow, timeout: timeout, onTimeout: onTimeout, span: keyword.span)
    }
}
