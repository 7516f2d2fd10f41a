import ReinSemantics
import ReinSyntax

/// A value during rule evaluation.
enum RuntimeValue: Sendable {
    case int(Int64)
    case duration(DurationValue)
    case string(String)
    case bool(Bool)
    case effect(ToolEffect)
    case list([RuntimeValue])
    indirect case range(RuntimeValue, RuntimeValue)

    var kindName: String {
        switch self {
        case .int: "int"
        case .duration: "duration"
        case .string: "string"
        case .bool: "bool"
        case .effect: "effect"
        case .list: "list"
        case .range: "range"
        }
    }

    /// The value as JSON: what an arg can hold (lists, ranges and effects have no JSON form).
    var jsonValue: JSONValue? {
        switch self {
        case .int(let number): .integer(number)
        case .duration(let duration): .string(duration.description)
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .effect, .list, .range: nil
        }
    }

    init(_ literal: LiteralValue) {
        switch literal {
        case .int(let v): self = .int(v)
        case .duration(let v): self = .duration(v)
        case .string(let v): self = .string(v)
        case .bool(let v): self = .bool(v)
        }
    }
}

/// Named values (validated args, context) in declaration order. A tool has a handful of args,
/// so a linear scan beats hashing.
struct ValueTable {
    private var entries: [(name: String, value: RuntimeValue)] = []

    init(capacity: Int = 0) {
        entries.reserveCapacity(capacity)
    }

    mutating func append(_ name: String, _ value: RuntimeValue) {
        entries.append((name, value))
    }

    subscript(name: String) -> RuntimeValue? {
        entries.first { $0.name.isExactly(name) }?.value
    }

    /// The values as a JSON object, in order (durations in Rein's notation, `15m`).
    var jsonObject: JSONObject {
        JSONObject(entries: entries.compactMap { entry in entry.value.jsonValue.map { (key: entry.name, value: $0) } })
    }
}

/// A run-time evaluation failure: the decision fails closed with `evaluation_error`.
struct EvaluationFailure: Error, Sendable {
    var message: String
}


/// `like`: a glob over the whole string; `*` any run, `?` one Unicode scalar, `\*` and `\?`
/// literal (any other backslash is literal).
enum Glob {
    private enum Token: Equatable {
        case star
        case one
        case literal(Unicode.Scalar)
    }

    static func matches(_ pattern: String, _ value: String) -> Bool {
        var tokens: [Token] = []
        let p = Array(pattern.unicodeScalars)
        var i = 0
        while i < p.count {
            let c = p[i]
            if c == "\\", i + 1 < p.count, p[i + 1] == "*" || p[i + 1] == "?" {
                tokens.append(.literal(p[i + 1]))
                i += 2
                continue
            }
            tokens.append(c == "*" ? .star : c == "?" ? .one : .literal(c))
            i += 1
        }
        let s = Array(value.unicodeScalars)
        var ti = 0
        var si = 0
        var starToken = -1
        var starMatch = 0
        while si < s.count {
            if ti < tokens.count, tokens[ti] == .one || tokens[ti] == .literal(s[si]) {
                ti += 1
                si += 1
            } else if ti < tokens.count, tokens[ti] == .star {
                starToken = ti
                starMatch = si
                ti += 1
            } else if starToken >= 0 {
                ti = starToken + 1
                starMatch += 1
                si = starMatch
            } else {
                return false
            }
        }
        while ti < tokens.count, tokens[ti] == .star { ti += 1 }
        return ti == tokens.count
    }
}
