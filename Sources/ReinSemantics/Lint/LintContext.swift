import ReinSyntax

/// What a lint rule reads: the parsed files (for statements the model does not keep, such as
/// where an `allow` glob was written) and the checked model. Built once per lint run.
public struct LintContext: Sendable {
    public let files: [SourceFileSyntax]
    public let model: SemanticModel
    /// Tools and queries listed in some runbook's `investigate` or `remediate`.
    public let listedTools: Set<String>
    /// Rules made redundant by an earlier identical rule → that earlier rule (indices into
    /// `model.rules`). Other rules do not judge these again: the earlier one speaks for both.
    let shadowingRules: [Int: Int]
    /// What conditions can rely on before any tool is known (see `ConditionAnalysis`).
    let baseAnalysis: ConditionAnalysis
    /// Every `deny` rule that applies to some tool and no earlier rule shadows, with what its
    /// condition can do for each tool (shared by the rules about deny conditions).
    let denyAnalyses: [DenyAnalysis]
    /// Runbook declarations by name, first one only (the checker reports duplicates).
    private let runbookSyntax: [String: Declaration]

    public init(files: [SourceFileSyntax], model: SemanticModel) {
        self.files = files
        self.model = model
        listedTools = Set(model.runbooks.flatMap { $0.investigate + $0.remediate })
        var runbooks: [String: Declaration] = [:]
        for file in files {
            for declaration in file.declarations where declaration.kind == .runbook {
                if runbooks[declaration.name.name] == nil { runbooks[declaration.name.name] = declaration }
            }
        }
        runbookSyntax = runbooks
        let shadowing = ShadowedRule.shadowing(in: model.rules)
        shadowingRules = shadowing
        let base = ConditionAnalysis(model: model)
        baseAnalysis = base
        denyAnalyses = model.rules.enumerated().compactMap { index, rule in
            guard case .deny = rule.action, shadowing[index] == nil else { return nil }
            let tools = Self.tools(for: rule, in: model)
            guard !tools.isEmpty else { return nil }
            return DenyAnalysis(rule: rule, tools: tools, outcomes: base.outcomes(of: rule, for: tools))
        }
    }

    /// True when the bundle declares no runbook: policy-only mode, where every declared tool
    /// is in scope (Grammar/README.md §13).
    public var isPolicyOnly: Bool { model.runbooks.isEmpty }

    /// The statements of a runbook's `approval` block as written.
    public func approvalStatements(ofRunbook name: String) -> [Statement] {
        for statement in runbookSyntax[name]?.statements ?? [] {
            if case .approval(let inner) = statement.kind { return inner }
        }
        return []
    }

    /// The tools a rule applies to: its named targets that exist, or for `*` every tool that
    /// has the args the rule reads at the types it reads them.
    private static func tools(for rule: RuleModel, in model: SemanticModel) -> [ToolModel] {
        switch rule.target {
        case .tools(let names): names.compactMap { model.tool(named: $0) }
        case .all: model.tools.filter { rule.applies(to: $0) }
        }
    }
}
