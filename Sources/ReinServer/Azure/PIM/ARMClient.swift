import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ReinAdapters

/// Requests to Azure Resource Manager as one identity: `GET` and `PUT` of a resource path
/// (with its api-version), a bearer token of the identity for `https://management.azure.com/`.
/// Redirects are not followed; each request has a timeout.
struct ARMClient: Sendable {
    static let audience = "https://management.azure.com/"

    /// What ARM answered: the status, the JSON body (an object, or empty), and `Retry-After`.
    struct Answer: Sendable {
        var status: UInt
        var body: JSONObject
        var retryAfter: Int64?

        /// `properties.status` of a schedule request.
        var scheduleStatus: String? {
            guard case .object(let properties)? = body["properties"], case .string(let status)? = properties["status"] else { return nil }
            return status
        }

        /// `error.code: error.message`, or the status.
        var error: String {
            guard case .object(let error)? = body["error"] else { return "HTTP \(status)" }
            let code = error["code"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "HTTP \(status)"
            let message = error["message"].flatMap { if case .string(let text) = $0 { String(text.prefix(300)) } else { nil } }
            return message.map { "\(code): \($0)" } ?? code
        }

        var errorCode: String? {
            guard case .object(let error)? = body["error"], case .string(let code)? = error["code"] else { return nil }
            return code
        }
    }

    let endpoint: String
    let client: HTTPClient
    let tokens: EntraTokens
    let timeout: TimeAmount

    func get(_ path: String, as identity: String) async throws -> Answer {
        try await send(.GET, path, body: nil, as: identity)
    }

    func put(_ path: String, body: JSONValue, as identity: String) async throws -> Answer {
        try await send(.PUT, path, body: body, as: identity)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: JSONValue?, as identity: String) async throws -> Answer {
        let token = try await tokens.token(for: identity, audience: Self.audience)
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(body)))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        var object = JSONObject(entries: [])
        if case .success(.object(let parsed)) = JSONReader.parse(bytes, maxBytes: 1 << 20) { object = parsed }
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int64($0) }.map { min(max($0, 1), 120) }
        return Answer(status: response.status.code, body: object, retryAfter: retryAfter)
    }
}
