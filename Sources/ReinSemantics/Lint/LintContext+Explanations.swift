import ReinSyntax

extension LintContext {
    /// A comparison in `rule`'s condition that no checked value can satisfy for `tool`, said in
    /// words: "`namespace` is never `"Payments-DB"` (it is not a valid namespace: …)". The arg or
    /// context key is compared with `==`, `!=`, `in` or `not in` to string literals that its
    /// checks rule out (every item, for a list); nil when the condition has no such comparison.
    func impossibleComparison(in rule: RuleModel, for tool: ToolModel) -> (name: String, text: String)? {
        impossibleComparison(rule.condition, tool: tool, depth: 0)
    }

    private func impossibleComparison(_ expr: CheckedExpr, tool: ToolModel, depth: Int) -> (name: String, text: String)? {
        guard depth < ConditionAnalysis.depthLimit else { return nil }
        switch expr.kind {
        case .not(let inner):
            return impossibleComparison(inner, tool: tool, depth: depth + 1)
        case .logical(_, let operands):
            for operand in operands {
                if let found = impossibleComparison(operand, tool: tool, depth: depth + 1) { return found }
            }
            return nil
        case .comparison(.equal, let left, let right), .comparison(.notEqual, let left, let right):
            return explain(left, never: right, tool: tool) ?? explain(right, never: left, tool: tool)
        case .comparison(.in, let left, let right), .comparison(.notIn, let left, let right):
            return explain(left, never: right, tool: tool)
        default:
            return nil
        }
    }

    /// When `path` is an arg or context key and `value` a string literal (or a list of them)
    /// that its checks rule out: which one and why.
    private func explain(_ path: CheckedExpr, never value: CheckedExpr, tool: ToolModel) -> (name: String, text: String)? {
        let declared: ArgModel?
        switch path.kind {
        case .arg(let name): declared = tool.args.first { $0.name.isExactly(name) }
        case .context(let name): declared = model.contextKey(named: name)
        default: declared = nil
        }
        guard let arg = declared else { return nil }
        let items: [CheckedExpr]
        switch value.kind {
        case .literal(.string): items = [value]
        case .list(let list) where !list.isEmpty: items = list
        default: return nil
        }
        let domain = ValueDomain(arg, strings: baseAnalysis.strings)
        var reasons: [String] = []
        for item in items {
            guard case .literal(.string(let text)) = item.kind, let reason = Self.rejection(of: text, by: domain, type: arg.type) else {
                return nil
            }
            reasons.append(reason)
        }
        let more = items.count > 1 ? ", nor any other item of the list" : ""
        return (arg.name, "`\(arg.name)` is never `\(abbreviated(text(of: items[0].span)))` (\(reasons[0]))\(more)")
    }

    private static func rejection(of value: String, by domain: ValueDomain, type: ArgType) -> String? {
        switch domain {
        case .text(let constraint): constraint.rejection(of: value)
        case .strings(let members): members.contains(ExactString(value)) ? nil : "it is not one of `\(type)`"
        default: nil
        }
    }

    /// The source text of a span of the bundle.
    func text(of span: SourceSpan) -> String {
        files.first { $0.fileIndex == span.file }?.file.text(of: span) ?? ""
    }
}
