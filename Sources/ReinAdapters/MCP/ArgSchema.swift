import ReinEngine

/// The JSON Schema of one arg, as Rein checks it: bounds, lengths, anchored patterns, the name
/// rules, forbidden namespaces, enums, durations, defaults.
enum ArgSchema {
    /// RFC 1123 label, as `namespace` is checked.
    static let labelPattern = portable("[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
    /// RFC 1123 subdomain, as `name` is checked.
    static let namePattern = portable(#"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*"#)
    /// Rein's duration notation: whole numbers (`_` between digits) of `d`, `h`, `m`, `s`, each
    /// at most once, in that order.
    static let durationPattern: String = {
        let number = "[0-9](?:_?[0-9])*"
        let units = ["d", "h", "m", "s"]
        // Every non-empty run of units in order, starting with each unit in turn.
        let alternatives = units.indices.map { first in
            number + units[first] + units[(first + 1)...].map { "(?:" + number + $0 + ")?" }.joined()
        }
        return portable(alternatives.joined(separator: "|"))
    }()

    /// A pattern of Rein's dialect, written for JSON Schema (anchored, portable).
    private static func portable(_ pattern: String) -> String {
        LinearRegex.portablePattern(pattern) ?? pattern
    }

    static func schema(of arg: ArgModel, forbidden: [String]) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = []
        var notes: [String] = []
        switch arg.type {
        case .int:
            entries.append(("type", .string("integer")))
            if case .int(let range)? = arg.range {
                entries += [("minimum", .integer(range.lowerBound)), ("maximum", .integer(range.upperBound))]
            }
        case .bool:
            entries.append(("type", .string("boolean")))
        case .duration:
            entries += [("type", .string("string")), ("pattern", .string(durationPattern))]
            notes.append("a duration such as \"90s\", \"15m\" or \"1h30m\"")
            if case .duration(let range)? = arg.range { notes.append("from \(range.lowerBound) to \(range.upperBound)") }
        case .string:
            entries.append(("type", .string("string")))
            let length = arg.length ?? 0...Int64(NameRules.defaultStringScalarCap)
            if length.lowerBound > 0 { entries.append(("minLength", .integer(length.lowerBound))) }
            entries.append(("maxLength", .integer(length.upperBound)))
            if let pattern = arg.pattern, let portable = LinearRegex.portablePattern(pattern) {
                entries.append(("pattern", .string(portable)))
            }
        case .name:
            entries += [
                ("type", .string("string")), ("minLength", .integer(1)), ("maxLength", .integer(Int64(NameRules.maximumNameLength))),
                ("pattern", .string(namePattern)),
            ]
            notes.append("a Kubernetes object name")
        case .namespace:
            entries += [
                ("type", .string("string")), ("minLength", .integer(1)),
                ("maxLength", .integer(Int64(NameRules.maximumNamespaceLength))), ("pattern", .string(labelPattern)),
            ]
            if !forbidden.isEmpty {
                entries.append(("not", .object(JSONObject(entries: [("enum", .array(forbidden.map(JSONValue.string)))]))))
                notes.append("a Kubernetes namespace other than \(forbidden.joined(separator: ", "))")
            } else {
                notes.append("a Kubernetes namespace")
            }
        case .enumeration(let members):
            entries += [("type", .string("string")), ("enum", .array(members.map(JSONValue.string)))]
        }
        if let value = arg.defaultValue { entries.append(("default", json(value))) }
        if !notes.isEmpty { entries.append(("description", .string(notes.joined(separator: ", ")))) }
        return .object(JSONObject(entries: entries))
    }

    /// A default as the agent would write it (a duration in Rein's notation).
    private static func json(_ value: LiteralValue) -> JSONValue {
        switch value {
        case .int(let number): .integer(number)
        case .duration(let duration): .string(duration.description)
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        }
    }
}
