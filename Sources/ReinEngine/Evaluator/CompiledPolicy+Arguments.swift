import ReinSemantics
import ReinSyntax

extension CompiledPolicy {
    /// Step 4, args: in the tool's declaration order, then unknown args in proposal order, one
    /// reason per arg at most. Returns the validated values with defaults filled.
    func checkArgs(
        _ given: JSONObject, of tool: CompiledTool, reasons: inout [Reason], trace: inout TraceRecorder
    ) -> ValueTable {
        let keepValues = !tool.ruleIndices.isEmpty
        var values = ValueTable(capacity: keepValues ? tool.args.count : 0)
        for arg in tool.args {
            let name = arg.model.name
            var found: JSONValue?
            var count = 0
            for entry in given.entries where entry.key.isExactly(name) {
                if found == nil { found = entry.value }
                count += 1
            }
            guard let value = found else {
                if let fallback = arg.model.defaultValue {
                    if keepValues { values.append(name, RuntimeValue(fallback)) }
                    trace.record("arg `\(name)`", at: arg.location, "pass: default \(fallback)")
                } else {
                    reasons.append(Reason(code: .missingArg, message: "`\(name)` is required", at: arg.location))
                    trace.record("arg `\(name)`", at: arg.location, "fail: missing_arg")
                }
                continue
            }
            if count > 1 {
                reasons.append(Reason(code: .duplicateArg, message: "`\(name)` is given more than once", at: arg.location))
                trace.record("arg `\(name)`", at: arg.location, "fail: duplicate_arg")
                continue
            }
            switch ArgValidator.validate(value, against: arg, forbidden: model.forbiddenNamespaces) {
            case .valid(let checked):
                if keepValues { values.append(name, checked) }
                trace.record("arg `\(name)`", at: arg.location, "pass")
            case .invalid(let code, let message):
                reasons.append(Reason(code: code, message: message, at: arg.location))
                trace.record("arg `\(name)`", at: arg.location, "fail: \(code.rawValue)")
            }
        }
        var unknown = KeyDeduplicator()
        for entry in given.entries where tool.arg(named: entry.key) == nil {
            // A duplicated unknown key is reported once, at its first occurrence.
            guard unknown.isFirst(entry.key) else { continue }
            reasons.append(
                Reason(code: .unknownArg, message: "`\(tool.model.name)` has no arg `\(entry.key)`", at: tool.location))
            trace.record("arg `\(entry.key)`", at: tool.location, "fail: unknown_arg")
        }
        return values
    }

    /// Step 4, context: at most one `invalid_context`, naming every offending key (declared keys
    /// in declaration order, then undeclared keys in proposal order). Returns the validated
    /// values with defaults filled.
    func checkContext(
        _ given: JSONObject?, reasons: inout [Reason], trace: inout TraceRecorder
    ) -> ValueTable {
        var values = ValueTable(capacity: context.count)
        let entries = given?.entries ?? []
        if context.isEmpty && entries.isEmpty { return values }
        var offending: [String] = []
        var firstLocation: String?
        for key in context {
            let name = key.model.name
            var problem: String?
            var found: JSONValue?
            var count = 0
            for entry in entries where entry.key.isExactly(name) {
                if found == nil { found = entry.value }
                count += 1
            }
            if let value = found {
                if count > 1 {
                    problem = "`\(name)` is given more than once"
                } else {
                    switch ArgValidator.validate(value, against: key, forbidden: model.forbiddenNamespaces) {
                    case .valid(let checked): values.append(name, checked)
                    case .invalid(_, let message): problem = message
                    }
                }
            } else if let fallback = key.model.defaultValue {
                values.append(name, RuntimeValue(fallback))
            } else {
                problem = "`\(name)` is missing"
            }
            trace.record(
                "context `\(name)`", at: key.location,
                problem.map { "fail: \($0)" } ?? (found == nil ? "pass: default" : "pass"))
            if let problem {
                offending.append(problem)
                if firstLocation == nil { firstLocation = key.location }
            }
        }
        var undeclared = KeyDeduplicator()
        for entry in entries where !context.contains(where: { $0.model.name.isExactly(entry.key) }) {
            guard undeclared.isFirst(entry.key) else { continue }
            offending.append("`\(entry.key)` is not declared")
            trace.record("context `\(entry.key)`", at: nil, "fail: not declared")
        }
        if !offending.isEmpty {
            reasons.append(
                Reason(
                    code: .invalidContext, message: "invalid context: " + offending.joined(separator: "; "),
                    at: firstLocation ?? firstPolicyLocation))
        }
        return values
    }
}

/// Remembers keys seen, compared exactly: a short list while there are few (the usual case,
/// no hashing), a set beyond that, so that a line of 90,000 distinct keys stays linear.
struct KeyDeduplicator {
    private var few: [String] = []
    private var many: Set<ExactString>?

    /// True the first time `key` is given.
    mutating func isFirst(_ key: String) -> Bool {
        if many != nil { return many?.insert(ExactString(key)).inserted ?? true }
        if few.containsExactly(key) { return false }
        few.append(key)
        if few.count > 16 { many = Set(few.map(ExactString.init)) }
        return true
    }
}
