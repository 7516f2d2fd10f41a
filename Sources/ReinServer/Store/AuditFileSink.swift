import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit log as a file (`--audit FILE`): the store's one chain, appended in `seq` order, each
/// batch of whole lines in one write and synced, so that `rein audit verify` accepts the file at
/// any moment. At start-up the file is checked and caught up with the store: a line torn by a
/// crash is cut off and written again from the store, lines the store has and the file lacks are
/// appended; a file that is not a prefix of the store's chain stops the server. When replicas
/// share the store, the lines other replicas committed are read from it whenever this replica's
/// own lines show a gap: each replica's file is the whole chain, up to its own last commit.
public actor AuditFileSink {
    private let path: String
    private let descriptor: Int32
    /// The next `seq` the file expects.
    private var nextSeq: Int64
    /// Lines that arrived before an earlier one (commits of different incidents race here).
    private var early: [Int64: String] = [:]
    /// The store, when replicas share it: the lines of the gaps come from it.
    private var shared: (any SharedStore)?

    /// Opens (creating) the file and catches it up with `store`.
    public static func open(_ path: String, store: any SessionStore) async throws -> AuditFileSink {
        var existing = try read(path)
        // A crash can tear the last line: everything after the last newline is written again.
        if let lastNewline = existing.lastIndex(of: 0x0A) {
            existing.removeSubrange((lastNewline + 1)...)
        } else {
            existing.removeAll()
        }
        let text = String(decoding: existing, as: UTF8.self)
        let chain: AuditChain
        switch AuditVerifier.verify(text) {
        case .success(let verified): chain = verified
        case .failure(let broken): throw AuditFileError("the audit file `\(path)` is broken at \(broken)")
        }
        // The file must be a prefix of the store's chain.
        if chain.nextSeq > 0 {
            let stored = try await store.auditLines(after: chain.nextSeq - 2, limit: 1)
            guard let last = stored.first, last.seq == chain.nextSeq - 1, last.text.hasSuffix(#""hash":"\#(chain.head)"}"#) else {
                throw AuditFileError("the audit file `\(path)` is not this server's chain: its entry \(chain.nextSeq - 1) is not the store's")
            }
        }
        let descriptor = posixOpen(path, O_WRONLY | O_CREAT, 0o640)
        guard descriptor >= 0 else { throw AuditFileError("cannot write `\(path)`: \(String(cString: strerror(errno)))") }
        guard ftruncate(descriptor, off_t(existing.count)) == 0, lseek(descriptor, 0, SEEK_END) >= 0 else {
            _ = posixClose(descriptor)
            throw AuditFileError("cannot write `\(path)`: \(String(cString: strerror(errno)))")
        }
        let sink = AuditFileSink(path: path, descriptor: descriptor, nextSeq: chain.nextSeq, shared: store as? any SharedStore)
        while true {
            let missing = try await store.auditLines(after: await sink.expected - 1, limit: 10_000)
            if missing.isEmpty { break }
            try await sink.append(missing)
        }
        return sink
    }

    private init(path: String, descriptor: Int32, nextSeq: Int64, shared: (any SharedStore)?) {
        self.path = path
        self.descriptor = descriptor
        self.nextSeq = nextSeq
        self.shared = shared
    }

    private var expected: Int64 { nextSeq }

    /// Appends committed lines; lines whose turn has not come wait for the ones before them.
    /// When the write fails the lines stay, to go with the next append (or at the next start).
    public func append(_ lines: [AuditLine]) async throws {
        try write(lines)
        // Another replica's lines come before these: read from the store.
        while let shared, !early.isEmpty {
            let missing = try await shared.auditLines(after: nextSeq - 1, limit: 10_000)
            guard !missing.isEmpty else { return }
            try write(missing)
        }
    }

    private func write(_ lines: [AuditLine]) throws {
        for line in lines where line.seq >= nextSeq { early[line.seq] = line.text }
        var bytes: [UInt8] = []
        var next = nextSeq
        while let text = early[next] {
            bytes += text.utf8
            bytes.append(0x0A)
            next += 1
        }
        guard !bytes.isEmpty else { return }
        guard OutputWriter.writeAll(bytes, to: descriptor), fsync(descriptor) == 0 else {
            throw AuditFileError("cannot write `\(path)`: \(String(cString: strerror(errno)))")
        }
        for seq in nextSeq..<next { early[seq] = nil }
        nextSeq = next
    }

    /// Closes the file (shutdown).
    public func close() {
        _ = posixClose(descriptor)
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard BundleLoader.exists(path) else { return [] }
        do {
            return try IncidentLoader.load(path, maxBytes: 1 << 30).bytes
        } catch {
            throw AuditFileError(error.description)
        }
    }
}

// The C calls under names the actor's own `open` and `close` do not shadow.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func posixClose(_ descriptor: Int32) -> Int32 { close(descriptor) }

/// Why the audit file cannot be used.
public struct AuditFileError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
