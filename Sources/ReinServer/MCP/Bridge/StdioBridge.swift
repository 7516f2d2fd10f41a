import AsyncHTTPClient
import Foundation
import NIOCore
import ReinAdapters
import Synchronization

/// `rein mcp-stdio`: the gateway of one incident for an agent that only starts local MCP
/// servers (a desktop app). Each line the agent writes on standard input is posted to the
/// gateway's URL with the bearer token; each message of the answer (a JSON body, or each event
/// of an SSE stream) is written back as one line on standard output, as it arrives.
/// - Either protocol era: a message whose `_meta` names its version gets its routing headers
///   from its body; otherwise the session that `initialize` opened is carried on.
/// - Requests are relayed concurrently, so a call held for an approval holds nothing else.
/// - A cancelled request of the stateless era closes its stream (that era's cancellation);
///   in the session era the notification is posted like any other.
/// - What the gateway refuses outside JSON-RPC (a wrong token, an unknown incident, no
///   answer) comes back as a JSON-RPC error for that request, never as silence.
public final class StdioBridge: Sendable {
    let url: String
    let token: String
    private let client: HTTPClient
    private let output: LineIO.Writer
    private let state = Mutex(State())

    struct State {
        var session: String?
        var negotiated: String?
        /// Requests being answered, by their id's JSON text; whether each is of the stateless era.
        var inFlight: [String: (task: Task<Void, Never>, stateless: Bool)] = [:]
        /// Notifications and responses being posted, by a serial number (each removed when done).
        var others: [Int: Task<Void, Never>] = [:]
        var serial = 0
    }

    /// Relays to `url` with `token`, writing answers on `output`.
    public init(url: String, token: String, output: Int32 = 1) {
        self.url = url
        self.token = token
        self.output = LineIO.Writer(descriptor: output)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // A held call sends a keep-alive at least every 15 seconds.
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Relays every line of `input` until it ends, then waits for the answers under way, ends
    /// the session (if one was opened) and returns.
    public func run(input: Int32 = 0) async {
        for await line in LineIO.lines(of: input) {
            guard case .text(let bytes) = line, case .success(.object(let message)) = JSONReader.parse(bytes) else {
                answerError(id: .null, code: RPCError.parseError, "a line that is not one JSON object")
                continue
            }
            relay(message)
        }
        for task in state.withLock({ $0.inFlight.values.map(\.task) + Array($0.others.values) }) { await task.value }
        if let session = state.withLock({ $0.session }) {
            var request = makeRequest(headers: [("Mcp-Session-Id", session)])
            request.method = .DELETE
            _ = try? await client.execute(request, timeout: .seconds(5))
        }
        try? await client.shutdown()
    }

    /// Posts one message of the agent's, concurrently with the others.
    private func relay(_ message: JSONObject) {
        let id = message["method"] != nil ? message["id"] : nil
        if message["method"] == .string("notifications/cancelled"), case .object(let params)? = message["params"],
            let cancelled = params["requestId"], let stateless = state.withLock({ $0.inFlight[Self.key(cancelled)]?.stateless }), stateless
        {
            // The stateless era cancels by closing the request's stream.
            state.withLock { $0.inFlight[Self.key(cancelled)]?.task.cancel() }
            return
        }
        let task = Task { await self.post(message, id: id) }
        guard let id else {
            let serial = state.withLock { state in
                state.serial += 1
                state.others[state.serial] = task
                return state.serial
            }
            Task {
                await task.value
                state.withLock { $0.others[serial] = nil }
            }
            return
        }
        state.withLock { $0.inFlight[Self.key(id)] = (task, BridgeHeaders.statelessVersion(of: message) != nil) }
        Task {
            await task.value
            state.withLock { $0.inFlight[Self.key(id)] = nil }
        }
    }

    /// Posts `message` and writes back what answers it.
    private func post(_ message: JSONObject, id: JSONValue?) async {
        let initialize = message["method"] == .string("initialize")
        let (session, negotiated) = state.withLock { ($0.session, $0.negotiated) }
        var request = makeRequest(headers: BridgeHeaders.headers(for: message, session: session, negotiated: negotiated))
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(.object(message))))
        var answered = false
        do {
            let response = try await client.execute(request, deadline: .distantFuture)
            if initialize, let opened = response.headers.first(name: "Mcp-Session-Id") { state.withLock { $0.session = opened } }
            let status = response.status.code
            if (response.headers.first(name: "Content-Type") ?? "").hasPrefix("text/event-stream") {
                var reader = SSEReader()
                for try await chunk in response.body {
                    for event in try reader.feed(chunk.readableBytesView) { answered = deliver(event: event, id: id, initialize: initialize) || answered }
                }
                if let event = reader.finish() { answered = deliver(event: event, id: id, initialize: initialize) || answered }
            } else {
                let body = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
                if case .success(.object(let reply)) = JSONReader.parse(body), reply["jsonrpc"] == .string("2.0") {
                    answered = deliver(reply, id: id, initialize: initialize)
                } else if id != nil, !(200..<300).contains(status) {
                    answerError(id: id, code: RPCError.internalError, "the gateway answered HTTP \(status)\(Self.reason(body).map { ": \($0)" } ?? "")")
                    answered = true
                }
            }
        } catch {
            if id != nil, !Task.isCancelled {
                answerError(id: id, code: RPCError.internalError, "no answer from the gateway at \(url): \(error)")
                answered = true
            }
        }
        if let id, !answered, !Task.isCancelled {
            answerError(id: id, code: RPCError.internalError, "the gateway ended its answer without a response")
        }
    }

    /// Writes one event's message; whether it was the response to `id`.
    private func deliver(event: String, id: JSONValue?, initialize: Bool) -> Bool {
        guard case .success(.object(let message)) = JSONReader.parse(Array(event.utf8)) else { return false }
        return deliver(message, id: id, initialize: initialize)
    }

    /// Writes one message; whether it was the response to `id`.
    private func deliver(_ message: JSONObject, id: JSONValue?, initialize: Bool) -> Bool {
        let isResponse = id != nil && message["id"] == id && message["method"] == nil
        if isResponse, initialize, case .object(let result)? = message["result"], case .string(let version)? = result["protocolVersion"] {
            state.withLock { $0.negotiated = version }
        }
        output.send(line: JSONWriter.encode(.object(message)))
        return isResponse
    }

    private func answerError(id: JSONValue?, code: Int64, _ text: String) {
        let error = JSONObject(entries: [("code", .integer(code)), ("message", .string(text))])
        output.send(line: JSONWriter.encode(.object(JSONObject(entries: [("jsonrpc", .string("2.0")), ("id", id ?? .null), ("error", .object(error))]))))
    }

    private func makeRequest(headers: [(String, String)]) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return request
    }

    /// The message of a REST error body (`{"error": {"message": …}}`), cut short.
    static func reason(_ body: [UInt8]) -> String? {
        guard case .success(.object(let object)) = JSONReader.parse(body), case .object(let error)? = object["error"],
            case .string(let message)? = error["message"]
        else { return nil }
        return String(message.prefix(300))
    }

    static func key(_ id: JSONValue) -> String {
        String(decoding: JSONWriter.encode(id), as: UTF8.self)
    }
}
