import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Newline-delimited messages on a file descriptor, as MCP's stdio transport frames them.
enum LineIO {
    /// One line read, without its newline; or a line over the limit, which is skipped whole.
    enum Line: Sendable {
        case text([UInt8])
        case tooLong
    }

    /// The lines of `descriptor` until it ends, read on a thread of their own (a blocking read
    /// must not hold one of the concurrency pool's few threads).
    static func lines(of descriptor: Int32, maxBytes: Int = 16 << 20) -> AsyncStream<Line> {
        let (stream, continuation) = AsyncStream.makeStream(of: Line.self)
        Thread.detachNewThread {
            var pending: [UInt8] = []
            var skipping = false
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                for byte in chunk[..<count] {
                    if byte == 0x0A {
                        if skipping {
                            continuation.yield(.tooLong)
                        } else if !pending.isEmpty {
                            continuation.yield(.text(pending))
                        }
                        (pending, skipping) = ([], false)
                    } else if !skipping {
                        pending.append(byte)
                        if pending.count > maxBytes { (pending, skipping) = ([], true) }
                    }
                }
            }
            if skipping { continuation.yield(.tooLong) } else if !pending.isEmpty { continuation.yield(.text(pending)) }
            continuation.finish()
        }
        return stream
    }

    /// Writes whole lines to a descriptor, one at a time, so that concurrent answers never
    /// interleave.
    final class Writer: Sendable {
        private let descriptor: Mutex<Int32>

        init(descriptor: Int32) {
            self.descriptor = Mutex(descriptor)
        }

        /// Writes `bytes` and a newline; false when the reader is gone.
        @discardableResult
        func send(line bytes: [UInt8]) -> Bool {
            descriptor.withLock { descriptor in
                let framed = bytes + [0x0A]
                var sent = 0
                while sent < framed.count {
                    let count = framed[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { return false }
                    sent += count
                }
                return true
            }
        }
    }
}
