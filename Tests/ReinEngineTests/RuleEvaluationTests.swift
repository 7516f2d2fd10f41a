import Testing
@testable import ReinEngine

/// Rule evaluation at run time (Grammar/README.md §11 and §13): args compared with each other at unlike
/// types, `now` from the proposal's `at` (else the Unix epoch), `session` sequence rules and
/// `alert` fields, each failure failing closed with `evaluation_error`.
@Suite struct RuleEvaluationTests {
    static let source = #"""
        identity observer {
          role "Reader"
        }
        tool compare {
          effect read
          arg a: int in 0..100
          arg b: string len 1..10
        }
        tool other {
          effect read
          arg a: string len 1..10
          arg b: string len 1..10
        }
        tool clock {
          effect read
          arg x: int in 0..1
        }
        policy p {
          deny * when args.a == args.b because "a equals b"
          deny other when alert.severity <= 1 because "sev"
          deny clock when now.hour in 0..5 because "night"
          deny clock when now.weekday == 7 because "sunday"
          deny clock when "other" in session.tools and session.denials >= 2 because "after other"
        }

        """#

    static let policy: CompiledPolicy? = CompiledPolicy.compile([SourceFile(path: "r.rein", text: source)]).policy

    static func decide(_ line: String) -> String {
        guard let policy else { return "bundle does not compile" }
        return DecisionEncoder.jsonLine(policy.decide(line: Array(line.utf8), lineNumber: 1))
    }

    static func alert(_ severity: String) -> String {
        #""alert":{"data":{"essentials":{"severity":"\#(severity)"}}}"#
    }

    @Test func bundleCompiles() {
        #expect(Self.policy != nil)
    }

    static let cases: [(String, String)] = [
        // `args.a == args.b` applies to every tool that has both args, whatever their types; at
        // unlike types the comparison fails at run time and the decision fails closed.
        (#"{"id":"1","tool":"compare","args":{"a":1,"b":"x"}}"#,
         #"{"id":"1","decision":"deny","reasons":[{"code":"evaluation_error","message":"rule failed to evaluate: cannot compare int with string","at":"r.rein:19:3"}]}"#),
        // Both strings: compared exactly; the alert rule has no alert to read (fail closed).
        (#"{"id":"2","tool":"other","args":{"a":"x","b":"x"}}"#,
         #"{"id":"2","decision":"deny","reasons":[{"code":"rule","message":"a equals b","at":"r.rein:19:3"},{"code":"evaluation_error","message":"rule failed to evaluate: `alert.severity` read, but the proposal has no alert","at":"r.rein:20:3"}]}"#),
        (#"{"id":"3","tool":"other","args":{"a":"x","b":"X"},\#(alert("Sev2"))}"#,
         #"{"id":"3","decision":"allow","identity":"observer"}"#),
        (#"{"id":"4","tool":"other","args":{"a":"é","b":"e\u0301"},\#(alert("Sev1"))}"#,
         #"{"id":"4","decision":"deny","reasons":[{"code":"rule","message":"sev","at":"r.rein:20:3"}]}"#),
        (#"{"id":"5","tool":"other","args":{"a":"x","b":"y"},\#(alert("Sev9"))}"#,
         #"{"id":"5","decision":"deny","reasons":[{"code":"evaluation_error","message":"rule failed to evaluate: `alert.severity`: `data.essentials.severity` is not Sev0…Sev4","at":"r.rein:20:3"}]}"#),
        // `now` is the proposal's `at` in UTC: Sunday 2026-05-10, 03:00.
        (#"{"id":"6","tool":"clock","args":{"x":0},"at":"2026-05-10T05:00:00+02:00"}"#,
         #"{"id":"6","decision":"deny","reasons":[{"code":"rule","message":"night","at":"r.rein:21:3"},{"code":"rule","message":"sunday","at":"r.rein:22:3"}]}"#),
        // No `at`: the Unix epoch, a Thursday at 00:00.
        (#"{"id":"7","tool":"clock","args":{"x":0}}"#,
         #"{"id":"7","decision":"deny","reasons":[{"code":"rule","message":"night","at":"r.rein:21:3"}]}"#),
        (#"{"id":"8","tool":"clock","args":{"x":1},"at":"2026-05-13T12:00:00Z","session":{"tools":["other","clock"],"denials":2}}"#,
         #"{"id":"8","decision":"deny","reasons":[{"code":"rule","message":"after other","at":"r.rein:23:3"}]}"#),
        (#"{"id":"9","tool":"clock","args":{"x":1},"at":"2026-05-13T12:00:00Z","session":{"tools":["other"],"denials":1}}"#,
         #"{"id":"9","decision":"allow","identity":"observer"}"#),
        (#"{"id":"10","tool":"clock","args":{"x":1},"at":"2026-05-13T12:00:00Z","session":{"tools":["Other"],"denials":5}}"#,
         #"{"id":"10","decision":"allow","identity":"observer"}"#),
    ]

    @Test(arguments: cases)
    func decides(_ line: String, _ expected: String) {
        #expect(Self.decide(line) == expected)
    }

    @Test func traceShowsEveryRuleInForce() throws {
        let policy = try #require(Self.policy)
        let line = #"{"id":"t","tool":"clock","args":{"x":1},"at":"2026-05-13T12:00:00Z"}"#
        let decision = policy.decide(line: Array(line.utf8), lineNumber: 1, options: DecisionOptions(explain: true))
        let rules = (decision.trace ?? []).filter { $0.check.hasPrefix("rule ") }.map { "\($0.check) \($0.result)" }
        #expect(rules == [
            "rule `deny *` not applicable: `clock` has no arg `a`",
            "rule `deny other` not applicable: `clock` is not among its targets",
            "rule `deny clock` no match",
            "rule `deny clock` no match",
            "rule `deny clock` no match",
        ])
        #expect(decision.trace?.last == TraceEntry(check: "decision", result: "allow as `observer`"))
        #expect(policy.decide(line: Array(line.utf8), lineNumber: 1).trace == nil)
    }
}
