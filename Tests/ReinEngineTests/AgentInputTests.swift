import Testing
@testable import ReinEngine

/// `--agent-input` and host facts: the model may write only `id`, `tool`, `kind`, `args` and
/// `thought`; the session, context, alert, time and runbook are the host's, and a proposal never
/// overrides a fact the host gave.
@Suite struct AgentInputTests {
    /// A sequence rule the model could dodge by writing its own `session.tools`.
    static let policy: CompiledPolicy? = CompiledPolicy.compile([
        SourceFile(
            path: "agent.rein",
            text: """
                identity observer { role "Reader" }
                tool redis_info {
                  effect read
                  description "Redis INFO"
                }
                tool redis_flush {
                  effect read
                  description "Flush a cache shard"
                  arg shard: int in 0..7
                }
                policy baseline {
                  context environment: "prod" | "dev"
                  deny redis_flush when not ("redis_info" in session.tools) because "look before you flush"
                  deny redis_flush when context.environment == "prod" and session.iteration < 2 because "too early in prod"
                }
                runbook cache {
                  trigger alert.rule like "redis-*"
                  investigate redis_info, redis_flush
                }
                """)
    ]).policy

    static let flush = #"{"id":"f","tool":"redis_flush","args":{"shard":1}}"#

    func decide(_ line: String, _ options: DecisionOptions) throws -> String {
        let policy = try #require(Self.policy)
        return DecisionEncoder.jsonLine(policy.decide(line: Array(line.utf8), lineNumber: 1, options: options))
    }

    @Test(arguments: ["runbook", "context", "session", "alert", "at"])
    func aHostOnlyKeyFromTheModelIsMalformed(_ key: String) throws {
        let values = [
            "runbook": #""cache""#, "context": #"{"environment":"dev"}"#, "session": #"{"tools":["redis_info"]}"#,
            "alert": "{}", "at": #""2026-05-09T02:47:05Z""#,
        ]
        let value = try #require(values[key])
        let line = #"{"id":"f","tool":"redis_flush","args":{"shard":1},"\#(key)":\#(value)}"#
        let options = DecisionOptions(defaultRunbook: "cache", agentInput: true)
        #expect(
            try decide(line, options)
                == #"{"id":"f","decision":"deny","reasons":[{"code":"malformed_proposal","message":"`\#(key)` is a fact only the host knows: an agent's proposal may not carry it"}]}"#
        )
        // The same line from the host (no --agent-input) is decoded as before.
        #expect(try !decide(line, DecisionOptions(defaultRunbook: "cache")).contains("malformed_proposal"))
    }

    @Test func theModelCannotWriteItsWayPastASequenceRule() throws {
        let forged = #"{"id":"f","tool":"redis_flush","args":{"shard":1},"session":{"tools":["redis_info"]},"context":{"environment":"dev"}}"#
        // Passed through without --agent-input, the forged session gets past the rule…
        #expect(try decide(forged, DecisionOptions(defaultRunbook: "cache")) == #"{"id":"f","decision":"allow","identity":"observer"}"#)
        // …with it, the proposal is refused, and the host's facts decide.
        #expect(try decide(forged, DecisionOptions(defaultRunbook: "cache", agentInput: true)).contains("malformed_proposal"))
        let dev = HostFacts(context: JSONObject(entries: [("environment", .string("dev"))]))
        #expect(
            try decide(Self.flush, DecisionOptions(defaultRunbook: "cache", agentInput: true, host: dev))
                == #"{"id":"f","decision":"deny","reasons":[{"code":"rule","message":"look before you flush","at":"agent.rein:13:3"}]}"#)
        var ran = dev
        ran.session = SessionState(iteration: 1, tools: ["redis_info"])
        #expect(
            try decide(Self.flush, DecisionOptions(defaultRunbook: "cache", agentInput: true, host: ran))
                == #"{"id":"f","decision":"allow","identity":"observer"}"#)
    }

    @Test func hostFactsFillTheProposalAndAreNeverOverridden() throws {
        let prod = HostFacts(
            context: JSONObject(entries: [("environment", .string("prod"))]),
            session: SessionState(iteration: 0, tools: ["redis_info"]))
        let options = DecisionOptions(defaultRunbook: "cache", host: prod)
        #expect(try decide(Self.flush, options).contains(#""message":"too early in prod""#))
        let overriding = #"{"id":"f","tool":"redis_flush","args":{"shard":1},"session":{"iteration":5,"tools":["redis_info"]}}"#
        #expect(
            try decide(overriding, options)
                == #"{"id":"f","decision":"deny","reasons":[{"code":"malformed_proposal","message":"`session` is given by the host: the proposal may not give it too"}]}"#
        )
    }

    @Test func hostFactsAreParsedStrictly() throws {
        let facts = try HostFacts.parse(
            context: #"{"environment":"prod"}"#, session: #"{"iteration":3,"denials":1,"tools":["a"]}"#,
            alert: #"{"data":{"essentials":{"alertRule":"redis-x"}}}"#, at: "2026-05-09T02:47:05Z")
        #expect(facts.session == SessionState(iteration: 3, denials: 1, tools: ["a"]))
        #expect(facts.at == Timestamp(rfc3339: "2026-05-09T02:47:05Z"))
        let bad: [(String?, String?, String?, String?, String, String)] = [
            ("[1]", nil, nil, nil, "context", "`context` must be a json object"),
            (nil, #"{"iteration":-1}"#, nil, nil, "session", "`session.iteration` must be an integer >= 0"),
            (nil, #"{"tools":[1]}"#, nil, nil, "session", "`session.tools` must be an array of strings"),
            (nil, nil, #"{"a":{"b":1,"b":2}}"#, nil, "alert", "duplicate key `b` in `alert`"),
            (nil, nil, "{", nil, "alert", "`alert` is not valid json"),
            (nil, nil, nil, "yesterday", "at", "`at` must be an rfc 3339 timestamp, not `yesterday`"),
        ]
        for (context, session, alert, at, fact, message) in bad {
            #expect {
                _ = try HostFacts.parse(context: context, session: session, alert: alert, at: at)
            } throws: { error in
                guard let invalid = error as? HostFacts.Invalid else { return false }
                return invalid.fact == fact && invalid.description.hasPrefix(message)
            }
        }
    }
}
