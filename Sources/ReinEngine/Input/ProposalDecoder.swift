/// Reads one proposal (docs/FORMATS.md §1) from a batch line or an already-parsed JSON value, checking
/// its shape strictly.
///
/// Malformed (→ ``MalformedProposal``, denied with `malformed_proposal` alone): a blank line
/// (empty or only JSON whitespace), a line over 1 MiB, a line that is not valid JSON (including an
/// unpaired surrogate escape anywhere) or not one object, a duplicate or unknown top-level key, a
/// JSON `null` for any top-level key, a missing `tool` or `args`, `id`/`runbook`/`thought`/`at`
/// not strings, `tool` not a string, `args` not an object, `kind` other than `tool_call` /
/// `remediation`, `session` not an object of only `iteration`/`denials` (JSON integers ≥ 0) and
/// `tools` (array of strings) without duplicate keys, `context` not an object, `alert` not an
/// object or holding a duplicate key at any depth, `at` not an RFC 3339 timestamp (see
/// ``Timestamp`` for the details).
///
/// Not malformed, left to the evaluator: duplicate keys (at any depth) inside `args`
/// (`duplicate_arg`, or the arg's `type_mismatch`) and inside `context` (`invalid_context`); they
/// stay recorded on the raw ``JSONObject``s.
///
/// Checks run in a fixed order and the first failure is reported: top-level duplicates, unknown
/// top-level keys, then the keys in the order `id`, `runbook`, `kind`, `tool`, `args`, `thought`,
/// `context`, `session`, `alert`, `at`, then missing required keys (`tool`, `args`).
public enum ProposalDecoder {
    /// The longest accepted line, in bytes, excluding its `\n` (docs/FORMATS.md §1).
    public static let maxLineBytes = 1 << 20

    /// The top-level keys a proposal may have, in spec order.
    public static let topLevelKeys = [
        "id", "runbook", "kind", "tool", "args", "thought", "context", "session", "alert", "at",
    ]

    /// Decodes one batch line: `bytes` is the line without its terminating `\n`, `lineNumber` is
    /// 1-based. `agentInput` and `host` as in ``decode(_:lineNumber:agentInput:host:)``.
    public static func decode(
        line bytes: [UInt8], lineNumber: Int, agentInput: Bool = false, host: HostFacts = HostFacts()
    ) -> Result<Proposal, MalformedProposal> {
        var tape = JSONTape()
        if let malformed = parse(line: bytes, lineNumber: lineNumber, into: &tape) { return .failure(malformed) }
        return decode(tape.value(at: 0), lineNumber: lineNumber, agentInput: agentInput, host: host)
    }

