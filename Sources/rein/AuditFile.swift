import ReinAdapters

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The C calls under names the struct's own `open` and `close` do not shadow.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func posixClose(_ descriptor: Int32) -> Int32 { close(descriptor) }

/// An audit log's bytes (logs may be large: up to 1 GiB is read).
func loadAuditLog(_ path: String) throws -> SourceFile {
    do throws(IncidentLoader.LoadError) {
        return try IncidentLoader.load(path, maxBytes: 1 << 30)
    } catch {
        throw CLIError(error.description)
    }
}

/// An audit log opened for appending: the existing chain is verified first (a broken one stops
/// the command), then new entries only ever go at the end — earlier lines are never rewritten.
struct AuditFile {
    let path: String
    private let descriptor: Int32
    private(set) var chain: AuditChain

    static func open(_ path: String) throws -> AuditFile {
        var chain = AuditChain()
        var needsNewline = false
        if BundleLoader.exists(path) {
            let source = try loadAuditLog(path)
            switch AuditVerifier.verify(String(decoding: source.bytes, as: UTF8.self)) {
            case .success(let verified): chain = verified
            case .failure(let broken):
                throw CLIError("the audit log `\(path)` is broken at \(broken); nothing was appended")
            }
            needsNewline = source.bytes.last.map { $0 != 0x0A } ?? false
        }
        let descriptor = posixOpen(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { throw CLIError("cannot write `\(path)`: \(String(cString: strerror(errno)))") }
        let file = AuditFile(path: path, descriptor: descriptor, chain: chain)
        if needsNewline { try file.write([0x0A]) }
        return file
    }

    /// Writes the entries `next` adds after this file's chain, and moves the chain on.
    mutating func append(_ next: AuditChain) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(next.lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in next.lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
        }
        try write(bytes)
        chain = AuditChain(nextSeq: next.nextSeq, head: next.head)
    }

    private func write(_ bytes: [UInt8]) throws {
        guard OutputWriter.writeAll(bytes, to: descriptor) else {
            throw CLIError("cannot write `\(path)`: \(String(cString: strerror(errno)))")
        }
    }

    func close() {
        _ = posixClose(descriptor)
    }
}
