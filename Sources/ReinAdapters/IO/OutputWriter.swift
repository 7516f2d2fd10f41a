#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif

/// Buffered output to a file descriptor: lines are collected and written in large blocks, so a
/// batch of 100,000 decisions costs a few dozen system calls rather than 100,000.
public final class OutputWriter {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let flushThreshold: Int

    public init(descriptor: Int32, flushThreshold: Int = 1 << 16) {
        self.descriptor = descriptor
        self.flushThreshold = flushThreshold
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// Appends `text` and a `\n`; writes out when the buffer is full.
    public func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Appends bytes that are already whole lines (a large run is written straight out).
    public func write(_ bytes: [UInt8]) {
        if bytes.count >= flushThreshold {
            flush()
            writeAll(bytes)
            return
        }
        buffer += bytes
        if buffer.count >= flushThreshold { flush() }
    }

    /// Lets `body` append one line's bytes (without the `\n`) straight into the buffer.
    public func writeLine(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        buffer.append(0x0A)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes everything buffered. A failed write (a closed pipe) drops the rest silently:
    /// there is nobody left to tell.
    public func flush() {
        writeAll(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8]) {
        Self.writeAll(bytes, to: descriptor)
    }

    /// Writes every byte to `descriptor`, retrying short and interrupted writes; false when a
    /// write fails (a closed pipe, a full disk).
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        return bytes.withUnsafeBufferPointer { pointer in
            guard let base = pointer.baseAddress else { return true }
            while offset < pointer.count {
                let written = systemWrite(descriptor, base + offset, pointer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
