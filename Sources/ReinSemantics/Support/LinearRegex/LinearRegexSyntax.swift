/// The parsed form of a `LinearRegex` pattern. Groups leave no node of their own (nothing is
/// captured); concatenation and alternation are n-ary, so the tree is only as deep as the
/// pattern's groups (at most `LinearRegex.maxNesting`) times a small constant.
indirect enum LinearRegexNode: Sendable {
    /// Matches the empty string (an empty pattern, group or alternative).
    case empty
    /// One Unicode scalar.
    case scalar(Unicode.Scalar)
    /// `.`: any scalar except `\n`.
    case any
    /// `[…]`, `\d`, `\w`, `\s` and their negations.
    case characterClass(LinearRegexClass)
    /// `^` or `\A`.
    case start
    /// `$` or `\z`.
    case end
    case concatenation([LinearRegexNode])
    case alternation([LinearRegexNode])
    case repetition(LinearRegexNode, LinearRegexRepetition)
}

/// A quantifier: `*` is `0...nil`, `+` `1...nil`, `?` `0...1`, `{n,m}` `n...m`.
struct LinearRegexRepetition: Sendable {
    var min: Int
    /// Nil: no upper bound.
    var max: Int?
    /// Where the quantifier starts, and how it is written (with any `?`/`+` suffix).
    var offset: Int
    var text: String
}

/// A set of Unicode scalars: sorted, disjoint, non-adjacent ranges of scalar values, and
/// whether the set is negated. Also remembers the non-ASCII scalars listed one by one in a
/// bracketed class, as characters (hashed by canonical equivalence), for the character-based
/// approximation (`LinearRegex.matchesAsCharacters`).
struct LinearRegexClass: Sendable {
    private(set) var ranges: [ClosedRange<UInt32>]
    var negated: Bool
    var listed: Set<Character> = []

    init(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        self.ranges = Self.normalized(ranges)
        self.negated = negated
    }

    /// True when `scalar` is in the set (after negation).
    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var low = 0
        var high = ranges.count - 1
        var found = false
        while low <= high {
            let mid = (low + high) / 2
            let range = ranges[mid]
            if value < range.lowerBound {
                high = mid - 1
            } else if value > range.upperBound {
                low = mid + 1
            } else {
                found = true
                break
            }
        }
        return found != negated
    }

    /// The scalars of this set, as ranges, with any negation applied.
    var effectiveRanges: [ClosedRange<UInt32>] {
        guard negated else { return ranges }
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    /// Sorts and merges overlapping or adjacent ranges.
    private static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    static let digit = LinearRegexClass([0x30...0x39])
    static let word = LinearRegexClass([0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// Space, `\t`, `\n`, `\v`, `\f`, `\r`.
    static let space = LinearRegexClass([0x09...0x0D, 0x20...0x20])
}
