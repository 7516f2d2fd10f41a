import ReinEngine
import ReinSyntax

/// `rein diff`'s reports: text, JSON and GitHub workflow commands. Each changed step is named by
/// the line of the incident file its event is written on and its time.
extension ReplayDiff {
    /// `3 of 41 incidents change: 2 newly denied, 1 newly allowed`, then, when there are any,
    /// `, N different actions` and `, N knock-on` (knock-on changes are not counted as new
    /// denials; a knock-on step that is newly allowed still counts as newly allowed).
    public static func summary(_ diffs: [IncidentDiff], total: Int) -> String {
        let counts = Counts(diffs)
        var text = "\(counts.changed) of \(total) incident\(total == 1 ? "" : "s") change: "
        text += "\(counts.newlyDenied) newly denied, \(counts.newlyAllowed) newly allowed"
        if counts.differentAction > 0 {
            text += ", \(counts.differentAction) different action\(counts.differentAction == 1 ? "" : "s")"
        }
        if counts.knockOn > 0 { text += ", \(counts.knockOn) knock-on" }
        return text
    }

    public static func text(_ diffs: [IncidentDiff], total: Int) -> String {
        var out = ""
        for diff in diffs where !diff.changes.isEmpty {
            out += "\(diff.incident) (\(diff.path))\n"
            for change in diff.changes {
                let direction = change.direction == .changed || change.isKnockOnOnly ? nil : change.words
                let label = [direction, knockOn(change)].compactMap { $0 }.joined(separator: ", ")
                out += "  \(name(change)): \(change.base) → \(change.head)\(label.isEmpty ? "" : " [\(label)]")\n"
            }
        }
        return out + summary(diffs, total: total) + "\n"
    }

    public static func json(_ diffs: [IncidentDiff], total: Int) -> String {
        let items = diffs.filter { !$0.changes.isEmpty }.map { diff -> JSONValue in
            let changes = diff.changes.map { change -> JSONValue in
                var entries: [(key: String, value: JSONValue)] = []
                if let index = change.index { entries.append(("index", .integer(Int64(index)))) }
                if let at = change.at { entries.append(("at", .string(at.description))) }
                if let line = change.line { entries.append(("line", .integer(Int64(line)))) }
                entries += [
                    ("event", .string(change.event)), ("base", .string(change.base)), ("head", .string(change.head)),
                    ("direction", .string(change.kind)),
                ]
                if let cause = change.knockOnOf { entries.append(("knock_on_of", .integer(Int64(cause.index)))) }
                return .object(JSONObject(entries: entries))
            }
            return .object(JSONObject(entries: [
                ("incident", .string(diff.incident)), ("file", .string(diff.path)), ("changes", .array(changes)),
            ]))
        }
        let counts = Counts(diffs)
        let report = JSONObject(entries: [
            ("incidents", .array(items)), ("total", .integer(Int64(total))), ("changed", .integer(Int64(counts.changed))),
            ("newly_allowed", .integer(Int64(counts.newlyAllowed))), ("newly_denied", .integer(Int64(counts.newlyDenied))),
            ("different_action", .integer(Int64(counts.differentAction))), ("knock_on", .integer(Int64(counts.knockOn))),
        ])
        return JSONWriter.string(.object(report)) + "\n"
    }

    /// GitHub workflow commands on the incident file, at the event's line: a newly allowed step
    /// is an error, a different action a warning, any other change a notice; then the summary as
    /// a notice.
    public static func github(_ diffs: [IncidentDiff], total: Int) -> String {
        var out = ""
        for diff in diffs {
            for change in diff.changes {
                let command = change.direction == .newlyAllowed ? "error" : change.direction == .differentAction ? "warning" : "notice"
                let kind = change.words
                var properties = "file=\(GitHubDiagnosticRenderer.property(diff.path))"
                if let line = change.line { properties += ",line=\(line)" }
                properties += ",title=\(GitHubDiagnosticRenderer.property("rein diff: \(kind)"))"
                let cause = knockOn(change).map { " (\($0))" } ?? ""
                let message = "\(diff.incident) \(name(change)): \(change.base) → \(change.head)\(cause)"
                out += "::\(command) \(properties)::\(GitHubDiagnosticRenderer.data(message))\n"
            }
        }
        return out + "::notice title=rein diff::\(GitHubDiagnosticRenderer.data(summary(diffs, total: total)))\n"
    }

    /// `line 30 (2026-05-09T02:48:10Z) propose`; `executed`, `outcome` for the incident as a whole.
    private static func name(_ change: Change) -> String {
        guard let index = change.index else { return change.event }
        let place = change.line.map { "line \($0)" } ?? "step \(index)"
        return "\(place)\(change.at.map { " (\($0))" } ?? "") \(change.event)"
    }

    private static func knockOn(_ change: Change) -> String? {
        change.knockOnOf.map { cause in "knock-on of " + (cause.line.map { "line \($0)" } ?? "step \(cause.index)") }
    }

    /// What the summary counts: each change once, in the first class it belongs to.
    private struct Counts {
        var changed = 0, newlyAllowed = 0, newlyDenied = 0, differentAction = 0, knockOn = 0

        init(_ diffs: [IncidentDiff]) {
            changed = diffs.count { !$0.changes.isEmpty }
            let all = diffs.flatMap(\.changes)
            newlyAllowed = all.count { $0.direction == .newlyAllowed }
            newlyDenied = all.count(where: \.isNewlyDenied)
            differentAction = all.count { $0.direction == .differentAction }
            knockOn = all.count(where: \.isKnockOnOnly)
        }
    }
}

extension ReplayDiff.Change {
    /// The class a change is counted in: its direction, or `knock_on` for a knock-on change that
    /// is not newly allowed.
    public var kind: String { isKnockOnOnly ? "knock_on" : direction.rawValue }

    /// The class in words: `newly allowed`, `knock-on`.
    var words: String { isKnockOnOnly ? "knock-on" : String(direction.rawValue.map { $0 == "_" ? " " : $0 }) }
}
