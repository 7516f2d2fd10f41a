import Dispatch
import ReinEngine

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Replays recorded incident files on every core, a block at a time, and hands the results
/// back in file order — the same bytes as one at a time. Each file is read, checked, replayed
/// and rendered (transcript or docs/FORMATS.md §4 line, and its audit entries canonicalised) in
/// parallel; only the audit chain, whose every link depends on the one before, is built in
/// order, by the caller. Memory stays flat: one block in flight.
public struct ReplayBatch: Sendable {
    /// One file's replay, ready to write.
    public struct Item: Sendable {
        public var file: IncidentFile
        /// The rendered output (a transcript, or a JSON line ending with the placeholder audit
        /// head ``ReplayBatch/headPlaceholder``), or nil when the file could not be replayed.
        public var output: [UInt8]?
        /// Why the incident could not be replayed.
        public var failure: ReplayFailure?
        public var incident: String
        /// The audit entries, in order, their data already canonical.
        public var audit: [(at: Timestamp, type: String, data: [UInt8])]
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

    /// Replays `paths` in order; `body` gets each item in file order. A file that cannot be
    /// loaded stops the run with its error.
    public func run(_ paths: [String], blockSize: Int = 256, _ body: (Item) throws -> Void) throws {
        var start = 0
        while start < paths.count {
            let block = Array(paths[start..<Swift.min(paths.count, start + blockSize)])
            for item in try replay(block) { try body(item) }
            start += blockSize
        }
    }

    private func replay(_ paths: [String]) throws -> [Item] {
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
        return try zip(paths, slots).map { path, slot in
            // Every slot is filled by now; an empty one would mean the file was never read.
            guard let slot else { throw IncidentLoader.LoadError.unreadable(path) }
            return try slot.get()
        }
    }

    private func item(_ path: String) throws(IncidentLoader.LoadError) -> Item {
        let file = IncidentReader.read(try IncidentLoader.load(path))
        guard let incident = file.incident, file.diagnostics.isEmpty else {
            return Item(file: file, output: nil, failure: nil, incident: "", audit: [], ownHead: "")
        }
        switch Replay.run(incident, policy: policy, bundleDigest: bundleDigest, sha256: Hashing.sha256Hex) {
        case .failure(let failure):
            return Item(file: file, output: nil, failure: failure, incident: incident.incident, audit: [], ownHead: "")
        case .success(let result):
            let encoder = ReplayEncoder(policy: policy)
            let audit = result.effects.compactMap { timed -> (at: Timestamp, type: String, data: [UInt8])? in
                guard case .audit(let type, let data) = timed.effect,
                    let canonical = CanonicalJSON.encodeKeepingNumbers(.object(data))
                else { return nil }
                return (timed.at, type, canonical)
            }
            var own = AuditChain()
            if ownHeads {
                for entry in audit { own.append(at: entry.at, incident: incident.incident, type: entry.type, canonicalData: entry.data) }
            }
            var output: [UInt8]
            if json {
                output = JSONWriter.encode(encoder.json(result, alert: incident.alert, auditHead: Self.headPlaceholder))
                output.append(0x0A)
            } else {
                output = Array(ReplayTranscript.render(result).utf8)
            }
            return Item(file: file, output: output, failure: nil, incident: incident.incident, audit: audit, ownHead: own.head)
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
