import ReinSemantics
import ReinSyntax

extension CompiledPolicy {
    /// Step 4, args: in the tool's declaration order, then unknown args in proposal order, one
    /// reason per arg at most. Returns the validated values with defaults filled (kept when a
    /// rule may read them, or when `keepingValues`).
    func checkArgs<Members: ArgMembers>(
        _ given: Members, of tool: CompiledTool, reasons: inout [Reason], trace: inout TraceRecorder,
        keepingValues: Bool = false
    ) -> ValueTable {
        let keepValues = keepingValues || !tool.ruleIndices.isEmpty
        var values = ValueTable(capacity: keepValues ? tool.args.count : 0)
        let slots = (0..<given.count).map { given.slot(of: $0, in: tool.argNames) }
        for (index, arg) in tool.args.enumerated() {
            let name = arg.model.name
            let slot = tool.argNames.canonicalIndex(index)
            var found: Int?
            var count = 0
            for member in slots.indices where slots[member] == slot {
                if found == nil { found = member }
                count += 1
            }
            guard let member = found else {
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
            switch ArgValidator.validate(given.value(at: member), against: arg, forbidden: model.forbiddenNamespaces) {
            case .valid(let checked):
                if keepValues { values.append(name, checked) }
                trace.record("arg `\(name)`", at: arg.location, "pass")
            case .invalid(let code, let message):
                reasons.append(Reason(code: code, message: message, at: arg.location))
                trace.record("arg `\(name)`", at: arg.location, "fail: \(code.rawValue)")
            }
        }
        var unknown = KeyDeduplicator()
        for member in slots.indices where slots[member] == nil {
            // A duplicated unknown key is reported once, at its first occurrence.
            let key = given.key(at: member)
            guard unknown.isFirst(key) else { continue }
            reasons.append(
                Reason(code: .unknownArg, message: "`\(tool.model.name)` has no arg `\(key)`", at: tool.location))
            trace.record("arg `\(key)`", at: tool.location, "fail: unknown_arg")
        }
        return values
    }

    /// Step 4, context: at most one `invalid_context`, naming every offending key (declared keys
    /// in declaration order, then undeclared keys in proposal order). Returns the validated
    /// values with defaults filled.
    func checkContext<Members: ArgMembers>(
        _ given: Members?, reasons: inout [Reason], trace: inout TraceRecorder
    ) -> ValueTable {
        var values = ValueTable(capacity: context.count)
        let memberCount = given?.count ?? 0
        if context.isEmpty && memberCount == 0 { return values }
        let slots: [Int?] = (0..<memberCount).map { member in given.flatMap { $0.slot(of: member, in: contextNames) } }
        var offending: [String] = []
        var firstLocation: String?
        for (index, key) in context.enumerated() {
            let name = key.model.name
            let slot = contextNames.canonicalIndex(index)
            var problem: String?
            var found: Int?
            var count = 0
            for member in slots.indices where slots[member] == slot {
                if found == nil { found = member }
                count += 1
            }
            if let member = found, let given {
                if count > 1 {
                    problem = "`\(name)` is given more than once"
                } else {
                    switch ArgValidator.validate(given.value(at: member), against: key, forbidden: model.forbiddenNamespaces) {
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
        if let given {
            for member in slots.indices where slots[member] == nil {
                let key = given.key(at: member)
                guard undeclared.isFirst(key) else { continue }
                offending.append("`\(key)` is not declared")
                trace.record("context `\(key)`", at: nil, "fail: not declared")
            }
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
