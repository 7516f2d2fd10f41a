import HTTPTypes
import Hummingbird
import NIOCore
import ReinAdapters

/// An error answer: the status and `{"error":{"code","message"}}`, the code stable for clients.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid bearer token is required")
    static let tooLarge = APIError(.contentTooLarge, "payload_too_large", "the body is over the 1 MiB limit")
    static let shuttingDown = APIError(.serviceUnavailable, "unavailable", "the server is shutting down; try again shortly")

    init(_ error: HostError) {
        switch error {
        case .badRequest(let message): self.init(.badRequest, "bad_request", message)
        case .forbidden(let message): self.init(.forbidden, "forbidden", message)
        case .notFound(let message): self.init(.notFound, "not_found", message)
        case .conflict(let message): self.init(.conflict, "conflict", message)
        case .unprocessable(let message): self.init(.unprocessableContent, "unprocessable", message)
        case .storage(let message): self.init(.internalServerError, "storage", message)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONValue.object(
            JSONObject(entries: [("error", .object(JSONObject(entries: [("code", .string(code)), ("message", .string(message))])))]))
        var response = APIResponse.json(body, status: status)
        if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
        return response
    }
}

/// JSON answers.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes = JSONWriter.encode(value)
        bytes.append(0x0A)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
