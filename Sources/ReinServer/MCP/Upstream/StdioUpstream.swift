import Foundation
import ReinAdapters
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An upstream MCP server Rein starts as a process and speaks to over stdio: one JSON-RPC
/// message a line each way. Started at the first use; if it dies, the calls waiting on it fail
/// and the next use starts it again, no sooner than a back-off that doubles from one second to
/// thirty. Every request has a timeout: a stuck upstream fails the call, never hangs it. The
/// process gets `PATH` and the configured environment, nothing else of Rein's (no secrets).
public final class StdioUpstream: MCPUpstream {
    let command: [String]
    let environment: [String: String]
    let timeout: Duration
    private let connection = Mutex<Process?>(nil)
    private let pending = Mutex<[Int64: CheckedContinuation<JSONObject, any Error>]>([:])
    private let nextID = Atomic<Int64>(1)
    private let restart = Mutex<(notBefore: ContinuousClock.Instant?, wait: Duration)>((nil, .seconds(1)))
    /// Our end of the socket pair that is the process's stdin (a socket, so that a write to a
    /// process that died fails instead of raising SIGPIPE).
    private let writer = Mutex<Int32?>(nil)
    private let era = Mutex<Bool?>(nil)
    /// The last line the process wrote on its stderr (why it exited, most often).
    private let lastComplaint = Mutex<String?>(nil)

    public init(command: [String], environment: [String: String], timeout: Duration = .seconds(30)) {
        self.command = command
        self.environment = environment
        self.timeout = timeout
    }

    public func shutdown() async {
        let process = connection.withLock { process in
            defer { process = nil }
            return process
        }
        if let process, process.isRunning { process.terminate() }
        if let socket = writer.withLock({ writer in
            defer { writer = nil }
            return writer
        }) {
            close(socket)
        }
        failAll(UpstreamError(message: "the upstream was stopped"))
    }

    /// Sends a request, starting the process (and its handshake) first when it is not running.
    public func request(_ method: String, params: JSONObject) async throws -> JSONObject {
        let modern = try await ensureRunning()
        return try await send(method, params: params, modern: modern)
    }

    /// Starts the process if needed; whether it speaks 2026-07-28.
    private func ensureRunning() async throws -> Bool {
        if connection.withLock({ $0?.isRunning ?? false }), let known = era.withLock({ $0 }) { return known }
        let now = ContinuousClock.now
        let allowed = restart.withLock { state -> Bool in
            if let notBefore = state.notBefore, now < notBefore { return false }
            state.notBefore = now + state.wait
            state.wait = min(state.wait * 2, .seconds(30))
            return true
        }
        guard allowed else { throw UpstreamError(message: "the upstream `\(command.first ?? "")` died; it is started again shortly") }
        try start()
        // Ask the 2026-07-28 way first; an upstream that does not answer it speaks the session era.
        if let discovered = try? await send("server/discover", params: JSONObject(entries: []), modern: true, timeout: min(timeout, .seconds(5))),
            case .array(let versions)? = discovered["supportedVersions"], versions.contains(.string(MCPGateway.modernVersion))
        {
            era.withLock { $0 = true }
            return true
        }
        let initialize = JSONObject(entries: [
            ("protocolVersion", .string("2025-11-25")), ("capabilities", .object(JSONObject(entries: []))), ("clientInfo", MCPGateway.serverInfo),
        ])
        _ = try await send("initialize", params: initialize, modern: false)
        try write(.object(JSONObject(entries: [("jsonrpc", .string("2.0")), ("method", .string("notifications/initialized"))])))
        era.withLock { $0 = false }
        return false
    }

