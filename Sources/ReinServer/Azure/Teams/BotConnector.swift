import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ReinAdapters

/// The Bot Connector REST API, as the bot: post an activity to a conversation, replace one in
/// place, and read a member of a conversation (the user behind a click). Every call carries the
/// bot's token for `https://api.botframework.com`; redirects are not followed.
struct BotConnector: Sendable {
    static let audience = "https://api.botframework.com"

    /// Why a call failed: the HTTP status (0 when nothing answered) and what the service said.
    struct Failure: Error, CustomStringConvertible {
        var status: UInt
        var code: String?
        var message: String
        var description: String { status == 0 ? message : "Bot Connector answered \(status)" + (code.map { " \($0)" } ?? "") + ": \(message)" }
    }

    /// A conversation member as the members API gives it.
    struct Member: Sendable, Hashable {
        var userPrincipalName: String?
        var email: String?
        var objectID: String?
    }

    let client: HTTPClient
    let tokens: EntraTokens
    /// The `entra.identities` entry the bot signs in as.
    let identity: String
    let timeout: TimeAmount

    /// Posts `activity` to the conversation; the id of the activity created.
    func post(_ activity: JSONValue, serviceURL: String, conversation: String) async throws -> String {
        let answer = try await send(.POST, serviceURL, "/v3/conversations/\(Self.segment(conversation))/activities", body: activity)
        guard case .string(let id)? = answer["id"], !id.isEmpty else {
            throw Failure(status: 200, code: nil, message: "the answer carries no activity id")
        }
        return id
    }

    /// Replaces activity `id` of the conversation with `activity`.
    func update(_ activity: JSONValue, id: String, serviceURL: String, conversation: String) async throws {
        _ = try await send(.PUT, serviceURL, "/v3/conversations/\(Self.segment(conversation))/activities/\(Self.segment(id))", body: activity)
    }

    /// Member `user` of conversation (or team) `conversation`.
    func member(_ user: String, serviceURL: String, conversation: String) async throws -> Member {
        let answer = try await send(.GET, serviceURL, "/v3/conversations/\(Self.segment(conversation))/members/\(Self.segment(user))", body: nil)
        func text(_ key: String) -> String? {
            if case .string(let value)? = answer[key], !value.isEmpty { return value }
            return nil
        }
        return Member(userPrincipalName: text("userPrincipalName"), email: text("email"), objectID: text("objectId") ?? text("aadObjectId"))
    }

    private func send(_ method: HTTPMethod, _ serviceURL: String, _ path: String, body: JSONValue?) async throws -> JSONObject {
        let token = try await tokens.token(for: identity, audience: Self.audience)
        let base = serviceURL.hasSuffix("/") ? String(serviceURL.dropLast()) : serviceURL
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "rein-serve")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(body)))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw Failure(status: 0, code: nil, message: "the Bot Connector at \(base) did not answer: \(error)")
        }
        let bytes = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        var object = JSONObject(entries: [])
        if case .success(.object(let parsed)) = JSONReader.parse(bytes, maxBytes: 1 << 20) { object = parsed }
        guard (200..<300).contains(response.status.code) else {
            var code: String?
            var message = "HTTP \(response.status.code)"
            if case .object(let error)? = object["error"] {
                if case .string(let text)? = error["code"] { code = text }
                if case .string(let text)? = error["message"] { message = String(text.prefix(300)) }
            }
            throw Failure(status: response.status.code, code: code, message: message)
        }
        return object
    }

    /// `text` as one path segment (Teams ids hold `:`, `@` and `;`).
    static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E, 0x3A, 0x40: out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return out
    }
}
