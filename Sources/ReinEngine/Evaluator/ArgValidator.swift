import ReinSemantics
import ReinSyntax

/// An arg or context declaration with its location resolved and its pattern compiled once.
final class CompiledArg: Sendable {
    let model: ArgModel
    let location: String
    /// nil when there is no `matching`; `.failure` when the pattern does not compile (every
    /// value then fails the pattern: fail closed).
    let pattern: Result<LinearRegex, LinearRegex.SyntaxError>?
    /// The checks as plain values, and an enum's members' UTF-8 (the fast path compares
    /// proposal bytes with them).
    let check: ArgCheck
    let memberBytes: [[UInt8]]

    /// True when `text` passes the `matching` pattern (or there is none) as far as the fast
    /// path can tell: an all-ASCII value the automaton decides; anything else is false, and the
    /// full path decides.
    func patternAccepts(asciiText text: Span<UInt8>) -> Bool {
        switch pattern {
        case nil: true
        case .success(let regex)?: regex.wholeMatchIfASCII(utf8: text) ?? false
        case .failure?: false
        }
    }

    init(_ model: ArgModel, location: String, pattern: Result<LinearRegex, LinearRegex.SyntaxError>?) {
        self.model = model
        self.location = location
        self.pattern = pattern
        check = ArgCheck(model)
        if case .enumeration(let members) = model.type {
            memberBytes = members.map { Array($0.utf8) }
        } else {
            memberBytes = []
        }
    }
}

/// An arg's type and bounds as plain values, read by the fast path without copying the model.
struct ArgCheck: Sendable {
    enum Kind: UInt8, Sendable {
        case int, bool, duration, string, name, namespace, enumeration
    }

    let kind: Kind
    /// `int`: the value's range; `duration`: the range in seconds; nil when unbounded.
    let bounds: ClosedRange<Int64>?
    /// `string`: the accepted length in Unicode scalars (`len`, else the default cap).
    let length: ClosedRange<Int64>
    let hasDefault: Bool

    init(_ model: ArgModel) {
        switch model.type {
        case .int: kind = .int
        case .bool: kind = .bool
        case .duration: kind = .duration
        case .string: kind = .string
        case .name: kind = .name
        case .namespace: kind = .namespace
        case .enumeration: kind = .enumeration
        }
        switch model.range {
        case .int(let range)?: bounds = range
        case .duration(let range)?: bounds = range.lowerBound.seconds...range.upperBound.seconds
        case nil: bounds = nil
        }
        length = model.length ?? 0...Int64(NameRules.defaultStringScalarCap)
        hasDefault = model.defaultValue != nil
    }
}

/// Compiles each distinct `matching` pattern of a bundle once (many tools share one), with its
/// automaton built for fast matching.
struct PatternCompiler {
    private var compiled: [ExactString: Result<LinearRegex, LinearRegex.SyntaxError>] = [:]

    mutating func arg(_ model: ArgModel, location: String) -> CompiledArg {
        guard let source = model.pattern else { return CompiledArg(model, location: location, pattern: nil) }
        if let known = compiled[ExactString(source)] { return CompiledArg(model, location: location, pattern: known) }
        let result: Result<LinearRegex, LinearRegex.SyntaxError>
        do throws(LinearRegex.SyntaxError) {
            result = .success(try ValuePattern.compile(source).withAutomaton())
        } catch {
            result = .failure(error)
        }
        compiled[ExactString(source)] = result
        return CompiledArg(model, location: location, pattern: result)
    }
}

/// An arg's name in backticks for a message, built only when a message is.
private struct Label: CustomStringConvertible {
    let name: String
    var description: String { "`\(name)`" }
}

/// Validates one JSON value against an arg's type and constraints (Grammar/README.md §7), returning the
/// first failing check (in §5 step 4 order) or the typed value.
enum ArgValidator {
    enum Outcome {
        case valid(RuntimeValue)
        case invalid(ReasonCode, String)
    }

