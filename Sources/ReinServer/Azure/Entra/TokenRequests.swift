import AsyncHTTPClient
import Foundation
import NIOCore
import ReinAdapters

/// The HTTP exchanges of the token sources: a form POST to a token endpoint, a GET of the
/// metadata service, and reading either's answer. Redirects are not followed; every request
/// has a timeout.
struct TokenRequests: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount

    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// `application/x-www-form-urlencoded` of `fields`, in order.
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes all but the unreserved characters.
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    /// POSTs a form to a token endpoint; its JSON answer, or the error it describes.
    func post(_ url: String, form fields: [(String, String)], what: String) async throws(EntraError) -> JSONObject {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.form(fields)))
        return try await send(request, what: what)
    }

    /// GETs a metadata endpoint with `headers`; its JSON answer, or the error it describes.
    func get(_ url: String, headers: [(String, String)], what: String) async throws(EntraError) -> JSONObject {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request, what: what)
    }

    private func send(_ request: HTTPClientRequest, what: String) async throws(EntraError) -> JSONObject {
        let status: UInt
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status.code
            bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch {
            throw EntraError("\(what): no answer: \(error)")
        }
        guard case .success(.object(let answer)) = JSONReader.parse(bytes, maxBytes: 1 << 20) else {
            throw EntraError("\(what): HTTP \(status) without a JSON answer")
        }
        guard (200..<300).contains(status) else {
            // `error` and the first line of `error_description` (Entra's AADSTS code and text).
            let code = answer["error"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "HTTP \(status)"
            let detail = answer["error_description"].flatMap { if case .string(let text) = $0 { text } else { nil } }
            let line = detail.map { String($0.prefix { !$0.isNewline }.prefix(300)) }
            throw EntraError("\(what): \(code)\(line.map { ": \($0)" } ?? "") (HTTP \(status))")
        }
        return answer
    }

    /// The token in an answer, and its expiry: `expires_in` seconds from `now` (token
    /// endpoints), else `expires_on` seconds since the epoch (the metadata service), each a
    /// number or a string of digits.
    static func token(in answer: JSONObject, now: Int64, what: String) throws(EntraError) -> AccessToken {
        guard case .string(let token)? = answer["access_token"], !token.isEmpty else { throw EntraError("\(what): the answer has no `access_token`") }
        func seconds(_ key: String) -> Int64? {
            switch answer[key] {
            case .integer(let value)?: value
            case .string(let text)?: Int64(text)
            default: nil
            }
        }
        if let lifetime = seconds("expires_in"), lifetime > 0, lifetime < 86_400 * 30 {
            return AccessToken(value: token, expiresAt: now + lifetime)
        }
        if let expiry = seconds("expires_on"), expiry > now {
            return AccessToken(value: token, expiresAt: expiry)
        }
        throw EntraError("\(what): the answer says neither `expires_in` nor a future `expires_on`")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
