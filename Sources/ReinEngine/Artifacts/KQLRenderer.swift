import ReinSemantics
import ReinSyntax

/// A query's KQL with every `{arg}` placeholder replaced by the arg's value written as a KQL
/// literal (docs/FORMATS.md §5). Log Analytics has no `declare query_parameters`, and a `let` name can
/// be shadowed by a column, so values are written in place — as literals, which the checker only
/// lets stand where a value goes: no value, whatever it holds, can change the query's structure.
public enum KQLRenderer {
    /// The rendered query. `value` gives each placeholder's value (the validated args with
    /// defaults filled); a placeholder without one fails (it cannot happen for a checked
    /// template and validated args, and fails closed if it does).
    static func render(
        _ template: KQLTemplate, value: (String) -> RuntimeValue?
    ) -> Result<String, EvaluationFailure> {
        var out = ""
        for segment in template.segments {
            switch segment {
            case .text(let text):
                out += text
            case .placeholder(let name):
                guard let value = value(name), let literal = literal(value) else {
                    return .failure(EvaluationFailure(message: "no value for the placeholder `{\(name)}`"))
                }
                out += literal
            }
        }
        return .success(out)
    }

    /// A value as a KQL literal; nil for a value no arg can hold (a list, a range, an effect).
    static func literal(_ value: RuntimeValue) -> String? {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .duration(let duration): timespan(duration)
        case .string(let text): stringLiteral(text)
        case .effect, .list, .range: nil
        }
    }

    /// A single-quoted KQL string: `\`, `'` and the usual control characters escaped, every
    /// other control character (C0, DEL, C1) as `\uXXXX`; everything else as is.
    public static func stringLiteral(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// A KQL timespan in the largest of `d h m s` that expresses the duration exactly:
    /// `1h30m` → `90m`, `48h` → `2d`, `0s` → `0s`.
    public static func timespan(_ duration: DurationValue) -> String {
        let seconds = duration.seconds
        if seconds == 0 { return "0s" }
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }
}

extension CompiledPolicy {
    /// The bundle's queries (tools with a KQL template), in bundle order.
    public var queries: [ToolModel] { model.tools.filter { $0.kql != nil } }

    /// A tool's args checked as a proposal's are (Grammar/README.md §13 step 4) with defaults filled
    /// and durations in ISO-8601, or the reasons they fail.
    public func validatedArgs(tool name: String, args: JSONObject) -> Result<JSONObject, ArgProblems> {
        guard let index = toolIndex(named: name) else { return .failure(ArgProblems(reasons: [Self.unknownTool(name)])) }
        var reasons: [Reason] = []
        var trace = TraceRecorder(enabled: false)
        let values = checkArgs(args, of: toolList[index], reasons: &reasons, trace: &trace, keepingValues: true)
        return reasons.isEmpty ? .success(values.jsonObject) : .failure(ArgProblems(reasons: reasons))
    }

    /// The rendered KQL of a query run with `args` (validated, defaults filled, durations in
    /// ISO-8601 as ``validatedArgs(tool:args:)`` gives them); nil for a tool that is not a query,
    /// or args that do not fit its declarations.
    public func renderedKQL(tool name: String, args: JSONObject) -> String? {
        guard let index = toolIndex(named: name), let template = toolList[index].model.kql else { return nil }
        let declared = toolList[index].model.args
        let rendered = KQLRenderer.render(template) { placeholder in
            guard let arg = declared.first(where: { $0.name.isExactly(placeholder) }), let value = args[placeholder] else {
                return nil
            }
            return RuntimeValue(echoed: value, as: arg.type)
        }
        return try? rendered.get()
    }
}

/// Why args fail their declarations: the reasons, in Grammar/README.md §13 step 4 order.
public struct ArgProblems: Error, Sendable, Hashable {
    public var reasons: [Reason]
}