    static func validate(_ value: JSONValue, against arg: CompiledArg, forbidden: [String]) -> Outcome {
        let model = arg.model
        let label = Label(name: model.name)
        switch model.type {
        case .int:
            switch value {
            case .integer(let v):
                if case .int(let range)? = model.range, !range.contains(v) {
                    return .invalid(.outOfBounds, "\(label) is \(v), outside \(range.lowerBound)..\(range.upperBound)")
                }
                return .valid(.int(v))
            case .number(let text) where isIntegerLiteral(text):
                return .invalid(.outOfBounds, "\(label) is \(text), beyond the 64-bit int range")
            default:
                return .invalid(.typeMismatch, "\(label) must be an int, got \(describe(value))")
            }
        case .bool:
            guard case .bool(let v) = value else {
                return .invalid(.typeMismatch, "\(label) must be a bool, got \(describe(value))")
            }
            return .valid(.bool(v))
        case .duration:
            guard case .string(let text) = value else {
                return .invalid(.typeMismatch, "\(label) must be a duration string, got \(describe(value))")
            }
            switch NumberSyntax.duration(text.utf8.span).map(DurationValue.init(seconds:)) {
            case .failure(.outOfRange):
                return .invalid(.outOfBounds, "\(label) is a duration beyond the 64-bit range")
            case .failure:
                return .invalid(.typeMismatch, "\(label) is not a duration like \"15m\" or \"1h30m\"")
            case .success(let d):
                if case .duration(let range)? = model.range, !range.contains(d) {
                    return .invalid(.outOfBounds, "\(label) is \(d), outside \(range.lowerBound)..\(range.upperBound)")
                }
                return .valid(.duration(d))
            }
        case .string, .name, .namespace, .enumeration:
            guard case .string(let text) = value else {
                return .invalid(.typeMismatch, "\(label) must be a string, got \(describe(value))")
            }
            return validateString(text, arg: arg, forbidden: forbidden, label: label)
        }
    }

    private static func validateString(_ text: String, arg: CompiledArg, forbidden: [String], label: Label) -> Outcome {
        let model = arg.model
        let count = text.scalarCount
        switch model.type {
        case .enumeration(let members):
            guard members.containsExactly(text) else {
                let list = members.map { "\"\($0)\"" }.joined(separator: " | ")
                return .invalid(.outOfBounds, "\(label) is not one of \(list)")
            }
        case .name:
            if let why = NameRules.nameViolation(text) {
                return .invalid(.invalidName, "\(label) is not a valid name: \(why)")
            }
        case .namespace:
            if let why = NameRules.namespaceViolation(text) {
                return .invalid(.invalidName, "\(label) is not a valid namespace: \(why)")
            }
            if forbidden.containsExactly(text) {
                return .invalid(.forbiddenNamespace, "\(label) is the forbidden namespace \"\(text)\"")
            }
        default:
            if let length = model.length {
                if !length.contains(Int64(count)) {
                    return .invalid(
                        .outOfBounds, "\(label) is \(count) characters, outside \(length.lowerBound)..\(length.upperBound)")
                }
            } else if count > NameRules.defaultStringScalarCap {
                return .invalid(
                    .outOfBounds, "\(label) is \(count) characters, over the \(NameRules.defaultStringScalarCap) allowed")
            }
            switch arg.pattern {
            case nil: break
            case .success(let regex)?:
                if !ValuePattern.matches(regex, wholeOf: text) {
                    return .invalid(.patternMismatch, "\(label) does not match \"\(model.pattern ?? "")\"")
                }
            case .failure?:
                return .invalid(.patternMismatch, "\(label) cannot be matched: the pattern does not compile")
            }
        }
        return .valid(.string(text))
    }

    /// `-?[0-9]+`: a JSON integer literal (one outside Int64 is kept as `.number`).
    static func isIntegerLiteral(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a bool"
        case .string: "a string"
        case .integer: "an int"
        case .number(let text): "the number \(text)"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
