import ReinSyntax

extension ConditionAnalysis {
    /// The analysis of conditions evaluated for `tool` (a rule's target; nil for a trigger):
    /// the tool's args with their bounds, its name and effect, every context key, and the
    /// fixed ranges of `alert.severity` (0–4), `now.hour` (0–23), `now.weekday` (1–7) and the
    /// session counters (≥ 0).
    init(model: SemanticModel, tool: ToolModel?) {
        var facts: [PathKey: ValueDomain] = [
            .alert(.severity): .interval(0, 4),
            .now(.hour): .interval(0, 23),
            .now(.weekday): .interval(1, 7),
            .session(.iteration): .interval(0, .max),
            .session(.denials): .interval(0, .max),
            .tool(.name): .anyString,
            .tool(.effect): .strings([ExactString(ToolEffect.read.rawValue), ExactString(ToolEffect.write.rawValue)]),
        ]
        for field in AlertField.allCases where field != .severity { facts[.alert(field)] = .anyString }
        for key in model.context { facts[.context(key.name)] = ValueDomain(key) }
        if let tool {
            facts[.tool(.name)] = .strings([ExactString(tool.name)])
            if let effect = tool.effect { facts[.tool(.effect)] = .strings([ExactString(effect.rawValue)]) }
            for arg in tool.args { facts[.arg(arg.name)] = ValueDomain(arg) }
        }
        self.init(facts: facts)
    }
}
