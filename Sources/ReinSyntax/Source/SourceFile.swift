/// One `.rein` file's bytes, with the line table needed to turn byte offsets into
/// `line:column` positions. Columns count Unicode scalars (a tab is one), from 1.
public struct SourceFile: Sendable {
    /// The path as it is shown in diagnostics (relative to the working directory).
    public let path: String
    /// The file's UTF-8 bytes, without a leading byte-order mark.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]
    /// Offset of the first byte that is not valid UTF-8, if any.
    public let invalidUTF8Offset: Int?
    /// `scalarCheckpoints[k]` = the number of Unicode scalars in `bytes[0 ..< k * 256]`, so a
    /// column costs at most 256 steps however long the line.
    private let scalarCheckpoints: [Int]
    private static let checkpointStride = 256

    /// Wraps `bytes` read from `path`. A leading UTF-8 byte-order mark is dropped.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        var body = bytes
        if body.count >= 3, body[0] == 0xEF, body[1] == 0xBB, body[2] == 0xBF {
            body.removeFirst(3)
        }
        self.bytes = body
        var starts = [0]
        starts.reserveCapacity(body.count / 24 + 1)
        var checkpoints = [0]
        checkpoints.reserveCapacity(body.count / Self.checkpointStride + 1)
        var scalars = 0
        for (offset, byte) in body.enumerated() {
            if byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if (offset + 1) % Self.checkpointStride == 0 { checkpoints.append(scalars) }
        }
        self.lineStarts = starts
        self.scalarCheckpoints = checkpoints
        self.invalidUTF8Offset = UTF8Validation.firstInvalidOffset(in: body)
    }

    /// Convenience for tests and generated sources.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The 1-based line and column of a byte offset.
    public func position(of offset: Int) -> SourcePosition {
        let clamped = min(max(offset, 0), bytes.count)
        let lineIndex = lineIndex(containing: clamped)
        let column = scalarsBefore(clamped) - scalarsBefore(lineStarts[lineIndex]) + 1
        return SourcePosition(line: lineIndex + 1, column: column)
    }

    /// The number of Unicode scalars that start in `bytes[0 ..< offset]`.
    private func scalarsBefore(_ offset: Int) -> Int {
        let checkpoint = min(offset / Self.checkpointStride, scalarCheckpoints.count - 1)
        var count = scalarCheckpoints[checkpoint]
        var index = checkpoint * Self.checkpointStride
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    /// The 1-based line of a byte offset (a binary search; no column counting).
    public func line(of offset: Int) -> Int {
        lineIndex(containing: min(max(offset, 0), bytes.count)) + 1
    }

    /// The text of a 1-based line, without its line end.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a span (for messages); invalid UTF-8 is replaced.
    public func text(of span: SourceSpan) -> String {
        let lower = min(max(span.start, 0), bytes.count)
        let upper = min(max(span.end, lower), bytes.count)
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    private func lineIndex(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// A 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open byte range `start..<end` in one file of a bundle, identified by index.
public struct SourceSpan: Sendable, Hashable {
    /// Index of the file in the bundle's file list.
    public var file: Int
    public var start: Int
    public var end: Int

    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both (same file assumed).
    public func through(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}

/// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), shared by
/// source files and the strict JSON reader.
public enum UTF8Validation {
    /// Returns the offset of the first byte that starts an invalid UTF-8 sequence.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(in: bytes, at: index) else { return index }
            index += length
        }
        return nil
    }

    /// The length of the valid multi-byte sequence starting at `index` (a non-ASCII lead byte),
    /// or nil when the bytes there (before `end`, by default the end of `bytes`) are not valid
    /// UTF-8.
    public static func sequenceLength(in bytes: [UInt8], at index: Int, end: Int? = nil) -> Int? {
        let end = Swift.min(end ?? bytes.count, bytes.count)
        guard index >= 0, index < end else { return nil }
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch bytes[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F
        default: return nil
        }
        guard end - index >= length else { return nil }
        let second = bytes[index + 1]
        guard second >= lowerBound, second <= upperBound else { return nil }
        var next = index + 2
        while next < index + length {
            guard bytes[next] & 0xC0 == 0x80 else { return nil }
            next += 1
        }
        return length
    }
}
