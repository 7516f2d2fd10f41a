#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines read together: their bytes back to back in one buffer (without the `\n`s) and each
/// line's range in it, so that a batch costs one allocation, not one per line. Lines are decided
/// in place (``CompiledPolicy/decideLine(_:range:lineNumber:options:scratch:appendingTo:)``).
public struct LineBlock: Sendable {
    /// One line of input.
    public enum Line: Equatable, Sendable {
        /// The line's bytes (without the `\n`) are `bytes[range]`.
        case text(Range<Int>)
        /// A line over the limit; its bytes were discarded.
        case tooLong
    }

    /// Every text line's bytes, back to back.
    public private(set) var bytes: [UInt8] = []
    public private(set) var lines: [Line] = []

    public init() {}

    /// Adds a line with these bytes.
    public mutating func append<Bytes: Collection<UInt8>>(_ line: Bytes) {
        let start = bytes.count
        if line.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: line)
        }
        lines.append(.text(start..<bytes.count))
    }

    /// Adds a line that was over the limit.
    public mutating func appendTooLong() {
        lines.append(.tooLong)
    }

    /// Empties the block, keeping its storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }
}

/// Reads `\n`-terminated lines from a file descriptor in fixed-size chunks, so memory stays
/// bounded by the longest accepted line whatever the input's size (docs/FORMATS.md §1 batch input).
///
/// Only `\n` ends a line (a `\r` before it stays part of the line). A last line without `\n`
/// is still a line; an input that ends with `\n` has no extra empty line after it. A line longer
/// than `maxLineBytes` is skipped to its end without being stored and reported as
/// ``LineBlock/Line/tooLong``.
public final class LineReader {
    /// A read failure (`errno` text).
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    private enum Found {
        /// The line is `buffer[range]` (valid until the next read).
        case text(Range<Int>)
        case tooLong
    }

    private let descriptor: Int32
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var skipping = false

    /// Reads from `descriptor` (not closed by the reader).
    public init(descriptor: Int32, maxLineBytes: Int, chunkSize: Int = 1 << 18) {
        self.descriptor = descriptor
        self.maxLineBytes = maxLineBytes
        buffer = [UInt8](repeating: 0, count: Swift.max(chunkSize, 4096))
    }

    /// Fills `block` (emptied first) with the next lines: up to `maxLines` lines, stopping after
    /// the line that takes its bytes to `maxBytes` or more. Returns false (and an empty block)
    /// at the end of the input.
    public func nextBlock(into block: inout LineBlock, maxLines: Int, maxBytes: Int) throws(ReadError) -> Bool {
        block.removeAll()
        while block.lines.count < Swift.max(maxLines, 1), block.bytes.count < maxBytes {
            guard let found = try nextLine() else { break }
            switch found {
            case .text(let range): block.append(buffer[range])
            case .tooLong: block.appendTooLong()
            }
        }
        return !block.lines.isEmpty
    }

    /// The next line, or nil at the end of the input.
    private func nextLine() throws(ReadError) -> Found? {
        while true {
            if let newline = findNewline() {
                let line: Found = skipping || newline - start > maxLineBytes ? .tooLong : .text(start..<newline)
                start = newline + 1
                skipping = false
                return line
            }
            if end - start > maxLineBytes {
                // The line is already too long: drop what is buffered and skip to its end.
                skipping = true
                start = 0
                end = 0
            }
            if atEOF {
                guard start < end || skipping else { return nil }
                let line: Found = skipping ? .tooLong : .text(start..<end)
                start = end
                skipping = false
                return line
            }
            try fill()
        }
    }

    /// Reads everything from `descriptor`; nil when it holds more than `maxBytes` bytes (reading
    /// stops one byte past the limit).
    public static func readAll(descriptor: Int32, maxBytes: Int) throws(ReadError) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= maxBytes else { return nil }
                let target = Swift.min(bytes.count * 2, maxBytes + 1)
                bytes.append(contentsOf: repeatElement(0, count: target - bytes.count))
            }
            let result = bytes.withUnsafeMutableBufferPointer { pointer -> Int in
                guard let base = pointer.baseAddress else { return 0 }
                return read(descriptor, base + count, pointer.count - count)
            }
            if result > 0 {
                count += result
                if count > maxBytes { return nil }
            } else if result == 0 {
                return Array(bytes[..<count])
            } else if errno != EINTR {
                throw ReadError(description: String(cString: strerror(errno)))
            }
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { pointer -> Int? in
            guard let base = pointer.baseAddress,
                let found = memchr(base + start, 0x0A, end - start)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Moves the unread bytes to the front, grows the buffer when a line fills it, and reads.
    private func fill() throws(ReadError) {
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    guard let base = pointer.baseAddress else { return }
                    _ = memmove(base, base + start, count)
                }
            }
            start = 0
            end = count
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        while true {
            let result = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
                guard let base = pointer.baseAddress else { return 0 }
                return read(descriptor, base + end, pointer.count - end)
            }
            if result > 0 {
                end += result
                return
            }
            if result == 0 {
                atEOF = true
                return
            }
            if errno == EINTR { continue }
            throw ReadError(description: String(cString: strerror(errno)))
        }
    }
}
