import ReinSyntax

/// An S-expression dump of a parsed file without locations: what golden AST files hold.
enum ASTDump {
    static func dump(_ file: SourceFileSyntax) -> String {
        file.declarations.map(dump).joined(separator: "\n") + "\n"
    }

    static func dump(_ declaration: Declaration) -> String {
        var out = "(\(declaration.kind.rawValue) \(declaration.name.name)"
        if let doc = declaration.doc { out += " (doc \(quote(doc)))" }
        for statement in declaration.statements { out += "\n  " + dump(statement, indent: "  ") }
        return out + ")"
    }

    static func dump(_ statement: Statement, indent: String) -> String {
        switch statement.kind {
        case .role(let role): return "(role \(dump(role)))"
        case .eligible(let role, let scope): return "(eligible \(dump(role)) \(scope.name))"
        case .principal(let value): return "(principal \(quote(value.value)))"
        case .maxActivation(let value): return "(max_activation \(value.value))"
        case .effect(let effect, _): return "(effect \(effect.rawValue))"
        case .description(let value): return "(description \(quote(value.value)))"
        case .arg(let arg): return "(arg \(dump(arg)))"
        case .context(let arg): return "(context \(dump(arg)))"
        case .elevate(let elevation):
            return "(elevate \(elevation.identity.name) \(dump(elevation.role)) \(elevation.duration.value))"
        case .kql(let value): return "(kql \(quote(value.value)))"
        case .title(let value): return "(title \(quote(value.value)))"
        case .trigger(let expr): return "(trigger \(dump(expr)))"
        case .maxIterations(let value): return "(max_iterations \(value.value))"
        case .investigate(let names): return "(investigate \(names.map(\.name).joined(separator: " ")))"
        case .remediate(let names): return "(remediate \(names.map(\.name).joined(separator: " ")))"
        case .approval(let statements):
            return "(approval" + statements.map { "\n\(indent)  " + dump($0, indent: indent + "  ") }.joined() + ")"
        case .deny(let rule):
            var out = "(deny \(dump(rule.target)) \(dump(rule.condition))"
            if let message = rule.message { out += " \(quote(message.value))" }
            return out + ")"
        case .requireApprovals(let rule):
            return "(require \(rule.approvals.value) \(rule.target.map(dump) ?? "*") \(dump(rule.condition)))"
        case .channel(let value): return "(channel \(quote(value.value)))"
        case .approvers(let value): return "(approvers \(value.value))"
        case .allow(let globs): return "(allow \(globs.map { quote($0.value) }.joined(separator: " ")))"
        case .timeout(let value): return "(timeout \(value.value))"
        case .onTimeout(.noAction): return "(on_timeout no_action)"
        case .onTimeout(.page(let priority)): return "(on_timeout page \(priority.rawValue))"
        case .forbidNamespace(let names): return "(forbid_namespace \(names.map { quote($0.value) }.joined(separator: " ")))"
        case .maxElevation(let value): return "(max_elevation \(value.value))"
        case .approvalTimeout(let value): return "(approval_timeout \(value.value))"
        }
    }

    static func dump(_ role: RoleReference) -> String {
        role.id.map { "\(quote(role.name.value)) id \(quote($0.value))" } ?? quote(role.name.value)
    }

    static func dump(_ arg: ArgDeclaration) -> String {
        var out = "\(arg.name.name) \(dump(arg.type))"
        if let range = arg.range { out += " in \(dump(range))" }
        if let length = arg.length { out += " len \(dump(length))" }
        if let pattern = arg.pattern { out += " matching \(quote(pattern.value))" }
        if let value = arg.defaultValue { out += " = \(value.value)" }
        return out
    }

    static func dump(_ type: TypeSyntax) -> String {
        switch type.kind {
        case .int: "int"
        case .duration: "duration"
        case .bool: "bool"
        case .string: "string"
        case .name: "name"
        case .namespace: "namespace"
        case .enumeration(let members): "(enum \(members.map { quote($0.value) }.joined(separator: " ")))"
        case .invalid: "<invalid>"
        }
    }

    static func dump(_ range: RangeLiteral) -> String { "\(range.lower.value)..\(range.upper.value)" }

    static func dump(_ target: RuleTarget) -> String {
        switch target {
        case .all: "*"
        case .tools(let names, _): "[\(names.map(\.name).joined(separator: " "))]"
        }
    }

    static func dump(_ expr: Expr) -> String {
        switch expr.kind {
        case .literal(let value): value.description
        case .effect(let effect): effect.rawValue
        case .path(let parts): parts.map(\.name).joined(separator: ".")
        case .list(let items): "[\(items.map(dump).joined(separator: " "))]"
        case .range(let range): dump(range)
        case .not(let inner): "(not \(dump(inner)))"
        case .logical(let op, let operands): "(\(op.rawValue) \(operands.map(dump).joined(separator: " ")))"
        case .comparison(let op, let left, let right): "(\(op.rawValue) \(dump(left)) \(dump(right)))"
        case .parenthesized(let inner): "(paren \(dump(inner)))"
        case .invalid: "<invalid>"
        }
    }

    static func quote(_ text: String) -> String { JSONString.quote(text) }
}
