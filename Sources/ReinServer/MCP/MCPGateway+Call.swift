import ReinAdapters

extension MCPGateway {
    /// `tools/call`: the call is the agent's proposal, decided by Rein. A denial is a result
    /// with `isError` and one line per reason, for the model to correct itself; an action that
    /// needs approval holds the call up to `approval_hold`; a tool that is allowed is run by the
    /// upstream the configuration maps it to.
    func call(_ params: JSONObject, incident: String, channel: CallChannel) async throws(RPCError) -> JSONValue {
        guard case .string(let name)? = params["name"] else { throw RPCError(code: RPCError.invalidParams, message: "`name` must be a string") }
        guard let actor = await host.incidentActor(incident) else { throw RPCError(code: RPCError.invalidParams, message: "no incident `\(incident)`") }
        guard let tool = actor.bundle.policy.runbookTools(actor.record.runbook)?.first(where: { $0.name == name }) else {
            throw RPCError(code: RPCError.invalidParams, message: "Unknown tool: \(name)")
        }
        var args = JSONObject(entries: [])
        switch params["arguments"] {
        case nil: break
        case .object(let given)?: args = given
        default: throw RPCError(code: RPCError.invalidParams, message: "`arguments` must be an object")
        }
        var thought: String?
        if case .object(let meta)? = params["_meta"], case .string(let given)? = meta["dev.rein/thought"] { thought = given }
        if tool.arg(named: "reason") == nil, case .string(let reason)? = args["reason"] {
            thought = reason
            args = JSONObject(entries: args.entries.filter { $0.key != "reason" })
        }
        let action = ProposedAction(thought: thought, kind: tool.effect == .write ? .remediation : .toolCall, tool: name, args: args)
        if await actor.isPending(action) { return await hold(actor, channel) }
        let answer: JSONValue
        do {
            answer = try await actor.post { at throws(HostError) in .propose(at: at, action) }
        } catch {
            throw RPCError(code: RPCError.internalError, message: "the call could not be recorded")
        }
        guard case .object(let step)? = answer["step"], case .object(let decision)? = step["decision"] else {
            return Self.result(["the incident is closed: nothing was run"], isError: true, structured: nil)
        }
        switch decision["decision"] {
        case .string("deny")?:
            var listed: [JSONValue] = []
            if case .array(let items)? = decision["reasons"] { listed = items }
            let waiting = await actor.pendingAction()
            let reasons = listed.map { (reason: JSONValue) -> String in
                let code = reason["code"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "denied"
                let message = reason["message"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
                // Which call it is waiting for, so that the model can wait on that one instead.
                guard code == "approval_pending", let waiting else { return "\(code): \(message)" }
                return "\(code): \(message) (`\(waiting.tool)` with \(JSONWriter.string(.object(waiting.args))); "
                    + "call it again with the same arguments to wait for its outcome)"
            }
            return Self.result(reasons, isError: true, structured: .object(decision), decision: .object(decision))
        case .string("require_approval")?:
            return await hold(actor, channel)
        default:
            let effect = answer["effects"].flatMap { if case .array(let items) = $0 { items.first { $0["type"] == .string("run_tool") } } else { nil } }
            return await forward(name, effect: effect, to: actor)
        }
    }

    /// Runs an allowed call on the upstream tool the configuration maps it to, with the call's
    /// validated args; records the output (cut at `output_limit`) as the `observe` event and
    /// answers with it. A tool that no upstream carries out runs nothing, and says so.
    private func forward(_ tool: String, effect: JSONValue?, to actor: IncidentActor) async -> JSONValue {
        guard let mapping = settings.tools.first(where: { $0.reinTool == tool }), let upstream = upstreams[mapping.upstream],
            case .object(let args)? = effect?["args"]
        else {
            return Self.result(
                ["Rein allows `\(tool)`, but no upstream tool server carries it out: nothing was run (map it under mcp.tools in rein-serve.yaml)"],
                isError: true, structured: nil)
        }
        let kql = effect?["kql"].flatMap { if case .string(let text) = $0 { text } else { nil } }
        let output: String
        let failed: Bool
        var structured: JSONValue?
        switch UpstreamArguments.build(mapping.args, args: args, kql: kql) {
        case .failure(let error):
            return Self.result(["`\(tool)` could not be mapped to its upstream: \(error.message); nothing was run"], isError: true, structured: nil)
        case .success(let upstreamArgs):
            do {
                let result = try await upstream.callTool(mapping.tool, arguments: upstreamArgs)
                output = Self.text(of: result)
                failed = result["isError"] == .bool(true)
                structured = result["structuredContent"]
            } catch {
                output = "upstream `\(mapping.upstream)` failed: \(error)"
                failed = true
            }
        }
        let (kept, cut) = Self.cut(output, at: settings.outputLimit)
        _ = try? await actor.post { at throws(HostError) in .observe(at: at, output: kept) }
        return Self.result([kept], isError: failed, structured: cut ? nil : structured.flatMap { if case .object = $0 { $0 } else { nil } })
    }

    /// The text blocks of an upstream result, one after another.
    static func text(of result: JSONObject) -> String {
        guard case .array(let blocks)? = result["content"] else { return "" }
        return blocks.compactMap { block -> String? in
            guard case .object(let fields) = block, fields["type"] == .string("text"), case .string(let text)? = fields["text"] else { return nil }
            return text
        }.joined(separator: "\n")
    }

    /// `text` cut to at most `limit` bytes of UTF-8 (on a character boundary), marked.
    static func cut(_ text: String, at limit: Int) -> (String, Bool) {
        guard text.utf8.count > limit else { return (text, false) }
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= limit else { break }
            kept.append(character)
            used += size
        }
        return (kept + "\n[… cut by Rein: \(text.utf8.count - used) more bytes]", true)
    }

    /// Waits, up to the configured hold, for the pending approval to be decided; answers with
    /// where it stands. The humans decide: a call that ends early leaves the approval pending.
    private func hold(_ actor: IncidentActor, _ channel: CallChannel) async -> JSONValue {
        let until = ContinuousClock.now + .seconds(settings.approvalHold)
        var said: String?
        while true {
            let view = await actor.view()
            let phase = view["phase"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
            guard phase == "awaiting_approval" || phase == "executing", let pending = view["pending"] else {
                return await decided(view, phase: phase, actor: actor)
            }
            let left = until - ContinuousClock.now
            guard left > .zero, !Task.isCancelled else {
                return phase == "executing" ? Self.executingResult() : Self.pendingResult(pending)
            }
            // It waits: from here on the answer is a stream (a call that does not wait is one
            // JSON object).
            channel.hold()
            let state = Self.holdState(phase: phase, pending: pending)
            if state != said {
                channel.progress(state)
                said = state
            }
            let steps = view["steps"].map { if case .array(let items) = $0 { items.count } else { 0 } } ?? 0
            // Keep-alive comments at least every 15 seconds while holding.
            let slice = min(left, .seconds(15))
            let before = ContinuousClock.now
            await actor.waitForChange(after: steps, timeout: slice)
            if ContinuousClock.now - before >= slice { channel.keepAlive() }
        }
    }

    /// A value as a sentence shows it: a string without its quotes, anything else as JSON.
    static func plain(_ value: JSONValue?) -> String {
        if case .string(let text)? = value { return text }
        return JSONWriter.string(value ?? .null)
    }

    /// What a progress notification says of a held call.
    static func holdState(phase: String, pending: JSONValue) -> String {
        if phase == "executing" { return "approved: running the change with a just-in-time elevation" }
        let count = if case .array(let items)? = pending["approvedBy"] { items.count } else { 0 }
        return "waiting for approval: \(count) of \(JSONWriter.string(pending["needed"] ?? .integer(1))), deadline \(Self.plain(pending["deadline"]))"
    }

    /// Approved and running, past the hold.
    static func executingResult() -> JSONValue {
        result(
            ["Approved: the change is running with a just-in-time elevation; call the tool again with the same arguments for its result"],
            isError: false, structured: .object(JSONObject(entries: [("status", .string("executing"))])))
    }

    /// The answer once the approval is decided and, when approved, the change has run.
    private func decided(_ view: JSONValue, phase: String, actor: IncidentActor) async -> JSONValue {
        let reason = view["outcome"]?["reason"].flatMap { if case .string(let text) = $0 { text } else { nil } }
        switch (phase, reason) {
        case ("closed", "completed"?), ("closed", "execution_failed"?):
            let result = await actor.lastResult()
            let succeeded = reason == "completed"
            let detail = result?.detail ?? (succeeded ? "done" : "the change failed")
            let text =
                succeeded
                ? "Approved and done: \(detail)"
                : detail.hasPrefix("elevation failed")
                    ? "Approved, but \(detail): nothing was changed" : "Approved, but the change failed: \(detail). The elevation was released."
            return Self.result(
                [text], isError: !succeeded, structured: .object(JSONObject(entries: [("status", .string(succeeded ? "succeeded" : "failed"))])))
        case ("closed", "approval_rejected"?):
            return Self.result(["Rejected by a human approver: nothing was changed"], isError: true,
                structured: .object(JSONObject(entries: [("status", .string("rejected"))])))
        case ("closed", "approval_timeout"?):
            return Self.result(["No approval came before the deadline: nothing was changed"], isError: true,
                structured: .object(JSONObject(entries: [("status", .string("timed_out"))])))
        case ("closed", _):
            return Self.result(["The incident closed (\(reason ?? "closed")): nothing was changed"], isError: true, structured: nil)
        default:
            // An approved read: it runs now, as any allowed call.
            let effect = view["effects"].flatMap { if case .array(let items) = $0 { items.last { $0["type"] == .string("run_tool") } } else { nil } }
            guard case .string(let tool)? = effect?["tool"] else {
                return Self.result(["Approved"], isError: false, structured: .object(JSONObject(entries: [("status", .string("approved"))])))
            }
            return await forward(tool, effect: effect, to: actor)
        }
    }

    /// Past the hold: the approval is pending — its digest, approvals so far, the deadline.
    static func pendingResult(_ pending: JSONValue) -> JSONValue {
        let needed = pending["needed"] ?? .integer(1)
        let approvedBy = pending["approvedBy"] ?? .array([])
        let deadline = pending["deadline"] ?? .null
        let count = if case .array(let items) = approvedBy { items.count } else { 0 }
        let text = "Waiting for a human's approval (\(count) of \(JSONWriter.string(needed)) so far, deadline \(Self.plain(deadline))): "
            + "call the tool again with the same arguments to keep waiting; nothing has been changed yet"
        return result(
            [text], isError: false,
            structured: .object(
                JSONObject(entries: [
                    ("status", .string("pending")), ("digest", pending["digest"] ?? .null), ("approvedBy", approvedBy), ("needed", needed),
                    ("deadline", deadline),
                ])))
    }

    /// A `tools/call` result: one text block, `isError`, `structuredContent`, and the decision
    /// in `_meta["dev.rein/decision"]` when there is one.
    static func result(_ lines: [String], isError: Bool, structured: JSONValue?, decision: JSONValue? = nil) -> JSONValue {
        var entries: [(key: String, value: JSONValue)] = [
            ("content", .array([.object(JSONObject(entries: [("type", .string("text")), ("text", .string(lines.joined(separator: "\n")))]))])),
            ("isError", .bool(isError)),
        ]
        if let structured { entries.append(("structuredContent", structured)) }
        if let decision { entries.append(("_meta", .object(JSONObject(entries: [("dev.rein/decision", decision)])))) }
        return .object(JSONObject(entries: entries))
    }
}

extension JSONValue {
    /// `self[key]` of an object.
    fileprivate subscript(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
