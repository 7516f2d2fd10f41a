import Dispatch
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decides a block of proposal lines on every core, in contiguous chunks, and returns the
/// decision lines in input order — the same bytes a one-by-one loop writes, since `decide` is
/// pure. Used by `rein eval --batch`, which feeds it bounded blocks of a stream.
public struct BatchDecider: Sendable {
    public let policy: CompiledPolicy
    public let options: DecisionOptions
    /// How many chunks a batch is cut into (the number of active cores by default).
    public let workers: Int

    /// The decisions of one block: each chunk's decision lines (each ended by `\n`), in input
    /// order, and whether any was a deny.
    public struct Result: Sendable {
        public var chunks: [[UInt8]]
        public var denied: Bool

        /// Every chunk's lines, joined.
        public var output: [UInt8] { Array(chunks.joined()) }
    }

    public init(policy: CompiledPolicy, options: DecisionOptions, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.policy = policy
        self.options = options
        self.workers = Swift.max(1, workers)
    }

    /// The decisions of `block`'s lines, numbered from `firstLineNumber`. `alongside` runs once,
    /// on one of the cores, while the lines are decided (the stream's input and output).
    public func decide(
        _ block: LineBlock, firstLineNumber: Int, alongside: @Sendable () -> Void = {}
    ) -> Result {
        let lines = block.lines
        // Small blocks are not worth a thread hop; larger ones are cut into a few chunks per
        // worker so that one slow chunk (many denials) does not leave a core idle.
        let chunks = lines.count < 256 || workers == 1 ? 1 : Swift.min(workers * 4, lines.count / 64)
        if chunks == 1 {
            alongside()
            let (output, denied) = decide(block, lines[...], firstLineNumber: firstLineNumber)
            return Result(chunks: [output], denied: denied)
        }
        let size = (lines.count + chunks - 1) / chunks
        let results = UnsafeMutableBufferPointer<(output: [UInt8], denied: Bool)>.allocate(capacity: chunks)
        results.initialize(repeating: ([], false))
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        // Each iteration writes only its own slot (the last one runs `alongside`), and all are
        // done when concurrentPerform returns: no slot is shared.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: chunks + 1) { chunk in
            guard chunk < chunks else { return alongside() }
            let start = chunk * size
            let end = Swift.min(lines.count, start + size)
            guard start < end else { return }
            slots[chunk] = decide(block, lines[start..<end], firstLineNumber: firstLineNumber + start)
        }
        return Result(chunks: results.map(\.output), denied: results.contains { $0.denied })
    }

    private func decide(
        _ block: LineBlock, _ lines: ArraySlice<LineBlock.Line>, firstLineNumber: Int
    ) -> (output: [UInt8], denied: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(lines.count * 128)
        var denied = false
        var scratch = JSONTape()
        // The chunk's own copy of its lines' bytes: reading a buffer that other threads also
        // read would make every reference count on it a contended atomic.
        let texts = lines.lazy.compactMap { line -> Range<Int>? in
            if case .text(let range) = line { range } else { nil }
        }
        let base = texts.first?.lowerBound ?? 0
        let bytes = Array(block.bytes[base..<(texts.last?.upperBound ?? base)])
        for (offset, line) in zip(lines.indices, lines) {
            let lineNumber = firstLineNumber + (offset - lines.startIndex)
            switch line {
            case .text(let range):
                let local = (range.lowerBound - base)..<(range.upperBound - base)
                if policy.decideLine(
                    bytes, range: local, lineNumber: lineNumber, options: options, scratch: &scratch, appendingTo: &output)
                {
                    denied = true
                }
            case .tooLong:
                DecisionEncoder.append(policy.decide(malformed: .tooLong(lineNumber: lineNumber), explain: options.explain), to: &output)
                output.append(0x0A)
                denied = true
            }
        }
        return (output, denied)
    }
}
