/// One proposal from an agent: the input to `rein eval` (docs/FORMATS.md §1).
///
/// A `Proposal` is what ``ProposalDecoder`` produces from a line whose *shape* is well formed. The
/// parts whose strictness failures get their own reason codes are kept raw, duplicates recorded:
/// ``args`` (the evaluator gives `duplicate_arg`, `type_mismatch`, … per arg) and ``context`` (the
/// evaluator gives `invalid_context`). ``alert`` is kept raw too: any keys are allowed and its
/// fields are validated only when a rule reads one.
public struct Proposal: Sendable, Hashable {
    /// The proposal's `id`, or — when the line gives none — its 1-based line number as a string.
    public var id: String
    /// The runbook named by the proposal; `nil` means "use `--runbook`, else policy-only mode".
    public var runbook: String?
    /// How the tool is proposed; `nil` means "decided by the tool's effect".
    public var kind: ProposalKind?
    /// The proposed tool's name (not yet resolved against the bundle).
    public var tool: String
    /// The arguments, raw: duplicate keys are recorded (→ `duplicate_arg`), values are unchecked.
    public var args: JSONObject
    /// The agent's stated reasoning, if given.
    public var thought: String?
    /// The context object, raw: duplicate keys (at any depth) are recorded, and the evaluator
    /// reports them as `invalid_context`.
    public var context: JSONObject?
    /// The session state the proposal is made in (defaults: iteration 0, denials 0, no tools).
    public var session: SessionState
    /// The alert payload, raw, any keys; guaranteed free of duplicate keys at every depth.
    public var alert: JSONObject?
    /// When the proposal was made, if given.
    public var at: Timestamp?

    public init(
        id: String,
        runbook: String? = nil,
        kind: ProposalKind? = nil,
        tool: String,
        args: JSONObject,
        thought: String? = nil,
        context: JSONObject? = nil,
        session: SessionState = SessionState(),
        alert: JSONObject? = nil,
        at: Timestamp? = nil
    ) {
        self.id = id
        self.runbook = runbook
        self.kind = kind
        self.tool = tool
        self.args = args
        self.thought = thought
        self.context = context
        self.session = session
        self.alert = alert
        self.at = at
    }
}

/// How a tool is proposed: as a plain tool call or as a remediation (docs/FORMATS.md §1 `kind`).
public enum ProposalKind: String, Sendable, Hashable, CaseIterable {
    case toolCall = "tool_call"
    case remediation = "remediation"
}

/// The session state carried by a proposal (docs/FORMATS.md §1 `session`); every field is optional in
/// the input and defaults to zero / empty.
public struct SessionState: Sendable, Hashable {
    /// The session's iteration, counted from 0 over every earlier proposal (≥ 0).
    public var iteration: Int64
    /// How many earlier proposals were denied (≥ 0).
    public var denials: Int64
    /// The tools already run in this session, in order.
    public var tools: [String]

    public init(iteration: Int64 = 0, denials: Int64 = 0, tools: [String] = []) {
        self.iteration = iteration
        self.denials = denials
        self.tools = tools
    }
}

/// Why a proposal line is not well formed: it is denied with `malformed_proposal` alone.
public struct MalformedProposal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line's `id` when the line is a JSON object holding exactly one `id` member, a string;
    /// otherwise the 1-based line number as a string.
    public var id: String
    /// Lowercase, one line; text taken from the input is in backticks (control characters escaped).
    public var message: String

    public init(id: String, message: String) {
        self.id = id
        self.message = message
    }

    public var description: String { "\(id): \(message)" }

    /// A line (or `--proposal` file) over the 1 MiB limit, which is not read: its `id` is the
    /// line number.
    public static func tooLong(lineNumber: Int) -> MalformedProposal {
        MalformedProposal(
            id: String(lineNumber), message: "line is longer than \(ProposalDecoder.maxLineBytes) bytes")
    }
}

// MARK: - Timestamp

