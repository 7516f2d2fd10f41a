import ReinAdapters

/// The approval card as Teams gets it (pure): wrapped in a message activity, fitted to Teams'
/// size limit, and redrawn with the action's current status.
enum TeamsCard {
    /// Teams measures a message in UTF-16 and refuses one over about 80 KB; Rein keeps the whole
    /// activity at or under this many bytes of UTF-16.
    static let maxActivityBytes = 80_000
    static let contentType = "application/vnd.microsoft.card.adaptive"
    /// The heading of the thought's text block (``ApprovalCard``).
    static let reasoningHeading = "The agent's reasoning"

    /// The message activity that carries `card`.
    static func activity(_ card: JSONValue, id: String? = nil) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = [("type", .string("message"))]
        if let id { entries.append(("id", .string(id))) }
        entries.append(("attachments", .array([.object(JSONObject(["contentType": .string(contentType), "content": card]))])))
        return .object(JSONObject(entries: entries))
    }

    /// The size Teams counts: the activity's JSON in bytes of UTF-16.
    static func utf16Bytes(_ value: JSONValue) -> Int {
        String(decoding: JSONWriter.encode(value), as: UTF8.self).utf16.count * 2
    }

    /// `card` with the agent's reasoning cut until its activity takes at most `budget` bytes of
    /// UTF-16; `why`, when given, is said in the cut's mark. Nil when even an empty reasoning
    /// does not fit.
    static func fit(_ card: JSONValue, budget: Int = maxActivityBytes, why: String? = nil) -> JSONValue? {
        if why == nil, utf16Bytes(activity(card)) <= budget { return card }
        guard let (index, text) = reasoning(of: card) else { return utf16Bytes(activity(card)) <= budget ? card : nil }
        let (kept, alreadyCut) = uncut(text)
        let scalars = Array(kept.unicodeScalars)
        func candidate(_ count: Int) -> JSONValue {
            var shown = String(String.UnicodeScalarView(scalars.prefix(count)))
            let dropped = scalars.count - count + alreadyCut
            if dropped > 0 || why != nil {
                shown += " … [cut: \(dropped) more characters" + (why.map { "; \($0)" } ?? "") + "]"
            }
            return replacing(card, at: index, with: shown)
        }
        var low = 0, high = scalars.count
        guard utf16Bytes(activity(candidate(0))) <= budget else { return nil }
        while low < high {
            let middle = (low + high + 1) / 2
            if utf16Bytes(activity(candidate(middle))) <= budget { low = middle } else { high = middle - 1 }
        }
        return candidate(low)
    }

    /// `card` redrawn for `status`: a status block under the original body, the buttons gone once
    /// they mean nothing; `note` (what became of this user's click) is for the clicker only.
    static func redraw(_ card: JSONValue, status: CardStatus, note: (text: String, ignored: Bool)? = nil) -> JSONValue {
        guard case .object(let fields) = card, case .array(var body)? = fields["body"] else { return card }
        let (lines, style) = describe(status)
        var items = lines.enumerated().map { index, line in
            textBlock(line, weight: index == 0 ? "Bolder" : nil, color: nil)
        }
        if let note { items.append(textBlock(note.text, weight: nil, color: note.ignored ? "Attention" : "Good")) }
        body.append(.object(JSONObject(["type": .string("Container"), "style": .string(style), "items": .array(items)])))
        var redrawn = fields.setting("body", .array(body))
        if !status.isWaiting { redrawn = redrawn.setting("actions", .array([])) }
        return .object(redrawn)
    }

    /// A card with one line, for a click on a card Rein cannot redraw.
    static func notice(_ text: String) -> JSONValue {
        .object(JSONObject([
            "type": .string("AdaptiveCard"), "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"), "version": .string("1.5"),
            "body": .array([textBlock(text, weight: nil, color: "Attention")]),
        ]))
    }

    /// The status block's lines and its container style.
    static func describe(_ status: CardStatus) -> (lines: [String], style: String) {
        func names(_ people: [String]) -> String { people.joined(separator: ", ") }
        switch status {
        case .waiting(let by, let needed):
            let more = "\(needed) more approval\(needed == 1 ? "" : "s") needed."
            return (by.isEmpty ? ["Waiting for approval: \(more)"] : ["Approved by \(names(by)).", more], "emphasis")
        case .running(let by):
            return (["Approved by \(names(by)).", "Running with the elevation shown above."], "good")
        case .toolRan(let by):
            return (["Approved by \(names(by)).", "The tool ran."], "good")
        case .executed(let by, let succeeded, let detail):
            let outcome = succeeded ? "Executed: it succeeded" : "Executed: it failed"
            return (["\(outcome)" + (detail.map { " (\($0))" } ?? "") + ".", "Approved by \(names(by)). The elevation is released."], succeeded ? "good" : "attention")
        case .rejected(let by, let comment):
            return (["Rejected by \(by)" + (comment.map { ": \($0)" } ?? "") + ".", "No action was taken."], "attention")
        case .expired(let page):
            return (["Expired: not approved in time.", "No action was taken" + (page.map { "; the on-call engineer was paged (\($0))." } ?? ".")], "attention")
        case .closed(let reason):
            return (["Closed (\(reason)).", "No action was taken."], "attention")
        }
    }

    private static func textBlock(_ text: String, weight: String?, color: String?) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = [("type", .string("TextBlock")), ("text", .string(text)), ("wrap", .bool(true))]
        if let weight { entries.append(("weight", .string(weight))) }
        if let color { entries.append(("color", .string(color))) }
        return .object(JSONObject(entries: entries))
    }

    /// The body index and text of the reasoning's text block (the one after its heading).
    private static func reasoning(of card: JSONValue) -> (Int, String)? {
        guard case .object(let fields) = card, case .array(let body)? = fields["body"] else { return nil }
        for index in body.indices.dropLast() {
            guard case .object(let heading) = body[index], heading["text"] == .string(reasoningHeading),
                case .object(let block) = body[index + 1], case .string(let text)? = block["text"]
            else { continue }
            return (index + 1, text)
        }
        return nil
    }

    /// The text without an earlier cut's mark, and how many characters that cut dropped.
    private static func uncut(_ text: String) -> (String, Int) {
        guard let range = text.range(of: " … [cut: ", options: .backwards), text.hasSuffix("]") else { return (text, 0) }
        let count = text[range.upperBound...].prefix { $0.isNumber }
        guard let dropped = Int(count) else { return (text, 0) }
        return (String(text[..<range.lowerBound]), dropped)
    }

    private static func replacing(_ card: JSONValue, at index: Int, with text: String) -> JSONValue {
        guard case .object(let fields) = card, case .array(var body)? = fields["body"], body.indices.contains(index),
            case .object(let block) = body[index]
        else { return card }
        body[index] = .object(block.setting("text", .string(text)))
        return .object(fields.setting("body", .array(body)))
    }
}

extension JSONObject {
    /// This object with member `key` set to `value` (replaced in place, or added last).
    func setting(_ key: String, _ value: JSONValue) -> JSONObject {
        guard entries.contains(where: { $0.key == key }) else { return JSONObject(entries: entries + [(key, value)]) }
        return JSONObject(entries: entries.map { $0.key == key ? (key, value) : $0 })
    }
}