    private func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        var environment = self.environment
        if environment["PATH"] == nil { environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin" }
        process.environment = environment
        var pair: [Int32] = [0, 0]
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, streamType, 0, &pair) == 0 else {
            throw UpstreamError(message: "no socket for the upstream's stdin: \(String(cString: strerror(errno)))")
        }
        let output = Pipe()
        let childInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
        process.standardInput = childInput
        process.standardOutput = output
        let complaints = Pipe()
        process.standardError = complaints
        lastComplaint.withLock { $0 = nil }
        let heard = DispatchSemaphore(value: 0)
        process.terminationHandler = { [weak self] _ in
            // Its stderr is read to the end first (briefly), so that the error says why.
            _ = heard.wait(timeout: .now() + .milliseconds(200))
            self?.era.withLock { $0 = nil }
            self?.failAll(UpstreamError(message: "the upstream process exited" + (self?.complaint ?? "")))
        }
        do {
            try process.run()
        } catch {
            close(pair[0])
            throw UpstreamError(message: "the upstream `\(command.joined(separator: " "))` could not be started: \(error)")
        }
        try? childInput.close()
        connection.withLock { $0 = process }
        let previous = writer.withLock { writer in
            defer { writer = pair[0] }
            return writer
        }
        if let previous { close(previous) }
        era.withLock { $0 = nil }
        let reading = output.fileHandleForReading
        Thread.detachNewThread { [weak self] in self?.readLines(reading) }
        let stderr = complaints.fileHandleForReading
        Thread.detachNewThread { [weak self] in
            self?.readComplaints(stderr)
            heard.signal()
        }
    }

    /// Keeps the last non-blank line of the process's stderr, cut to 300 characters.
    private func readComplaints(_ handle: FileHandle) {
        var buffer: [UInt8] = []
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            buffer = Array((buffer + chunk).suffix(64 << 10))
            let lines = String(decoding: buffer, as: UTF8.self).split(whereSeparator: \.isNewline)
            if let last = lines.last(where: { !$0.allSatisfy(\.isWhitespace) }) {
                lastComplaint.withLock { $0 = String(last.trimmingCharacters(in: .whitespaces).prefix(300)) }
            }
        }
    }

    /// `: LINE` with the last line of the process's stderr, or nothing.
    private var complaint: String {
        lastComplaint.withLock { $0 }.map { " (its last words on stderr: `\($0)`)" } ?? ""
    }

    /// Reads the upstream's output, one message a line, and answers the waiting requests.
    private func readLines(_ handle: FileHandle) {
        var buffer: [UInt8] = []
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { return }
            buffer += chunk
            // A line over 16 MiB is not a message Rein reads.
            if buffer.count > 16 << 20 { buffer = [] }
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                guard case .success(.object(let message)) = JSONReader.parse(line, maxBytes: Int.max) else { continue }
                if let answer = UpstreamRequests.answer(to: message) {
                    try? write(answer)
                    continue
                }
                guard case .integer(let id)? = message["id"], message["method"] == nil else { continue }
                let waiter = pending.withLock { $0.removeValue(forKey: id) }
                if case .object(let error)? = message["error"] {
                    let text = error["message"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "an error"
                    waiter?.resume(throwing: UpstreamError(message: text))
                } else if case .object(let result)? = message["result"] {
                    waiter?.resume(returning: result)
                } else {
                    waiter?.resume(throwing: UpstreamError(message: "an answer without a result"))
                }
            }
        }
    }

    private func send(_ method: String, params: JSONObject, modern: Bool, timeout: Duration? = nil) async throws -> JSONObject {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var params = params
        if modern {
            params = JSONObject(
                entries: params.entries + [
                    (
                        "_meta",
                        .object(
                            JSONObject(entries: [
                                ("io.modelcontextprotocol/protocolVersion", .string(MCPGateway.modernVersion)),
                                ("io.modelcontextprotocol/clientCapabilities", .object(JSONObject(entries: []))),
                            ]))
                    )
                ])
        }
        let message = JSONValue.object(
            JSONObject(entries: [("jsonrpc", .string("2.0")), ("id", .integer(id)), ("method", .string(method)), ("params", .object(params))]))
        let limit = timeout ?? self.timeout
        let deadline = Task { [weak self] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self?.pending.withLock { $0.removeValue(forKey: id) }?.resume(throwing: UpstreamError(message: "`\(method)` got no answer within \(limit)"))
        }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0[id] = continuation }
            do {
                try write(message)
            } catch {
                // A process that does not read is most often exiting: give its stderr a moment
                // to say why, then fail the call with it.
                guard let waiting = pending.withLock({ $0.removeValue(forKey: id) }) else { return }
                Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(300))
                    waiting.resume(throwing: UpstreamError(message: "\(error)" + (self?.complaint ?? "")))
                }
            }
        }
    }

    private func write(_ message: JSONValue) throws {
        guard let socket = writer.withLock({ $0 }) else { throw UpstreamError(message: "the upstream is not running") }
        let bytes = JSONWriter.encode(message) + [0x0A]
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Self.sendWithoutSignal(socket, $0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw UpstreamError(message: "the upstream does not read its input: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// `send` that fails with EPIPE rather than raising SIGPIPE when the other end is gone.
    private static func sendWithoutSignal(_ socket: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        #if canImport(Glibc)
            Glibc.send(socket, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        #else
            Darwin.send(socket, bytes.baseAddress, bytes.count, 0)
        #endif
    }

    private func failAll(_ error: UpstreamError) {
        let waiting = pending.withLock { waiting in
            defer { waiting = [:] }
            return waiting
        }
        for continuation in waiting.values { continuation.resume(throwing: error) }
    }
}
