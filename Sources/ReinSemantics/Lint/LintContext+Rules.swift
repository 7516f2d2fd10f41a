import ReinSyntax

/// A `deny` rule with the tools it applies to and, for each, what its condition can do.
struct DenyAnalysis {
    var rule: RuleModel
    var tools: [ToolModel]
    var outcomes: [Possibility]
}

extension LintContext {
    /// A finding for each `deny` whose outcome for every tool it applies to satisfies
    /// `condition`; its message and help from `text`, the help led by a comparison no value can
    /// satisfy (`impossibleComparison`), if any, and the bounds of the other things it reads.
    func denyFindings(
        where condition: (Possibility) -> Bool, _ text: (DenyAnalysis) -> (message: String, help: String)
    ) -> [LintFinding] {
        denyAnalyses.compactMap { analysis in
            guard analysis.outcomes.allSatisfy(condition) else { return nil }
            let (message, help) = text(analysis)
            let tool = analysis.tools.first
            let comparison = tool.flatMap { impossibleComparison(in: analysis.rule, for: $0) }
            let bounds = tool.flatMap { boundsText(of: analysis.rule, for: $0, except: comparison?.name) }
            let lead = [comparison?.text, bounds].compactMap { $0 }.map { "\($0); " }.joined()
            return LintFinding(at: analysis.rule.span, message, help: lead + help)
        }
    }

    /// The declared bounds of the args and context keys a rule reads (but `except`), for a help
    /// line: "`replicas` is `int in 1..10`", "`prefix` is `string len 1..64`".
    func boundsText(of rule: RuleModel, for tool: ToolModel, except: String? = nil) -> String? {
        var parts: [String] = []
        for use in rule.argUses where use.name != except && !parts.contains(where: { $0.hasPrefix("`\(use.name)`") }) {
            if let arg = tool.args.first(where: { $0.name.isExactly(use.name) }) { parts.append(Self.declared(arg)) }
        }
        for key in Self.contextKeys(in: rule.condition, depth: 0) where key != except {
            if let arg = model.contextKey(named: key), !parts.contains(Self.declared(arg)) { parts.append(Self.declared(arg)) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// "`replicas` is `int in 1..10`".
    static func declared(_ arg: ArgModel) -> String {
        var type = arg.type.description
        switch arg.range {
        case .int(let range)?: type += " in \(range.lowerBound)..\(range.upperBound)"
        case .duration(let range)?: type += " in \(range.lowerBound)..\(range.upperBound)"
        case nil: break
        }
        if let length = arg.length { type += " len \(length.lowerBound)..\(length.upperBound)" }
        return "`\(arg.name)` is `\(type)`"
    }

    private static func contextKeys(in expr: CheckedExpr, depth: Int) -> [String] {
        guard depth < ConditionAnalysis.depthLimit else { return [] }
        switch expr.kind {
        case .context(let key): return [key]
        case .not(let inner): return contextKeys(in: inner, depth: depth + 1)
        case .list(let items), .logical(_, let items): return items.flatMap { contextKeys(in: $0, depth: depth + 1) }
        case .comparison(_, let left, let right):
            return contextKeys(in: left, depth: depth + 1) + contextKeys(in: right, depth: depth + 1)
        default: return []
        }
    }

    /// "`a`", "`a` and `b`", "`a`, `b` and 3 more".
    static func nameList(_ names: [String]) -> String {
        let quoted = names.prefix(3).map { "`\($0)`" }
        let more = names.count - quoted.count
        if more > 0 { return quoted.joined(separator: ", ") + " and \(more) more" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " and " + (quoted.last ?? "")
    }
}
