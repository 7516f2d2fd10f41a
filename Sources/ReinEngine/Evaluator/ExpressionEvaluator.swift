import ReinSemantics
import ReinSyntax

/// Everything a rule condition may read, for one proposal.
struct EvaluationEnvironment {
    var args: ValueTable
    var toolName: String
    var toolEffect: ToolEffect?
    var alert: JSONObject?
    var context: ValueTable
    var session: SessionState
    var now: Timestamp
}

/// Evaluates checked expressions at run time. Every failure (a missing alert field, unlike types,
/// an unresolved node) throws: the caller fails closed.
enum ExpressionEvaluator {
    static func evaluate(_ expr: CheckedExpr, _ env: EvaluationEnvironment) throws(EvaluationFailure) -> RuntimeValue {
        switch expr.kind {
        case .literal(let value):
            return RuntimeValue(value)
        case .effect(let effect):
            return .effect(effect)
        case .list(let items):
            var values: [RuntimeValue] = []
            for item in items { values.append(try evaluate(item, env)) }
            return .list(values)
        case .range(let lower, let upper):
            return .range(RuntimeValue(lower), RuntimeValue(upper))
        case .arg(let name):
            guard let value = env.args[name] else {
                throw EvaluationFailure(message: "`args.\(name)` has no value")
            }
            return value
        case .tool(let field):
            switch field {
            case .name: return .string(env.toolName)
            case .effect:
                guard let effect = env.toolEffect else { throw EvaluationFailure(message: "the tool has no effect") }
                return .effect(effect)
            }
        case .alert(let field):
            return try alertField(field, env.alert)
        case .context(let key):
            guard let value = env.context[key] else {
                throw EvaluationFailure(message: "`context.\(key)` has no value")
            }
            return value
        case .session(let field):
            switch field {
            case .iteration: return .int(env.session.iteration)
            case .denials: return .int(env.session.denials)
            case .tools: return .list(env.session.tools.map { .string($0) })
            }
        case .now(let field):
            switch field {
            case .hour: return .int(Int64(env.now.hour))
            case .weekday: return .int(Int64(env.now.weekday))
            }
        case .not(let operand):
            return .bool(!(try boolValue(operand, env)))
        case .logical(let op, let operands):
            for operand in operands {
                let value = try boolValue(operand, env)
                if op == .and, !value { return .bool(false) }
                if op == .or, value { return .bool(true) }
            }
            return .bool(op == .and)
        case .comparison(let op, let left, let right):
            let l = try evaluate(left, env)
            let r = try evaluate(right, env)
            return .bool(try compare(op, l, r))
        case .invalid:
            throw EvaluationFailure(message: "the expression did not check")
        }
    }

    static func boolValue(_ expr: CheckedExpr, _ env: EvaluationEnvironment) throws(EvaluationFailure) -> Bool {
        guard case .bool(let value) = try evaluate(expr, env) else {
            throw EvaluationFailure(message: "a condition is not a bool")
        }
        return value
    }

    static func compare(_ op: ComparisonOperator, _ l: RuntimeValue, _ r: RuntimeValue) throws(EvaluationFailure) -> Bool {
        switch op {
        case .equal: return try equal(l, r)
        case .notEqual: return !(try equal(l, r))
        case .less, .lessEqual, .greater, .greaterEqual:
            let order: Int
            switch (l, r) {
            case (.int(let a), .int(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
            case (.duration(let a), .duration(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
            default:
                throw EvaluationFailure(message: "cannot order \(l.kindName) and \(r.kindName)")
            }
            switch op {
            case .less: return order < 0
            case .lessEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        case .in: return try contains(r, l)
        case .notIn: return !(try contains(r, l))
        case .like:
            guard case .string(let value) = l, case .string(let pattern) = r else {
                throw EvaluationFailure(message: "`like` needs strings, got \(l.kindName) and \(r.kindName)")
            }
            return Glob.matches(pattern, value)
        }
    }

    static func equal(_ l: RuntimeValue, _ r: RuntimeValue) throws(EvaluationFailure) -> Bool {
        switch (l, r) {
        case (.int(let a), .int(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.string(let a), .string(let b)): return a.isExactly(b)
        case (.bool(let a), .bool(let b)): return a == b
        case (.effect(let a), .effect(let b)): return a == b
        default:
            throw EvaluationFailure(message: "cannot compare \(l.kindName) with \(r.kindName)")
        }
    }

    static func contains(_ container: RuntimeValue, _ item: RuntimeValue) throws(EvaluationFailure) -> Bool {
        switch container {
        case .list(let items):
            for candidate in items where try equal(item, candidate) { return true }
            return false
        case .range(let lo, let hi):
            switch (item, lo, hi) {
            case (.int(let v), .int(let a), .int(let b)): return a <= v && v <= b
            case (.duration(let v), .duration(let a), .duration(let b)): return a <= v && v <= b
            default:
                throw EvaluationFailure(message: "cannot test \(item.kindName) against a \(lo.kindName) range")
            }
        default:
            throw EvaluationFailure(message: "`in` needs a list or a range, got \(container.kindName)")
        }
    }

    // MARK: alert fields (docs/FORMATS.md §3)

    static func alertField(_ field: AlertField, _ alert: JSONObject?) throws(EvaluationFailure) -> RuntimeValue {
        guard let alert else { throw EvaluationFailure(message: "`alert.\(field.rawValue)` read, but the proposal has no alert") }
        guard case .object(let data)? = alert["data"], case .object(let essentials)? = data["essentials"] else {
            throw EvaluationFailure(message: "`alert.\(field.rawValue)`: the alert has no `data.essentials` object")
        }
        func string(_ key: String) throws(EvaluationFailure) -> String {
            guard case .string(let value)? = essentials[key] else {
                throw EvaluationFailure(message: "`alert.\(field.rawValue)`: `data.essentials.\(key)` is missing or not a string")
            }
            return value
        }
        func target() throws(EvaluationFailure) -> String {
            guard case .array(let ids)? = essentials["alertTargetIDs"], let first = ids.first, case .string(let id) = first else {
                throw EvaluationFailure(message: "`alert.\(field.rawValue)`: `data.essentials.alertTargetIDs[0]` is missing or not a string")
            }
            return id
        }
        func segment(after name: String) throws(EvaluationFailure) -> String {
            let parts = try target().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for (index, part) in parts.enumerated() where part.isEqualIgnoringASCIICase(name) {
                if index + 1 < parts.count, !parts[index + 1].isEmpty { return parts[index + 1] }
            }
            throw EvaluationFailure(message: "`alert.\(field.rawValue)`: the alert target has no `\(name)` segment")
        }
        switch field {
        case .rule: return .string(try string("alertRule"))
        case .severity:
            let text = try string("severity")
            let scalars = Array(text.unicodeScalars)
            guard scalars.count == 4, scalars[0] == "S", scalars[1] == "e", scalars[2] == "v", let digit = scalars.last,
                  ("0"..."4").contains(digit) else {
                throw EvaluationFailure(message: "`alert.severity`: `data.essentials.severity` is not Sev0…Sev4")
            }
            return .int(Int64(digit.value) - 48)
        case .target: return .string(try target())
        case .resourceGroup: return .string(try segment(after: "resourceGroups"))
        case .subscription: return .string(try segment(after: "subscriptions"))
        case .firedAt:
            let text = try string("firedDateTime")
            guard Timestamp(rfc3339: text) != nil else {
                throw EvaluationFailure(message: "`alert.fired_at`: `data.essentials.firedDateTime` is not RFC 3339")
            }
            return .string(text)
        case .monitorCondition: return .string(try string("monitorCondition"))
        }
    }
}