    /// The line's own problems — over the size limit, blank, not JSON — as a malformed
    /// proposal; nil when it parsed, and then `tape` (reusable scratch) holds it.
    /// `range` (default: all of `bytes`) is the line within a larger block.
    static func parse(
        line bytes: [UInt8], range: Range<Int>? = nil, lineNumber: Int, into tape: inout JSONTape
    ) -> MalformedProposal? {
        let range = range ?? bytes.startIndex..<bytes.endIndex
        guard range.lowerBound >= bytes.startIndex, range.upperBound <= bytes.endIndex else {
            return MalformedProposal(id: String(lineNumber), message: "line range out of bounds")
        }
        if range.count > maxLineBytes {
            return .tooLong(lineNumber: lineNumber)
        }
        if bytes[range].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            return MalformedProposal(id: String(lineNumber), message: "blank line")
        }
        if let error = tape.parse(bytes, in: range) {
            return MalformedProposal(id: String(lineNumber), message: "invalid json: \(error.message) at byte \(error.offset)")
        }
        return nil
    }

    /// Decodes one proposal from a parsed JSON value; `lineNumber` (1-based) supplies the default
    /// `id` and the `id` of a malformed proposal whose own `id` cannot be read.
    ///
    /// With `agentInput`, the value is what the model wrote: a host-only key (`runbook`,
    /// `context`, `session`, `alert`, `at`) makes it malformed (checked right after unknown keys).
    /// The facts in `host` fill those keys; a proposal that gives one of them too is malformed,
    /// never silently overridden.
    public static func decode(
        _ value: JSONValue, lineNumber: Int, agentInput: Bool = false, host: HostFacts = HostFacts()
    ) -> Result<Proposal, MalformedProposal> {
        guard case .object(let object) = value else {
            return .failure(MalformedProposal(id: String(lineNumber), message: "a proposal must be a json object"))
        }
        func malformed(_ message: String) -> Result<Proposal, MalformedProposal> {
            .failure(MalformedProposal(id: readableID(of: object) ?? String(lineNumber), message: message))
        }

        if let duplicate = object.duplicateKeys.first {
            return malformed("duplicate top-level key \(quoted(duplicate))")
        }
        // One pass files each member under its key's slot (keys are unique by now).
        var members = [JSONValue?](repeating: nil, count: topLevelKeys.count)
        for entry in object.entries {
            guard let slot = TopLevelKey(entry.key) else {
                return malformed("unknown top-level key \(quoted(entry.key))")
            }
            members[slot.rawValue] = entry.value
        }
        if agentInput, let key = TopLevelKey.allCases.first(where: { $0.isHostFact && members[$0.rawValue] != nil }) {
            return malformed("`\(key.name)` is a fact only the host knows: an agent's proposal may not carry it")
        }
        if let key = host.givenKeys.first(where: { members[$0.rawValue] != nil }) {
            return malformed("`\(key.name)` is given by the host: the proposal may not give it too")
        }

        var proposal = Proposal(id: "", tool: "", args: JSONObject(entries: []))
        var sawTool = false, sawArgs = false, sawID = false

        for slot in TopLevelKey.allCases {
            guard let member = members[slot.rawValue] else { continue }
            switch slot {
            case .id:
                guard case .string(let s) = member else { return malformed("`id` must be a string") }
                proposal.id = s
                sawID = true
            case .runbook:
                guard case .string(let s) = member else { return malformed("`runbook` must be a string") }
                proposal.runbook = s
            case .kind:
                guard case .string(let s) = member,
                      let kind = ProposalKind.allCases.first(where: { $0.rawValue.isExactly(s) })
                else { return malformed("`kind` must be `tool_call` or `remediation`") }
                proposal.kind = kind
            case .tool:
                guard case .string(let s) = member else { return malformed("`tool` must be a string") }
                proposal.tool = s
                sawTool = true
            case .args:
                guard case .object(let o) = member else { return malformed("`args` must be an object") }
                proposal.args = o
                sawArgs = true
            case .thought:
                guard case .string(let s) = member else { return malformed("`thought` must be a string") }
                proposal.thought = s
            case .context:
                guard case .object(let o) = member else { return malformed("`context` must be an object") }
                proposal.context = o
            case .session:
                switch decodeSession(member) {
                case .success(let session): proposal.session = session
                case .failure(let message): return malformed(message.text)
                }
            case .alert:
                guard case .object(let o) = member else { return malformed("`alert` must be an object") }
                if let duplicate = firstDuplicateKey(in: member) {
                    return malformed("duplicate key \(quoted(duplicate)) in `alert`")
                }
                proposal.alert = o
            case .at:
                guard case .string(let s) = member else { return malformed("`at` must be a string") }
                guard let at = Timestamp(rfc3339: s) else {
                    return malformed("`at` must be an rfc 3339 timestamp, not \(quoted(s))")
                }
                proposal.at = at
            }
        }
        if !sawID { proposal.id = String(lineNumber) }
        if !sawTool { return malformed("missing required key `tool`") }
        if !sawArgs { return malformed("missing required key `args`") }
        if let context = host.context { proposal.context = context }
        if let session = host.session { proposal.session = session }
        if let alert = host.alert { proposal.alert = alert }
        if let at = host.at { proposal.at = at }
        return .success(proposal)
    }

    // MARK: - Helpers

    /// The top-level keys, in spec order (the order their checks run in).
    enum TopLevelKey: Int, CaseIterable {
        case id, runbook, kind, tool, args, thought, context, session, alert, at

        /// The key as written in a proposal (static text: comparing with it counts no references).
        var spelling: StaticString {
            switch self {
            case .id: "id"
            case .runbook: "runbook"
            case .kind: "kind"
            case .tool: "tool"
            case .args: "args"
            case .thought: "thought"
            case .context: "context"
            case .session: "session"
            case .alert: "alert"
            case .at: "at"
            }
        }

        /// The key as written, for messages.
        var name: String { spelling.description }

        /// A fact only the host knows: with ``DecisionOptions/agentInput`` a proposal may not
        /// carry it.
        var isHostFact: Bool {
            switch self {
            case .runbook, .context, .session, .alert, .at: true
            case .id, .kind, .tool, .args, .thought: false
            }
        }

        /// True when `bytes` spell this key exactly.
        func isSpelled(_ bytes: Span<UInt8>) -> Bool {
            spelling.withUTF8Buffer { bytes.spells($0) }
        }

        /// The key spelled exactly so, or nil for an unknown key.
        init?(_ key: String) {
            let bytes = key.utf8.span
            guard let found = TopLevelKey(length: bytes.count, named: { $0.isSpelled(bytes) }) else { return nil }
            self = found
        }

        /// The key of UTF-8 length `length` for which `named` holds: dispatched on the length
        /// first, so one or two exact comparisons per key (shared by the string and byte readers).
        init?(length: Int, named: (TopLevelKey) -> Bool) {
            switch length {
            case 2: self = named(.id) ? .id : .at
            case 4: self = named(.kind) ? .kind : named(.tool) ? .tool : .args
            case 5: self = .alert
            case 7: self = named(.runbook) ? .runbook : named(.thought) ? .thought : named(.context) ? .context : .session
            default: return nil
            }
            guard named(self) else { return nil }
        }
    }

    struct Message: Error { let text: String; init(_ text: String) { self.text = text } }

    /// The `id` a malformed proposal is reported under: the top-level `id` when there is exactly
    /// one such member and it is a string (a duplicated `id` cannot be read unambiguously).
    private static func readableID(of object: JSONObject) -> String? {
        guard !object.duplicateKeys.contains(where: { $0.isExactly("id") }),
            case .string(let s)? = object["id"]
        else { return nil }
        return s
    }

    static func decodeSession(_ value: JSONValue) -> Result<SessionState, Message> {
        guard case .object(let object) = value else { return .failure(Message("`session` must be an object")) }
        if let duplicate = object.duplicateKeys.first {
            return .failure(Message("duplicate key \(quoted(duplicate)) in `session`"))
        }
        var session = SessionState()
        for (key, member) in object.entries {
            switch key {
            case _ where key.isExactly("iteration"), _ where key.isExactly("denials"):
                guard case .integer(let n) = member, n >= 0 else {
                    return .failure(Message("`session.\(key)` must be an integer >= 0"))
                }
                if key.isExactly("iteration") { session.iteration = n } else { session.denials = n }
            case _ where key.isExactly("tools"):
                guard case .array(let items) = member else {
                    return .failure(Message("`session.tools` must be an array of strings"))
                }
                var tools: [String] = []
                tools.reserveCapacity(items.count)
                for item in items {
                    guard case .string(let s) = item else {
                        return .failure(Message("`session.tools` must be an array of strings"))
                    }
                    tools.append(s)
                }
                session.tools = tools
            default:
                return .failure(Message("unknown key \(quoted(key)) in `session`"))
            }
        }
        return .success(session)
    }

    /// The first duplicate key found in `value`, depth first in source order, or `nil`.
    static func firstDuplicateKey(in value: JSONValue) -> String? {
        switch value {
        case .object(let object):
            if let duplicate = object.duplicateKeys.first { return duplicate }
            for entry in object.entries {
                if let duplicate = firstDuplicateKey(in: entry.value) { return duplicate }
            }
            return nil
        case .array(let items):
            for item in items {
                if let duplicate = firstDuplicateKey(in: item) { return duplicate }
            }
            return nil
        default:
            return nil
        }
    }

    /// User text for a message: in backticks, on one line (control characters and backticks
    /// escaped as `\u00XX`), at most 64 scalars then `…`.
    static func quoted(_ text: String) -> String {
        var out = "`"
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 64 { out += "…"; break }
            count += 1
            switch scalar.value {
            case 0x00..<0x20, 0x7F, 0x60, 0x2028, 0x2029, 0x85:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "`"
    }
}
