import Dispatch
import Foundation

/// Decides a batch of proposal lines on every core, in contiguous chunks, and returns the
/// decision lines in input order — the same bytes a one-by-one loop writes, since `decide` is
/// pure. Used by `rein eval --batch`, which feeds it bounded slices of a stream.
public struct BatchDecider: Sendable {
    public let policy: CompiledPolicy
    public let options: DecisionOptions
    /// How many chunks a batch is cut into (the number of active cores by default).
    public let workers: Int

    public init(policy: CompiledPolicy, options: DecisionOptions, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.policy = policy
        self.options = options
        self.workers = Swift.max(1, workers)
    }

    /// The decisions of `lines` (numbered from `firstLineNumber`), each line ended by `\n`, and
    /// whether any was a deny.
    public func decide(_ lines: [LineReader.Line], firstLineNumber: Int) -> (output: [UInt8], denied: Bool) {
        // Small batches are not worth a thread hop; larger ones are cut into a few chunks per
        // worker so that one slow chunk (many denials) does not leave a core idle.
        let chunks = lines.count < 256 || workers == 1 ? 1 : Swift.min(workers * 4, lines.count / 64)
        if chunks == 1 { return decide(lines[...], firstLineNumber: firstLineNumber) }
        let size = (lines.count + chunks - 1) / chunks
        let results = UnsafeMutableBufferPointer<(output: [UInt8], denied: Bool)>.allocate(capacity: chunks)
        results.initialize(repeating: ([], false))
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        // Each iteration writes only its own slot, and all are done when concurrentPerform
        // returns: no slot is shared.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * size
            let end = Swift.min(lines.count, start + size)
            guard start < end else { return }
            slots[chunk] = decide(lines[start..<end], firstLineNumber: firstLineNumber + start)
        }
        var output: [UInt8] = []
        output.reserveCapacity(results.reduce(0) { $0 + $1.output.count })
        var denied = false
        for result in results {
            output += result.output
            denied = denied || result.denied
        }
        return (output, denied)
    }

    private func decide(_ lines: ArraySlice<LineReader.Line>, firstLineNumber: Int) -> (output: [UInt8], denied: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(lines.count * 96)
        var denied = false
        var scratch = JSONTape()
        for (offset, line) in zip(lines.indices, lines) {
            let lineNumber = firstLineNumber + (offset - lines.startIndex)
            switch line {
            case .text(let bytes):
                if policy.decideLine(bytes, lineNumber: lineNumber, options: options, scratch: &scratch, appendingTo: &output) {
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
