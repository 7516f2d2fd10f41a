import ReinAdapters

/// What Rein answers when an upstream asks something of it (a server-to-client request). Rein
/// declares no client capabilities, so a well-behaved upstream asks nothing but `ping`; an
/// elicitation is declined (the agent's tools never ask a human through Rein, and the gateway
/// never asks the agent), and anything else is refused as an unknown method.
enum UpstreamRequests {
    /// The JSON-RPC response to `message` when it is a request, nil for anything else.
    static func answer(to message: JSONObject) -> JSONValue? {
        guard case .string(let method)? = message["method"], let id = message["id"], id != .null else { return nil }
        var reply: [(key: String, value: JSONValue)] = [("jsonrpc", .string("2.0")), ("id", id)]
        switch method {
        case "ping":
            reply.append(("result", .object(JSONObject(entries: []))))
        case "elicitation/create":
            reply.append(("result", .object(JSONObject(entries: [("action", .string("decline"))]))))
        default:
            reply.append(
                ("error", .object(JSONObject(entries: [("code", .integer(-32601)), ("message", .string("Method not found: \(method)"))]))))
        }
        return .object(JSONObject(entries: reply))
    }

    /// The `inputResponses` and `requestState` that answer an `input_required` result of the
    /// 2026-07-28 era the same way: each elicitation declined. Throws for any other input
    /// request, which Rein cannot answer.
    static func declining(_ result: JSONObject) throws(UpstreamError) -> [(key: String, value: JSONValue)] {
        guard case .object(let requests)? = result["inputRequests"] else { throw UpstreamError(message: "an `input_required` result without `inputRequests`") }
        var responses: [(key: String, value: JSONValue)] = []
        for (key, request) in requests.entries {
            guard case .object(let asked) = request, asked["method"] == .string("elicitation/create") else {
                throw UpstreamError(message: "the upstream asked for input Rein cannot give (`\(key)`)")
            }
            responses.append((key, .object(JSONObject(entries: [("action", .string("decline"))]))))
        }
        var entries: [(key: String, value: JSONValue)] = [("inputResponses", .object(JSONObject(entries: responses)))]
        if let state = result["requestState"] { entries.append(("requestState", state)) }
        return entries
    }
}
