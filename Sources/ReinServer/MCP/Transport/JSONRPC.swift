import ReinAdapters

/// One JSON-RPC 2.0 message as an MCP client posts it: a request (with an id), a notification
/// (without), or a response to something the server asked (which Rein never does, so it is
/// only acknowledged). Read strictly: one object, `"jsonrpc": "2.0"`, an id that is a string or
/// an integer, a string `method`, `params` an object when present.
struct RPCMessage: Sendable {
    enum Kind: Sendable {
        case request(id: JSONValue, method: String)
        case notification(method: String)
        case response
    }

    var kind: Kind
    var params: JSONObject

    var method: String? {
        switch kind {
        case .request(_, let method), .notification(let method): method
        case .response: nil
        }
    }

    var id: JSONValue? {
        if case .request(let id, _) = kind { return id }
        return nil
    }

    /// `params._meta`, or an empty object.
    var meta: JSONObject {
        if case .object(let meta)? = params["_meta"] { return meta }
        return JSONObject(entries: [])
    }

    /// The message in `bytes`, or the error to answer (with no id: the message could not be read).
    static func parse(_ bytes: [UInt8]) -> Result<RPCMessage, RPCError> {
        guard case .success(let value) = JSONReader.parse(bytes) else { return .failure(.parse) }
        guard case .object(let object) = value else {
            return .failure(RPCError(code: RPCError.invalidRequest, message: "a message is one JSON object (batches are not used)"))
        }
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(RPCError(code: RPCError.invalidRequest, message: "`jsonrpc` must be \"2.0\""))
        }
        var params = JSONObject(entries: [])
        switch object["params"] {
        case nil: break
        case .object(let given)?: params = given
        default: return .failure(RPCError(code: RPCError.invalidRequest, message: "`params` must be an object"))
        }
        let id = object["id"]
        switch id {
        case nil, .string?, .integer?: break
        default: return .failure(RPCError(code: RPCError.invalidRequest, message: "`id` must be a string or an integer"))
        }
        guard let methodValue = object["method"] else {
            guard id != nil, object["result"] != nil || object["error"] != nil else {
                return .failure(RPCError(code: RPCError.invalidRequest, message: "a message needs a `method`"))
            }
            return .success(RPCMessage(kind: .response, params: params))
        }
        guard case .string(let method) = methodValue, !method.isEmpty else {
            return .failure(RPCError(code: RPCError.invalidRequest, message: "`method` must be a non-empty string", id: id))
        }
        return .success(RPCMessage(kind: id.map { .request(id: $0, method: method) } ?? .notification(method: method), params: params))
    }
}

/// A JSON-RPC error to answer with.
struct RPCError: Error, Sendable {
    var code: Int64
    var message: String
    var data: JSONValue?
    /// The request's id, when it could be read.
    var id: JSONValue?

    static let parseError: Int64 = -32700
    static let invalidRequest: Int64 = -32600
    static let methodNotFound: Int64 = -32601
    static let invalidParams: Int64 = -32602
    static let internalError: Int64 = -32603
    /// 2026-07-28: a routing header is missing or does not match the body.
    static let headerMismatch: Int64 = -32020
    /// 2026-07-28: the requested protocol version is not served.
    static let unsupportedVersion: Int64 = -32022

    static let parse = RPCError(code: parseError, message: "the body is not JSON")

    init(code: Int64, message: String, data: JSONValue? = nil, id: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
        self.id = id
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{"code","message","data"?}}`.
    var json: JSONValue {
        var error: [(key: String, value: JSONValue)] = [("code", .integer(code)), ("message", .string(message))]
        if let data { error.append(("data", data)) }
        return .object(JSONObject(entries: [("jsonrpc", .string("2.0")), ("id", id ?? .null), ("error", .object(JSONObject(entries: error)))]))
    }
}

/// `{"jsonrpc":"2.0","id":…,"result":…}`.
func rpcResult(_ id: JSONValue, _ result: JSONValue) -> JSONValue {
    .object(JSONObject(entries: [("jsonrpc", .string("2.0")), ("id", id), ("result", result)]))
}
