import Dispatch
import ReinEngine

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Replays recorded incident files on every core, a block at a time, and hands the results
/// back in file order — the same bytes as one at a time. Each file is read, checked, replayed
/// and rendered (transcript or docs/FORMATS.md §4 line, and its audit entries prepared) in
/// parallel; only the audit chain, whose every link depends on the one before, is built in
/// order, by the caller — while the next block is replayed. Memory stays flat: two blocks at
/// most, the one being handed over and the one in flight.
public struct ReplayBatch: Sendable {
    /// One file's replay, ready to write.
    public struct Item: Sendable {
        public var file: IncidentFile
        /// The rendered output (a transcript, or a JSON line ending with the placeholder audit
        /// head ``ReplayBatch/headPlaceholder``), or nil when the file could not be replayed.
        public var output: [UInt8]?
        /// Why the incident could not be replayed.
        public var failure: ReplayFailure?
        /// The audit entries, in order, ready to be linked.
        public var audit: [AuditChain.Entry]
        /// The head of the incident's own audit chain (from seq 0; when `ownHeads`).
        public var ownHead: String
    }

    /// What a JSON line carries as `audit_head` until the chain is known: 64 zeros (the caller
    /// writes the real head over it, see ``ReplayBatch/settingHead(_:in:)``).
    public static let headPlaceholder = String(repeating: "0", count: 64)

    public let policy: CompiledPolicy
    public let bundleDigest: String
    public let json: Bool
    /// Whether each item's own audit chain head is wanted (not when the caller builds the
    /// chain of a log: the work would be thrown away).
    public let ownHeads: Bool
    public let workers: Int

    public init(
        policy: CompiledPolicy, bundleDigest: String, json: Bool, ownHeads: Bool = true,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.policy = policy
        self.bundleDigest = bundleDigest
        self.json = json
        self.ownHeads = ownHeads
        self.workers = Swift.max(1, workers)
    }

    /// Replays `paths` in order; `body` gets each item in file order, on the calling thread,
    /// while the next block is replayed in the background. A file that cannot be loaded stops
    /// the run with its error, after every file before it has been handed over.
    public func run(_ paths: [String], blockSize: Int = 256, _ body: (Item) throws -> Void) throws {
        let size = Swift.max(1, blockSize)
        let blocks = stride(from: 0, to: paths.count, by: size).map { Array(paths[$0..<Swift.min(paths.count, $0 + size)]) }
        var next = blocks.first.map { block in BlockInFlight { self.replay(block) } }
        for index in blocks.indices {
            guard let current = next?.wait() else { break }
            next = index + 1 < blocks.count ? BlockInFlight { [block = blocks[index + 1]] in self.replay(block) } : nil
            // Whatever happens here, the block in flight is finished before returning.
            defer { _ = next?.wait() }
            for item in current.items { try body(item) }
            if let stop = current.stop { throw stop }
        }
    }

    /// A block's items, up to the first file that could not be loaded.
    private struct Block: Sendable {
        var items: [Item]
        var stop: IncidentLoader.LoadError?
    }

    /// A block being replayed on a background thread.
    private final class BlockInFlight: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        // Written once by the background thread before it signals; read only after waiting.
        private var block: Block?
        // Touched only by the thread that owns the block.
        private var waited = false

        init(_ work: @escaping @Sendable () -> Block) {
            DispatchQueue.global().async {
                self.block = work()
                self.done.signal()
            }
        }

        /// Waits until the block is replayed (at most once) and gives it.
        func wait() -> Block? {
            if !waited {
                done.wait()
                waited = true
            }
            return block
        }
    }

    private func replay(_ paths: [String]) -> Block {
        let slots = UnsafeMutableBufferPointer<Result<Item, IncidentLoader.LoadError>?>.allocate(capacity: paths.count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        // Each iteration writes only its own slot; all are done when concurrentPerform returns.
        nonisolated(unsafe) let results = slots
        let chunk = Swift.max(1, (paths.count + workers * 4 - 1) / (workers * 4))
        DispatchQueue.concurrentPerform(iterations: (paths.count + chunk - 1) / chunk) { part in
            for index in (part * chunk)..<Swift.min(paths.count, (part + 1) * chunk) {
                results[index] = Result { () throws(IncidentLoader.LoadError) -> Item in try item(paths[index]) }
            }
        }
        var block = Block(items: [], stop: nil)
        block.items.reserveCapacity(paths.count)
        for (path, slot) in zip(paths, slots) {
            switch slot {
            case .success(let item): block.items.append(item)
            case .failure(let error):
                block.stop = error
                return block
            // Every slot is filled by now; an empty one would mean the file was never read.
            case nil:
                block.stop = .unreadable(path)
                return block
            }
        }
        return block
    }

    private func item(_ path: String) throws(IncidentLoader.LoadError) -> Item {
        let file = IncidentReader.read(try IncidentLoader.load(path))
        guard let incident = file.incident, file.diagnostics.isEmpty else {
            return Item(file: file, output: nil, failure: nil, audit: [], ownHead: "")
        }
        switch Replay.run(incident, policy: policy, bundleDigest: bundleDigest, sha256: Hashing.sha256Hex) {
        case .failure(let failure):
            return Item(file: file, output: nil, failure: failure, audit: [], ownHead: "")
        case .success(let result):
            let encoder = ReplayEncoder(policy: policy)
            let audit = result.effects.compactMap { timed -> AuditChain.Entry? in
                guard case .audit(let type, let data) = timed.effect else { return nil }
                return AuditChain.Entry(at: timed.at, incident: incident.incident, type: type, data: data)
            }
            var own = AuditChain()
            if ownHeads {
                for entry in audit { own.append(entry) }
            }
            var output: [UInt8]
            if json {
                output = JSONWriter.encode(encoder.json(result, alert: incident.alert, auditHead: Self.headPlaceholder))
                output.append(0x0A)
            } else {
                output = Array(ReplayTranscript.render(result).utf8)
            }
            return Item(file: file, output: output, failure: nil, audit: audit, ownHead: own.head)
        }
    }

    /// A JSON line with its placeholder `audit_head` replaced by `head` (64 hex digits).
    public static func settingHead(_ head: String, in line: [UInt8]) -> [UInt8] {
        // The line ends with `"audit_head":"<64>"}\n`: the head sits 67 bytes before the end.
        guard line.count >= 67, head.utf8.count == 64 else { return line }
        var line = line
        line.replaceSubrange((line.count - 67)..<(line.count - 3), with: head.utf8)
        return line
    }
}