/// An instant in UTC with nanosecond precision: whole seconds since 1970-01-01T00:00:00Z (POSIX
/// time, no leap seconds) plus a nanosecond part in `0..<1_000_000_000`.
///
/// Parsed from RFC 3339 (``init(rfc3339:)``) and written back in UTC as
/// `YYYY-MM-DDThh:mm:ss[.f…]Z` (``rfc3339``, docs/FORMATS.md §3). Everything is integer arithmetic
/// (civil-from-days / days-from-civil, proleptic Gregorian calendar); no Foundation, no clock.
///
/// Decisions:
/// - A leap second (`:60`) is **rejected**: POSIX time has no representation for it, and mapping it
///   onto `:59` or the next `:00` would make event ordering and deadlines (an approval "exactly at
///   the deadline") ambiguous.
/// - The fraction has 1 to 9 digits; more than 9 are rejected rather than rounded, so parsing is
///   exact.
/// - Only instants whose UTC date lies in years 0000–9999 are accepted, so that every accepted
///   timestamp can be written back as RFC 3339.
/// - `-00:00` is accepted and means UTC, like `Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since the Unix epoch (may be negative).
    public let seconds: Int64
    /// Nanoseconds past ``seconds``, in `0..<1_000_000_000`.
    public let nanoseconds: Int32

    /// An instant on a whole second.
    public init(seconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = 0
    }

    /// An instant; nil unless `nanoseconds` is in `0..<1_000_000_000`.
    public init?(seconds: Int64, nanoseconds: Int32) {
        guard (0..<1_000_000_000).contains(nanoseconds) else { return nil }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Parses an RFC 3339 `date-time` (`2026-05-09T02:48:40Z`, `2026-05-09t04:48:40.5+02:00`);
    /// `nil` when the text is not one, or names a date or time that does not exist.
    public init?(rfc3339 text: String) {
        guard let parsed = Timestamp.parse(Array(text.utf8)) else { return nil }
        self = parsed
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// The instant in UTC as `YYYY-MM-DDThh:mm:ss[.f…]Z`, the fraction only when non-zero and
    /// without trailing zeros (docs/FORMATS.md §3).
    public var rfc3339: String {
        let c = civil
        var out = pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
        out += "T" + pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2)
        if nanoseconds != 0 {
            var digits = pad(Int64(nanoseconds), 9)
            while digits.last == "0" { digits.removeLast() }
            out += "." + digits
        }
        return out + "Z"
    }

    public var description: String { rfc3339 }

    /// The UTC hour of day, 0–23 (`now.hour`).
    public var hour: Int { Int(secondOfDay / 3600) }

    /// The ISO weekday in UTC, 1–7 with Monday = 1 and Sunday = 7 (`now.weekday`).
    public var weekday: Int {
        // 1970-01-01 (day 0) was a Thursday (4).
        Int(floorMod(daysSinceEpoch + 3, 7)) + 1
    }

    /// The UTC calendar date and time of day of this instant.
    public var civil: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        let (y, m, d) = civilFromDays(daysSinceEpoch)
        let s = secondOfDay
        return (y, m, d, s / 3600, s / 60 % 60, s % 60)
    }

    private var daysSinceEpoch: Int64 { floorDiv(seconds, 86_400) }
    private var secondOfDay: Int64 { floorMod(seconds, 86_400) }

    // MARK: Parsing

    /// Smallest and largest accepted `seconds`: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let minSeconds = daysFromCivil(year: 0, month: 1, day: 1) * 86_400
    static let maxSeconds = daysFromCivil(year: 10_000, month: 1, day: 1) * 86_400 - 1

    /// RFC 3339 §5.6 `date-time`: `full-date "T" full-time`, `T` and `Z` in either case.
    static func parse(_ b: [UInt8]) -> Timestamp? {
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard b.count - i >= n else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += n
            return v
        }
        func expect(_ allowed: UInt8...) -> UInt8? {
            guard i < b.count, allowed.contains(b[i]) else { return nil }
            i += 1
            return b[i - 1]
        }
        guard let year = digits(4), expect(0x2D) != nil,            // -
              let month = digits(2), expect(0x2D) != nil,
              let day = digits(2), expect(0x54, 0x74) != nil,        // T t
              let hour = digits(2), expect(0x3A) != nil,             // :
              let minute = digits(2), expect(0x3A) != nil,
              let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var nanos: Int64 = 0
        if i < b.count, b[i] == 0x2E {  // .
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                guard count < 9 else { return nil }
                nanos = nanos * 10 + Int64(b[i] - 0x30)
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanos *= 10 }
        }

        var offset: Int64 = 0
        guard let sign = expect(0x5A, 0x7A, 0x2B, 0x2D) else { return nil }  // Z z + -
        if sign == 0x2B || sign == 0x2D {
            guard let oh = digits(2), expect(0x3A) != nil, let om = digits(2),
                  oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 60 + om) * 60 * (sign == 0x2D ? -1 : 1)
        }
        guard i == b.count else { return nil }

        let local = daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second
        let utc = local - offset
        guard utc >= minSeconds, utc <= maxSeconds else { return nil }
        return Timestamp(seconds: utc, nanoseconds: Int32(nanos))
    }
}

// MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

private func isLeapYear(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

private func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of the civil date `year-month-day`.
private func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDiv(y, 400)
    let yoe = y - era * 400                                           // [0, 399]
    let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                   // [0, 146096]
    return era * 146_097 + doe - 719_468
}

/// The civil date of the day `days` since 1970-01-01.
private func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = floorDiv(z, 146_097)
    let doe = z - era * 146_097                                          // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365     // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)                    // [0, 365]
    let mp = (5 * doy + 2) / 153                                         // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1                                 // [1, 31]
    let m = mp < 10 ? mp + 3 : mp - 9                                    // [1, 12]
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

@inline(__always)
private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always)
private func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

/// `value` in decimal, left-padded with zeros to `width` digits (`value` ≥ 0).
private func pad(_ value: Int64, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
