extension RuleModel {
    /// True when this rule applies to `tool` (Grammar/README.md §11: a `*` rule needs every arg it
    /// reads, at the type it reads it).
    public func applies(to tool: ToolModel) -> Bool {
        inapplicability(to: tool) == nil
    }

    /// Why this rule does not apply to `tool` (for explanations), or nil when it does.
    public func inapplicability(to tool: ToolModel) -> String? {
        switch target {
        case .tools(let names):
            return names.containsExactly(tool.name) ? nil : "`\(tool.name)` is not among its targets"
        case .all:
            for use in argUses {
                guard let arg = tool.args.first(where: { $0.name.isExactly(use.name) }) else {
                    return "`\(tool.name)` has no arg `\(use.name)`"
                }
                guard Self.compatible(arg.type, use.type) else {
                    return "`\(tool.name)`'s arg `\(use.name)` is not read as \(use.type)"
                }
            }
            return nil
        }
    }

    /// True when an arg of `argType` can be read at `use`.
    static func compatible(_ argType: ArgType, _ use: ValueType) -> Bool {
        switch (argType, use) {
        case (_, .any): true
        case (.int, .int), (.duration, .duration), (.bool, .bool): true
        case (.string, .string), (.name, .string), (.namespace, .string), (.enumeration, .string): true
        default: false
        }
    }
}
