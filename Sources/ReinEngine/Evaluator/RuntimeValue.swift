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
}

/// A run-time evaluation failure: the decision fails closed with `evaluation_error`.
struct EvaluationFailure: Error, Sendable {
    var message: String
}

/// Parses Rein duration syntax (`90s`, `15m`, `1h30m`, `1_000s`) as the lexer does:
/// `<digits><unit>` groups, units `d h m s` from largest to smallest, each at most once.
enum DurationText {
    enum Failure: Error { case malformed, overflow }

    static func parse(_ text: String) -> Result<DurationValue, Failure> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(.malformed) }
        var position = 0
        var total: Int64 = 0
        var lastRank = -1
        var overflow = false
        while position < bytes.count {
            var amount: Int64 = 0
            var digits = 0
            var previousWasDigit = false
            while position < bytes.count, isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
                let byte = bytes[position]
                if byte == UInt8(ascii: "_") {
                    guard previousWasDigit else { return .failure(.malformed) }
                    previousWasDigit = false
                } else {
                    let (m, o1) = amount.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                    if o1 || o2 { overflow = true }
                    amount = a
                    digits += 1
                    previousWasDigit = true
                }
                position += 1
            }
            guard digits > 0, previousWasDigit, position < bytes.count else { return .failure(.malformed) }
            let unit = bytes[position]
            position += 1
            let rank: Int
            let size: Int64
            switch unit {
            case UInt8(ascii: "d"): (rank, size) = (0, 86_400)
            case UInt8(ascii: "h"): (rank, size) = (1, 3600)
            case UInt8(ascii: "m"): (rank, size) = (2, 60)
            case UInt8(ascii: "s"): (rank, size) = (3, 1)
            default: return .failure(.malformed)
            }
            guard rank > lastRank else { return .failure(.malformed) }
            lastRank = rank
            let (product, o1) = amount.multipliedReportingOverflow(by: size)
            let (sum, o2) = total.addingReportingOverflow(product)
            if o1 || o2 { overflow = true }
            total = sum
        }
        return overflow ? .failure(.overflow) : .success(DurationValue(seconds: total))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
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
