import Foundation
import NIOHTTP1

/// What Azure Storage answered one request: the status, Azure's error code and message (from
/// `x-ms-error-code`, else the XML error body), the headers Rein reads, and the body.
struct BlobAnswer: Sendable {
    var status: UInt
    /// `BlobNotFound`, `AppendPositionConditionNotMet`, `BlobImmutableDueToPolicy`, …
    var code: String?
    /// The first line of the error's `<Message>`, at most 300 characters.
    var message: String?
    /// `x-ms-request-id`, for Azure support.
    var requestID: String?
    /// `Content-Length`: of a `HEAD`, the blob's length in bytes.
    var length: Int64?
    /// `x-ms-blob-type`: `AppendBlob`, `BlockBlob` or `PageBlob`.
    var blobType: String?
    /// `x-ms-blob-committed-block-count` of an append blob.
    var committedBlocks: Int?
    /// `Retry-After` in seconds, clamped to 1…120.
    var retryAfter: Int64?
    /// Whether the container carries an immutability policy, a legal hold or version-level
    /// immutability (`x-ms-has-immutability-policy`, `x-ms-has-legal-hold`,
    /// `x-ms-immutable-storage-with-versioning-enabled`).
    var immutable: Bool
    var body: [UInt8]

    init(status: UInt, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.body = body
        requestID = headers.first(name: "x-ms-request-id")
        length = headers.first(name: "Content-Length").flatMap { Int64($0) }
        blobType = headers.first(name: "x-ms-blob-type")
        committedBlocks = headers.first(name: "x-ms-blob-committed-block-count").flatMap { Int($0) }
        retryAfter = headers.first(name: "Retry-After").flatMap { Int64($0) }.map { min(max($0, 1), 120) }
        immutable = ["x-ms-has-immutability-policy", "x-ms-has-legal-hold", "x-ms-immutable-storage-with-versioning-enabled"].contains {
            headers.first(name: $0)?.lowercased() == "true"
        }
        let text = String(decoding: body.prefix(1 << 16), as: UTF8.self)
        code = headers.first(name: "x-ms-error-code") ?? Self.element("Code", in: text)
        message = Self.element("Message", in: text).map { String($0.prefix { !$0.isNewline }.prefix(300)) }
    }

    /// A 2xx.
    var succeeded: Bool { (200..<300).contains(status) }

    /// Whether the same request may succeed a little later: 408, 429, 500, 502, 503, 504.
    var isTransient: Bool { [408, 429, 500, 502, 503, 504].contains(status) }

    /// `409 BlobImmutableDueToPolicy: This operation is not permitted … (request …)`.
    var summary: String {
        var text = "\(status)"
        if let code { text += " " + code }
        if let message, !message.isEmpty { text += ": " + message }
        if let requestID { text += " (request \(requestID))" }
        return text
    }

    /// The text of the first `<name>…</name>` of an XML error body (entities decoded).
    private static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return nil
        }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
