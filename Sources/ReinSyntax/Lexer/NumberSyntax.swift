/// Rein's whole-number and duration syntax: the one implementation, used by the lexer for
/// literals in source and by the evaluator for duration values in proposals (`"1h30m"`).
///
/// - Digits: ASCII `0`–`9`, with `_` allowed only between two digits (`1_000`).
/// - A duration is one or more `<digits><unit>` groups, units `d h m s` from largest to
///   smallest, each at most once (`90s`, `1h30m`, `2d`). A unit is the run of non-digit bytes
///   after the digits, so `1hr` has the unknown unit `hr`.
/// - A malformed text is reported as malformed even when a number in it is also too large: the
///   shape is judged first, the range only of a well-formed text.
public enum NumberSyntax {
    public enum Failure: Error, Sendable, Hashable {
        /// Empty digits, or `_` not between two digits.
        case malformedNumber
        /// Digits at the end with no unit after them.
        case missingUnit
        /// A unit other than `d`, `h`, `m`, `s`.
        case unknownUnit(String)
        /// Units not from largest to smallest, or one repeated.
        case unitOrder
        /// Well formed, but beyond the 64-bit range (`UInt64` for digits, `Int64` seconds for a
        /// duration).
        case outOfRange
    }

    /// The value of `bytes` as digits with optional `_` separators.
    public static func digits(_ bytes: Span<UInt8>) -> Result<UInt64, Failure> {
        var value: UInt64 = 0
        var previousWasDigit = false
        var overflow = false
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { return .failure(.malformedNumber) }
                previousWasDigit = false
                continue
            }
            guard isDigit(byte) else { return .failure(.malformedNumber) }
            previousWasDigit = true
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { overflow = true }
            value = plus
        }
        guard previousWasDigit else { return .failure(.malformedNumber) }
        return overflow ? .failure(.outOfRange) : .success(value)
    }

    /// The number of seconds `bytes` spells as a duration.
    public static func duration(_ bytes: Span<UInt8>) -> Result<Int64, Failure> {
        guard !bytes.isEmpty else { return .failure(.malformedNumber) }
        var position = 0
        var total: Int64 = 0
        var lastRank = -1
        var overflow = false
        while position < bytes.count {
            let digitStart = position
            while position < bytes.count, isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
                position += 1
            }
            let unitStart = position
            while position < bytes.count, !isDigit(bytes[position]) { position += 1 }
            if unitStart == digitStart { return .failure(.malformedNumber) }
            guard position > unitStart else { return .failure(.missingUnit) }
            let rank: Int
            let size: Int64
            switch (position - unitStart, bytes[unitStart]) {
            case (1, UInt8(ascii: "d")): (rank, size) = (0, 86_400)
            case (1, UInt8(ascii: "h")): (rank, size) = (1, 3600)
            case (1, UInt8(ascii: "m")): (rank, size) = (2, 60)
            case (1, UInt8(ascii: "s")): (rank, size) = (3, 1)
            default:
                let unit = (unitStart..<position).map { bytes[$0] }
                return .failure(.unknownUnit(String(decoding: unit, as: UTF8.self)))
            }
            guard rank > lastRank else { return .failure(.unitOrder) }
            lastRank = rank
            switch digits(bytes.extracting(digitStart..<unitStart)) {
            case .failure(.outOfRange):
                overflow = true
            case .failure(let failure):
                return .failure(failure)
            case .success(let amount):
                let (product, overflow1) = Int64(clamping: amount).multipliedReportingOverflow(by: size)
                let (sum, overflow2) = total.addingReportingOverflow(product)
                if amount > UInt64(Int64.max) || overflow1 || overflow2 { overflow = true }
                total = sum
            }
        }
        return overflow ? .failure(.outOfRange) : .success(total)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
