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

    /// The value as JSON, as validated args are echoed and hashed (effects, the approval card and
    /// its digest, the audit log): a duration in ISO-8601, so that one length of time has one
    /// form (`90s`, `1m30s` and a default written `1m30s` are all `PT1M30S`). Lists, ranges and
    /// effects have no JSON form.
    var jsonValue: JSONValue? {
        switch self {
        case .int(let number): .integer(number)
        case .duration(let duration): .string(duration.iso8601)
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .effect, .list, .range: nil
        }
    }

    /// A validated arg read back from its JSON form (``jsonValue``) for its declared type; nil
    /// when the value does not have that form.
    init?(echoed value: JSONValue, as type: ArgType) {
        switch (type, value) {
        case (.int, .integer(let number)): self = .int(number)
        case (.bool, .bool(let flag)): self = .bool(flag)
        case (.duration, .string(let text)):
            guard let duration = DurationValue(iso8601: text) else { return nil }
            self = .duration(duration)
        case (.string, .string(let text)), (.name, .string(let text)), (.namespace, .string(let text)),
            (.enumeration, .string(let text)):
            self = .string(text)
        default: return nil
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

    /// The values as a JSON object, in order (durations in ISO-8601, `PT15M`).
    var jsonObject: JSONObject {
        JSONObject(entries: entries.compactMap { entry in entry.value.jsonValue.map { (key: entry.name, value: $0) } })
    }
}

extension DurationValue {
    /// Reads exactly the ISO-8601 form ``iso8601`` writes (`PT1H30M`, `PT26H`, `PT0S`): `PT`, then
    /// hours, minutes and seconds in that order; nil for anything else — another spelling of the
    /// same length (`PT90M`, `PT0H1M`) included — or a length beyond the 64-bit range.
    init?(iso8601 text: String) {
        var rest = Array(text.utf8)[...]
        guard rest.starts(with: "PT".utf8) else { return nil }
        rest = rest.dropFirst(2)
        var units: ArraySlice<(letter: UInt8, seconds: Int64)> = [
            (UInt8(ascii: "H"), 3_600), (UInt8(ascii: "M"), 60), (UInt8(ascii: "S"), 1),
        ][...]
        var total: Int64 = 0
        var groups = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            rest = rest.dropFirst(digits.count)
            guard !digits.isEmpty, let letter = rest.first, let unit = units.firstIndex(where: { $0.letter == letter }) else {
                return nil
            }
            rest = rest.dropFirst()
            var number: Int64 = 0
            for digit in digits {
                let (tens, overflowed) = number.multipliedReportingOverflow(by: 10)
                let (sum, carried) = tens.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
                guard !overflowed, !carried else { return nil }
                number = sum
            }
            let (length, overflowed) = number.multipliedReportingOverflow(by: units[unit].seconds)
            let (sum, carried) = total.addingReportingOverflow(length)
            guard !overflowed, !carried else { return nil }
            total = sum
            groups += 1
            units = units[(unit + 1)...]
        }
        guard groups > 0, DurationValue(seconds: total).iso8601 == text else { return nil }
        self.init(seconds: total)
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
