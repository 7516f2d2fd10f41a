import ReinSyntax

extension CheckerContext {
    /// First policy pass: `forbid namespace` values and the limits (`max_iterations`,
    /// `max_elevation`, `approval_timeout`), which later passes compare against.
    mutating func checkPolicyLimits(_ unit: DeclarationUnit) -> PolicyModel {
        let name = unit.name
        var policy = PolicyModel(
            name: name, doc: unit.declaration.doc, forbiddenNamespaces: [], maxIterations: nil, maxElevation: nil,
            approvalTimeout: nil, context: [], ruleIndices: [], span: unit.declaration.name.span,
            declarationSpan: unit.declaration.span)
        var ownForbidden = Set<ExactString>()
        for statement in unit.statements {
            switch statement.kind {
            case .forbidNamespace(let values):
                for value in values {
                    if let violation = NameRules.namespaceViolation(value.value) {
                        error(
                            .invalidNamespace, "`\(quoted(value.span))` is not a valid namespace: \(violation)", at: value.span,
                            help: "a namespace is an RFC 1123 label: lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters; values are compared exactly")
                        continue
                    }
                    let key = ExactString(value.value)
                    if forbidden[key] == nil {
                        forbidden[key] = value.span
                        model.forbiddenNamespaces.append(value.value)
                    }
                    if ownForbidden.insert(key).inserted { policy.forbiddenNamespaces.append(value.value) }
                }
            case .maxIterations(let literal):
                guard let value = positiveCount(literal, keyword: "max_iterations") else { continue }
                policy.maxIterations = value
                if model.limits.maxIterations.map({ value < $0.value }) ?? true {
                    model.limits.maxIterations = PolicyLimit(
                        value: value, policy: name, span: literal.span, statementSpan: statement.span)
                }
            case .maxElevation(let literal):
                guard let value = positiveDuration(literal, keyword: "max_elevation") else { continue }
                policy.maxElevation = value
                if model.limits.maxElevation.map({ value < $0.value }) ?? true {
                    model.limits.maxElevation = PolicyLimit(value: value, policy: name, span: literal.span)
                }
            case .approvalTimeout(let literal):
                guard let value = positiveDuration(literal, keyword: "approval_timeout") else { continue }
                policy.approvalTimeout = value
                if model.limits.approvalTimeout.map({ value < $0.value }) ?? true {
                    model.limits.approvalTimeout = PolicyLimit(value: value, policy: name, span: literal.span)
                }
            default:
                break
            }
        }
        return policy
    }

    /// Second policy pass: `context` keys, unique across every policy of the bundle.
    mutating func checkPolicyContext(_ unit: DeclarationUnit, into policy: inout PolicyModel) {
        for statement in unit.statements {
            guard case .context(let declaration) = statement.kind else { continue }
            let key = declaration.name.name
            if let first = contextSpans[key] {
                error(
                    .duplicateContextKey, "context key `\(key)` is already declared", at: declaration.name.span,
                    notes: [DiagnosticNote("first declared here", at: first)],
                    help: "context keys are shared by every policy; declare each key once")
                continue
            }
            contextSpans[key] = declaration.name.span
            guard let arg = checkArgDeclaration(declaration, statement: statement.span) else {
                invalidContextKeys.insert(key)
                continue
            }
            policy.context.append(arg)
            model.contextIndex[key] = model.context.count
            model.context.append(arg)
        }
    }

    /// Last policy pass (in bundle order with the runbooks): the policy's rules.
    mutating func checkPolicyRules(_ unit: DeclarationUnit, into policy: inout PolicyModel) {
        for statement in unit.statements {
            switch statement.kind {
            case .deny(let rule):
                policy.ruleIndices.append(checkDenyRule(rule, statement: statement, owner: .policy(unit.name)))
            case .requireApprovals(let rule):
                policy.ruleIndices.append(checkRequireRule(rule, statement: statement, owner: .policy(unit.name)))
            default:
                break
            }
        }
    }
}
