import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import ReinAdapters

/// Requests to one container of Azure Storage as one identity: the container's properties, a
/// blob's properties (`HEAD`), creating an append blob, appending a block at a position, and
/// reading a range. Each carries a bearer token of the identity for `https://storage.azure.com/`,
/// the pinned `x-ms-version`, `x-ms-date` and a fresh `x-ms-client-request-id`. Redirects are not
/// followed; each request has a timeout. Answers are returned whatever their status.
struct BlobClient: Sendable {
    static let audience = "https://storage.azure.com/"
    /// The REST API version every request names (append blobs, `x-ms-blob-condition-appendpos`
    /// and OAuth all need far less; pinned so that answers do not change under Rein).
    static let version = "2023-11-03"
    /// The largest block Rein appends (Azure allows at least this much in every version).
    static let maxBlockBytes = 4 * 1024 * 1024

    /// `https://ACCOUNT.blob.core.windows.net` (or a fake's), without a trailing slash.
    let accountURL: String
    let container: String
    let identity: String
    let client: HTTPClient
    let tokens: EntraTokens
    /// Where `x-ms-date` comes from.
    let clock: any HostClock
    let timeout: TimeAmount
    /// The audience of the tokens (tests change it to see the fake refuse).
    var audience: String = BlobClient.audience

    /// A client of its own (redirects not followed).
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// `{accountURL}/{container}[/{blob}][?query]`, each segment of the blob's name percent-encoded.
    func url(_ blob: String?, query: String? = nil) -> String {
        var url = accountURL + "/" + TokenRequests.encode(container)
        if let blob { url += "/" + Self.encodePath(blob) }
        if let query { url += "?" + query }
        return url
    }

    /// A blob name as a URL path: each `/`-separated segment percent-encoded.
    static func encodePath(_ name: String) -> String {
        name.split(separator: "/", omittingEmptySubsequences: false).map { TokenRequests.encode(String($0)) }.joined(separator: "/")
    }

    /// Get Container Properties (`GET ?restype=container`): whether it exists and is immutable.
    func containerProperties() async throws -> BlobAnswer {
        try await send(.GET, url(nil, query: "restype=container"))
    }

    /// Get Blob Properties (`HEAD`): its length, type and committed block count.
    func properties(_ blob: String) async throws -> BlobAnswer {
        try await send(.HEAD, url(blob))
    }

    /// Creates an empty append blob, unless one of that name exists (`If-None-Match: *`: then
    /// 409 `BlobAlreadyExists`, or 412).
    func create(_ blob: String) async throws -> BlobAnswer {
        try await send(
            .PUT, url(blob),
            headers: [("x-ms-blob-type", "AppendBlob"), ("If-None-Match", "*"), ("x-ms-blob-content-type", "application/x-ndjson")],
            body: [])
    }

    /// Append Block of `bytes`, only if the blob's length is `position`
    /// (`x-ms-blob-condition-appendpos`; else 412 `AppendPositionConditionNotMet`), with its MD5
    /// for Azure to check.
    func appendBlock(_ blob: String, _ bytes: [UInt8], at position: Int64) async throws -> BlobAnswer {
        let md5 = Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
        return try await send(
            .PUT, url(blob, query: "comp=appendblock"),
            headers: [
                ("x-ms-blob-condition-appendpos", String(position)), ("Content-Type", "application/octet-stream"), ("Content-MD5", md5),
            ],
            body: bytes)
    }

    /// Get Blob of the bytes `from` through `through` (inclusive; `x-ms-range`).
    func read(_ blob: String, from: Int64, through: Int64) async throws -> BlobAnswer {
        try await send(.GET, url(blob), headers: [("x-ms-range", "bytes=\(from)-\(through)")], maxBody: Self.maxBlockBytes + (1 << 16))
    }

    private func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, maxBody: Int = 1 << 16
    ) async throws -> BlobAnswer {
        let token = try await tokens.token(for: identity, audience: audience)
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        request.headers.add(name: "x-ms-version", value: Self.version)
        request.headers.add(name: "x-ms-date", value: clock.now().httpDate)
        request.headers.add(name: "x-ms-client-request-id", value: UUID().uuidString.lowercased())
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = Array(try await response.body.collect(upTo: maxBody).readableBytesView)
        return BlobAnswer(status: response.status.code, headers: response.headers, body: bytes)
    }
}
