import ReinAdapters

/// The HTTP headers the stdio bridge sends with one message, derived from the message itself
/// and from what the session era negotiated. A message whose `_meta` names a protocol version
/// is of the 2026-07-28 era and gets that version and its routing headers; any other gets the
/// session's id and negotiated version, once `initialize` has given them.
enum BridgeHeaders {
    static let versionKey = "io.modelcontextprotocol/protocolVersion"

    /// The protocol version the message's own `_meta` names, if any (the stateless era).
    static func statelessVersion(of message: JSONObject) -> String? {
        guard case .object(let params)? = message["params"], case .object(let meta)? = params["_meta"],
            case .string(let version)? = meta[versionKey]
        else { return nil }
        return version
    }

    /// The routing and session headers for `message`.
    static func headers(for message: JSONObject, session: String?, negotiated: String?) -> [(String, String)] {
        guard let version = statelessVersion(of: message) else {
            var headers: [(String, String)] = []
            if let session { headers.append(("Mcp-Session-Id", session)) }
            if let negotiated { headers.append(("MCP-Protocol-Version", negotiated)) }
            return headers
        }
        var headers = [("MCP-Protocol-Version", HeaderValue.encode(version))]
        guard case .string(let method)? = message["method"] else { return headers }
        headers.append(("Mcp-Method", HeaderValue.encode(method)))
        let nameKey: String? =
            switch method {
            case "tools/call", "prompts/get": "name"
            case "resources/read": "uri"
            default: nil
            }
        if let nameKey, case .object(let params)? = message["params"], case .string(let name)? = params[nameKey] {
            headers.append(("Mcp-Name", HeaderValue.encode(name)))
        }
        return headers
    }
}
