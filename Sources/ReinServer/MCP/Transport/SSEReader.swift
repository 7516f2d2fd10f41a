/// Reads a `text/event-stream` as it arrives: bytes in, the `data` of each complete event out.
/// Comments (`: …`) and other fields are skipped; lines end with LF or CRLF. An event larger
/// than `maxEventBytes` is an error, so a hostile stream cannot grow memory without bound.
struct SSEReader {
    let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false

    init(maxEventBytes: Int = 16 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    /// The events completed by `bytes`, each as its `data` lines joined by newlines.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(UpstreamError) -> [String] {
        var events: [String] = []
        for byte in bytes {
            guard byte == 0x0A else {
                line.append(byte)
                guard line.count + data.count <= maxEventBytes else { throw UpstreamError(message: "an event of the stream is over \(maxEventBytes) bytes") }
                continue
            }
            if line.last == 0x0D { line.removeLast() }
            if let event = take(line) { events.append(event) }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }

    /// The last event, when the stream ended without its blank line.
    mutating func finish() -> String? {
        if !line.isEmpty {
            _ = take(line)
            line = []
        }
        return take([])
    }

    /// Takes one line: a blank line completes the event, a `data` line adds to it.
    private mutating func take(_ line: [UInt8]) -> String? {
        if line.isEmpty {
            defer { (data, hasData) = ([], false) }
            return hasData ? String(decoding: data, as: UTF8.self) : nil
        }
        guard line.starts(with: Array("data".utf8)) else { return nil }
        var value = line.dropFirst(4)
        if let colon = value.first {
            guard colon == UInt8(ascii: ":") else { return nil }  // `dataX: …` is another field
            value = value.dropFirst()
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        }
        if hasData { data.append(0x0A) }
        data += value
        hasData = true
        return nil
    }
}
