import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback Azure Storage blob service (one account, one container whose time-based
/// immutability policy holds every blob), as strict as Azure about what Rein sends, and stricter
/// where Rein has promised more. What it refuses gets Azure's status, `x-ms-error-code` and XML
/// error body, and is recorded as a violation (tests expect none):
/// - every request: a known `x-ms-version`, an RFC 1123 `x-ms-date` within 15 minutes of the
///   fake's clock, and a bearer token the fake Entra issued for `https://storage.azure.com/`
///   (another audience is refused as Azure refuses it); the container of the fake; a path whose
///   blob name is percent-encoded (only unreserved characters, `/` and `%XX` appear), and no
///   query parameter but the operation's own;
/// - `GET|HEAD ?restype=container`: the container's properties (with its immutability policy);
/// - `HEAD`: a blob's properties; `GET` with `x-ms-range` (or `Range`) `bytes=a-b`: 206;
/// - `PUT` (create): `x-ms-blob-type: AppendBlob`, `If-None-Match: *` and no body; an existing
///   blob is 409 `BlobAlreadyExists` (overwriting one would be refused: immutable);
/// - `PUT ?comp=appendblock`: an existing blob, `x-ms-blob-condition-appendpos` always (a wrong
///   one: 412 `AppendPositionConditionNotMet`), a body of 1 byte to 4 MiB (more: 413
///   `RequestBodyTooLarge`) matching `Content-Length` and, when sent, `Content-MD5`; no more than
///   `blockLimit` blocks per blob (409 `BlockCountExceedsLimit`);
/// - `DELETE` or any other verb: refused (409 `BlobImmutableDueToPolicy` for a delete).
///
/// Modes: no protected append writes (every append: 409 `BlobImmutableDueToPolicy`), the next
/// append committed but its answer lost (a 500, or an answer later than the client waits),
/// 503 `ServerBusy` with `Retry-After`, and someone else's append.
final class FakeBlob: Sendable {
    static let audience = "https://storage.azure.com/"
    static let versions: Set<String> = [
        "2021-12-02", "2022-11-02", "2023-01-03", "2023-05-03", "2023-08-03", "2023-11-03", "2024-02-04", "2024-05-04", "2024-08-04",
        "2024-11-04", "2025-01-05",
    ]
    static let maxBlock = 4 * 1024 * 1024

    /// How the next append's answer is lost after the block is committed.
    enum LostAnswer: Sendable {
        case serverError
        case late(Duration)
    }

    struct Call: Sendable, Equatable, CustomStringConvertible {
        var method: String
        var blob: String
        var operation: String
        var status: Int
        var description: String { "\(operation) \(blob) \(status)" }
    }

    private struct Blob {
        var bytes: [UInt8] = []
        var blocks: [Int] = []
    }

    private struct State {
        var blobs: [String: Blob] = [:]
        var calls: [Call] = []
        var violations: [String] = []
        var lose: LostAnswer?
        var busy = 0
        var busyRetryAfter: Int?
        var protectedAppendWrites = true
    }

    let container: String
    let blockLimit: Int
    /// The resource a token was issued for (the fake Entra's `resource(of:)`).
    let audienceOf: @Sendable (String) -> String?
    /// The fake's clock, in seconds since the epoch.
    let now: @Sendable () -> Int64
    private let state = Mutex(State())
    private let group = Mutex<ServiceGroup?>(nil)
    private let portBox = Mutex(0)

    var accountURL: String { "http://127.0.0.1:\(portBox.withLock { $0 })" }
    var calls: [Call] { state.withLock { $0.calls } }
    var violations: [String] { state.withLock { $0.violations } }
    /// The blobs' names, in order.
    var names: [String] { state.withLock { $0.blobs.keys.sorted() } }
    func contents(_ name: String) -> String { state.withLock { String(decoding: $0.blobs[name]?.bytes ?? [], as: UTF8.self) } }
    /// The size of each block of a blob, in order.
    func blocks(_ name: String) -> [Int] { state.withLock { $0.blobs[name]?.blocks ?? [] } }

    /// Every append is refused, as under an immutability policy without `allowProtectedAppendWrites`.
    func denyProtectedAppendWrites() { state.withLock { $0.protectedAppendWrites = false } }
    /// The next append is committed and its answer lost.
    func loseNextAppendAnswer(_ how: LostAnswer) { state.withLock { $0.lose = how } }
    /// The next `count` requests are answered 503 `ServerBusy` (with `Retry-After` when given).
    func busy(_ count: Int, retryAfter: Int?) { state.withLock { ($0.busy, $0.busyRetryAfter) = (count, retryAfter) } }
    /// Someone else appends `text` to blob `name` (creating it).
    func foreignAppend(_ name: String, _ text: String) {
        state.withLock { state in
            state.blobs[name, default: Blob()].bytes += Array(text.utf8)
            state.blobs[name, default: Blob()].blocks.append(text.utf8.count)
        }
    }

    init(container: String, blockLimit: Int = 50_000, audienceOf: @escaping @Sendable (String) -> String?, now: @escaping @Sendable () -> Int64) {
        self.container = container
        self.blockLimit = blockLimit
        self.audienceOf = audienceOf
        self.now = now
    }

    func start() async throws {
        let router = Router()
        for method in [HTTPRequest.Method.head, .get, .put, .delete, .post, .patch] {
            router.on("**", method: method) { request, _ in
                let body = try await request.body.collect(upTo: 2 * Self.maxBlock)
                return await self.handle(request, body: Array(buffer: body))
            }
        }
        let (port, group, _) = try await LoopbackApp.start(router, name: "fake-blob")
        portBox.withLock { $0 = port }
        self.group.withLock { $0 = group }
    }

    func stop() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    // MARK: - Requests

    private struct Refusal: Error {
        var status: Int
        var code: String
        var message: String
        /// Whether Rein should never have sent it.
        var violation = true
        var headers = HTTPFields()
    }

    private func handle(_ request: Request, body: [UInt8]) async -> Response {
        let method = request.method.rawValue
        let head = request.method == .head
        let path = request.uri.path
        var blob = ""
        var operation = method
        do {
            try checkHeaders(request)
            let (container, name) = try Self.split(path)
            blob = name ?? ""
            let query = try Self.query(request.uri.query)
            operation = Self.operation(method, query)
            if let retryAfter = takeBusy() {
                var refusal = Refusal(status: 503, code: "ServerBusy", message: "The server is busy.", violation: false)
                if retryAfter > 0 { refusal.headers[.retryAfter] = String(retryAfter) }
                throw refusal
            }
            guard container == self.container else {
                throw Refusal(status: 404, code: "ContainerNotFound", message: "The specified container does not exist.")
            }
            let response: Response
            switch (operation, name) {
            case ("container", nil): response = containerProperties()
            case ("properties", let name?): response = try properties(name)
            case ("read", let name?): response = try read(name, request)
            case ("create", let name?): response = try create(name, request, body: body)
            case ("appendblock", let name?): response = try await append(name, request, body: body)
            case ("DELETE", _):
                throw Refusal(status: 409, code: "BlobImmutableDueToPolicy", message: "This operation is not permitted as the blob is immutable due to a policy.")
            default:
                throw Refusal(status: 400, code: "UnsupportedHttpVerb", message: "The resource doesn't support \(method) \(request.uri.query ?? "") here.")
            }
            record(Call(method: method, blob: blob, operation: operation, status: Int(response.status.code)))
            return response
        } catch let refusal as Refusal {
            return refuse(refusal, method: method, blob: blob, operation: operation, head: head)
        } catch {
            return refuse(Refusal(status: 500, code: "InternalError", message: "\(error)"), method: method, blob: blob, operation: operation, head: head)
        }
    }

    /// `x-ms-version`, `x-ms-date` and the bearer token.
    private func checkHeaders(_ request: Request) throws {
        guard let version = request.headers[.msVersion] else {
            throw Refusal(status: 400, code: "MissingRequiredHeader", message: "An HTTP header that's mandatory for this request is not specified: x-ms-version")
        }
        guard Self.versions.contains(version) else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "The value for one of the HTTP headers is not in the correct format: x-ms-version \(version)")
        }
        guard let date = request.headers[.msDate] else {
            throw Refusal(status: 403, code: "AuthenticationFailed", message: "Server failed to authenticate the request: the x-ms-date header is missing")
        }
        guard let seconds = Self.parseDate(date) else {
            throw Refusal(status: 403, code: "AuthenticationFailed", message: "Server failed to authenticate the request: x-ms-date `\(date)` is not an RFC 1123 date")
        }
        guard abs(seconds - now()) <= 900 else {
            throw Refusal(status: 403, code: "AuthenticationFailed", message: "Request date header too old or in the future: \(date)")
        }
        guard let authorization = request.headers[.authorization] else {
            throw Refusal(status: 401, code: "NoAuthenticationInformation", message: "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.")
        }
        guard authorization.hasPrefix("Bearer "), let resource = audienceOf(String(authorization.dropFirst(7))) else {
            throw Refusal(status: 401, code: "InvalidAuthenticationInfo", message: "Server failed to authenticate the request: the token is not valid.")
        }
        guard resource == Self.audience else {
            throw Refusal(status: 401, code: "InvalidAuthenticationInfo", message: "Audience validation failed. Audience did not match: \(resource)")
        }
    }

    /// The container and the blob's name (percent-decoded) of a path `/{container}[/{blob}]`.
    private static func split(_ path: String) throws -> (String, String?) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%".utf8)
        guard path.hasPrefix("/"), path.utf8.allSatisfy(allowed.contains) else {
            throw Refusal(status: 400, code: "InvalidUri", message: "The requested URI does not represent any resource on the server: \(path) is not percent-encoded")
        }
        let rest = path.dropFirst()
        guard let slash = rest.firstIndex(of: "/") else { return (String(rest), nil) }
        guard let name = String(rest[rest.index(after: slash)...]).removingPercentEncoding, !name.isEmpty else {
            throw Refusal(status: 400, code: "InvalidUri", message: "The blob name of \(path) is not valid")
        }
        return (String(rest[..<slash]), name)
    }

    /// The query's parameters; each once.
    private static func query(_ text: String?) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parameters[parts[0]] == nil else {
                throw Refusal(status: 400, code: "InvalidQueryParameterValue", message: "`\(parts[0])` is given twice")
            }
            parameters[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return parameters
    }

    private static func operation(_ method: String, _ query: [String: String]) -> String {
        switch (method, query) {
        case ("GET", ["restype": "container"]), ("HEAD", ["restype": "container"]): "container"
        case ("HEAD", [:]): "properties"
        case ("GET", [:]): "read"
        case ("PUT", [:]): "create"
        case ("PUT", ["comp": "appendblock"]): "appendblock"
        default: method
        }
    }

    /// When the fake is busy: the `Retry-After` to send (0: none).
    private func takeBusy() -> Int? {
        state.withLock { state in
            guard state.busy > 0 else { return nil }
            state.busy -= 1
            return state.busyRetryAfter ?? 0
        }
    }

    // MARK: - Operations

    private func containerProperties() -> Response {
        Response(status: .ok, headers: [.msHasImmutabilityPolicy: "true", .msHasLegalHold: "false", .eTag: "\"0x8DC0000000000\""])
    }

    private func properties(_ name: String) throws -> Response {
        guard let blob = state.withLock({ $0.blobs[name] }) else {
            throw Refusal(status: 404, code: "BlobNotFound", message: "The specified blob does not exist.", violation: false)
        }
        return Response(
            status: .ok,
            headers: [
                .contentLength: String(blob.bytes.count), .msBlobType: "AppendBlob", .msCommittedBlockCount: String(blob.blocks.count),
                .eTag: "\"0x8DC\(blob.blocks.count)\"",
            ])
    }

    private func read(_ name: String, _ request: Request) throws -> Response {
        guard let blob = state.withLock({ $0.blobs[name] }) else {
            throw Refusal(status: 404, code: "BlobNotFound", message: "The specified blob does not exist.")
        }
        guard let range = request.headers[.msRange] ?? request.headers[.range] else {
            return Response(status: .ok, headers: [.msBlobType: "AppendBlob"], body: .init(byteBuffer: ByteBuffer(bytes: blob.bytes)))
        }
        let bounds = range.hasPrefix("bytes=") ? range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false).map { Int($0) } : []
        guard bounds.count == 2, let from = bounds[0], let through = bounds[1], from <= through else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "The range `\(range)` is not valid.")
        }
        guard from < blob.bytes.count else {
            throw Refusal(status: 416, code: "InvalidRange", message: "The range specified is invalid for the current size of the resource.")
        }
        let end = min(through, blob.bytes.count - 1)
        return Response(
            status: .partialContent,
            headers: [.contentRange: "bytes \(from)-\(end)/\(blob.bytes.count)", .msBlobType: "AppendBlob"],
            body: .init(byteBuffer: ByteBuffer(bytes: blob.bytes[from...end])))
    }

    private func create(_ name: String, _ request: Request, body: [UInt8]) throws -> Response {
        guard let type = request.headers[.msBlobType] else {
            throw Refusal(status: 400, code: "MissingRequiredHeader", message: "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type")
        }
        guard type == "AppendBlob" else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "Rein's audit blobs are append blobs, not \(type)")
        }
        guard request.headers[.contentLength] == "0", body.isEmpty else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "Content-Length must be 0 to create an append blob")
        }
        let overwrite = request.headers[.ifNoneMatch] != "*"
        return try state.withLock { state in
            if state.blobs[name] != nil {
                if overwrite {
                    throw Refusal(status: 409, code: "BlobImmutableDueToPolicy", message: "This operation is not permitted as the blob is immutable due to a policy.")
                }
                throw Refusal(status: 409, code: "BlobAlreadyExists", message: "The specified blob already exists.", violation: false)
            }
            guard !overwrite else {
                throw Refusal(status: 400, code: "MissingRequiredHeader", message: "Rein creates a blob only with If-None-Match: *")
            }
            state.blobs[name] = Blob()
            return Response(status: .created, headers: [.eTag: "\"0x8DC0\"", .msRequestServerEncrypted: "true"])
        }
    }

    private func append(_ name: String, _ request: Request, body: [UInt8]) async throws -> Response {
        guard let position = request.headers[.msAppendPosition] else {
            throw Refusal(status: 400, code: "MissingRequiredHeader", message: "Rein must always send x-ms-blob-condition-appendpos")
        }
        guard let expected = Int(position), expected >= 0 else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "x-ms-blob-condition-appendpos `\(position)` is not a length")
        }
        guard request.headers[.contentLength] == String(body.count) else {
            throw Refusal(status: 400, code: "InvalidHeaderValue", message: "Content-Length does not match the body")
        }
        guard body.count <= Self.maxBlock else {
            throw Refusal(status: 413, code: "RequestBodyTooLarge", message: "The request body is too large and exceeds the maximum permissible limit.")
        }
        guard !body.isEmpty else { throw Refusal(status: 400, code: "InvalidHeaderValue", message: "An append block must not be empty") }
        if let md5 = request.headers[.contentMD5], md5 != Data(Insecure.MD5.hash(data: body)).base64EncodedString() {
            throw Refusal(status: 400, code: "Md5Mismatch", message: "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
        }
        let (committed, lost) = try state.withLock { state -> (Response, LostAnswer?) in
            guard var blob = state.blobs[name] else {
                throw Refusal(status: 404, code: "BlobNotFound", message: "The specified blob does not exist.")
            }
            guard state.protectedAppendWrites else {
                throw Refusal(status: 409, code: "BlobImmutableDueToPolicy", message: "This operation is not permitted as the blob is immutable due to a policy.", violation: false)
            }
            guard expected == blob.bytes.count else {
                throw Refusal(status: 412, code: "AppendPositionConditionNotMet", message: "The append position condition specified was not met.", violation: false)
            }
            guard blob.blocks.count < blockLimit else {
                throw Refusal(status: 409, code: "BlockCountExceedsLimit", message: "The committed block count cannot exceed the maximum limit of \(blockLimit) blocks.")
            }
            blob.bytes += body
            blob.blocks.append(body.count)
            state.blobs[name] = blob
            defer { state.lose = nil }
            return (
                Response(
                    status: .created,
                    headers: [
                        .msAppendOffset: String(expected), .msCommittedBlockCount: String(blob.blocks.count), .eTag: "\"0x8DC\(blob.blocks.count)\"",
                    ]), state.lose
            )
        }
        switch lost {
        case nil: return committed
        case .serverError?:
            throw Refusal(status: 500, code: "InternalError", message: "The server encountered an internal error. Please retry the request.", violation: false)
        case .late(let delay)?:
            try? await Task.sleep(for: delay)
            return committed
        }
    }

    // MARK: - Answers

    private func record(_ call: Call) {
        state.withLock { $0.calls.append(call) }
    }

    private func refuse(_ refusal: Refusal, method: String, blob: String, operation: String, head: Bool) -> Response {
        state.withLock { state in
            state.calls.append(Call(method: method, blob: blob, operation: operation, status: refusal.status))
            if refusal.violation { state.violations.append("\(method) \(blob) \(operation): \(refusal.status) \(refusal.code): \(refusal.message)") }
        }
        var headers = refusal.headers
        headers[.msErrorCode] = refusal.code
        headers[.msRequestID] = UUID().uuidString.lowercased()
        if refusal.status == 401 {
            headers[.wwwAuthenticate] = "Bearer authorization_uri=https://login.microsoftonline.com/tenant/oauth2/authorize resource_id=https://storage.azure.com"
        }
        if head { return Response(status: HTTPResponse.Status(code: refusal.status), headers: headers) }
        let escaped = refusal.message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(refusal.code)</Code><Message>\(escaped)\nRequestId:\(headers[.msRequestID] ?? "")\nTime:2026-01-01T00:00:00.0000000Z</Message></Error>"
        headers[.contentType] = "application/xml"
        return Response(status: HTTPResponse.Status(code: refusal.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    /// Seconds since the epoch of an RFC 1123 date (`Thu, 28 May 2026 07:46:40 GMT`), which must
    /// be written exactly so.
    static func parseDate(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return Int64(date.timeIntervalSince1970)
    }
}

extension HTTPField.Name {
    fileprivate static let msVersion = HTTPField.Name("x-ms-version")!
    fileprivate static let msDate = HTTPField.Name("x-ms-date")!
    fileprivate static let msBlobType = HTTPField.Name("x-ms-blob-type")!
    fileprivate static let msRange = HTTPField.Name("x-ms-range")!
    fileprivate static let msAppendPosition = HTTPField.Name("x-ms-blob-condition-appendpos")!
    fileprivate static let msAppendOffset = HTTPField.Name("x-ms-blob-append-offset")!
    fileprivate static let msCommittedBlockCount = HTTPField.Name("x-ms-blob-committed-block-count")!
    fileprivate static let msErrorCode = HTTPField.Name("x-ms-error-code")!
    fileprivate static let msRequestID = HTTPField.Name("x-ms-request-id")!
    fileprivate static let msRequestServerEncrypted = HTTPField.Name("x-ms-request-server-encrypted")!
    fileprivate static let msHasImmutabilityPolicy = HTTPField.Name("x-ms-has-immutability-policy")!
    fileprivate static let msHasLegalHold = HTTPField.Name("x-ms-has-legal-hold")!
    fileprivate static let contentMD5 = HTTPField.Name("Content-MD5")!
}
