/// Decides a stream of proposal lines block by block, overlapping input and output with the
/// deciding: while the cores decide one block, one of them writes the previous block's
/// decisions and reads the next block. Memory stays flat (two blocks in flight) and the
/// decisions come out in input order, the same bytes as deciding line by line.
public final class BatchStream: @unchecked Sendable {
    // @unchecked: the reader, the output and the spare block are touched by one thread at a
    // time — the side task while a block is being decided, else the caller's thread — and
    // `concurrentPerform` returning orders the two.
    private let decider: BatchDecider
    private let reader: LineReader
    private let output: OutputWriter
    private let maxLines: Int
    private let maxBytes: Int
    private var spare = LineBlock()
    private var spareFilled = false
    private var readError: LineReader.ReadError?
    private var unwritten: BatchDecider.Result?

    /// Blocks hold at most `maxLines` lines, or stop after the line that reaches `maxBytes`.
    public init(decider: BatchDecider, reader: LineReader, output: OutputWriter, maxLines: Int = 4_096, maxBytes: Int = 4 << 20) {
        self.decider = decider
        self.reader = reader
        self.output = output
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    /// Decides every line to the end of the input and writes the decisions (the output is
    /// flushed). Returns whether any was a deny. On a read failure the lines read before it
    /// are still decided and written, then the error is thrown.
    public func run() throws(LineReader.ReadError) -> Bool {
        var block = LineBlock()
        var nextLineNumber = 1
        var denied = false
        defer { output.flush() }
        var filled: Bool
        do {
            filled = try reader.nextBlock(into: &block, maxLines: maxLines, maxBytes: maxBytes)
        } catch {
            readError = error
            filled = !block.lines.isEmpty
        }
        while filled {
            let result = decider.decide(block, firstLineNumber: nextLineNumber) { self.writeAndReadAhead() }
            denied = denied || result.denied
            nextLineNumber += block.lines.count
            unwritten = result
            filled = spareFilled
            swap(&block, &spare)
        }
        writeUnwritten()
        if let readError { throw readError }
        return denied
    }

    /// The side task: the previous block's decisions out, the next block in (none after a
    /// read failure; the lines read before one are decided next).
    private func writeAndReadAhead() {
        writeUnwritten()
        guard readError == nil else {
            spareFilled = false
            return
        }
        do {
            spareFilled = try reader.nextBlock(into: &spare, maxLines: maxLines, maxBytes: maxBytes)
        } catch {
            readError = error
            spareFilled = !spare.lines.isEmpty
        }
    }

    private func writeUnwritten() {
        guard let result = unwritten else { return }
        for chunk in result.chunks { output.write(chunk) }
        unwritten = nil
    }
}
