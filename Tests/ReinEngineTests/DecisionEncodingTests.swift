import Testing
@testable import ReinEngine
import ReinSyntax

private func minutes(_ m: Int64) -> DurationValue { DurationValue(seconds: m * 60) }

/// The four lines of docs/FORMATS.md §2, reproduced byte for byte.
@Suite struct DecisionSpecExampleTests {
    @Test func allowLine() {
        let d = Decision(id: "p-1", verdict: .allow(identity: "observer"))
        #expect(DecisionEncoder.jsonLine(d) == #"{"id":"p-1","decision":"allow","identity":"observer"}"#)
    }

    @Test func denyLine() {
        let d = Decision(id: "p-2", verdict: .deny([
            Reason(code: .outOfBounds, message: "`replicas` is 50, outside 1..10", at: "runbooks/tools.rein:5:3"),
        ]))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-2","decision":"deny","reasons":[{"code":"out_of_bounds","message":"`replicas` is 50, outside 1..10","at":"runbooks/tools.rein:5:3"}]}"#)
    }

    @Test func remediationLine() {
        let d = Decision(id: "p-7", verdict: .requireApproval(
            ApprovalRequirement(approvers: 2, timeout: minutes(15), channel: "sre-oncall"),
            elevation: ElevationPlan(identity: "remediator", role: "Azure Kubernetes Service Cluster Admin Role",
                                     scope: "resource", duration: minutes(15)),
            identity: nil))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-7","decision":"require_approval","approval":{"approvers":2,"timeout":"PT15M","channel":"sre-oncall"},"elevation":{"identity":"remediator","role":"Azure Kubernetes Service Cluster Admin Role","scope":"resource","duration":"PT15M"}}"#)
    }

    @Test func toolCallApprovalLine() {
        let d = Decision(id: "p-9", verdict: .requireApproval(
            ApprovalRequirement(approvers: 1, timeout: minutes(10), channel: "sre-oncall"),
            elevation: nil, identity: "observer"))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-9","decision":"require_approval","approval":{"approvers":1,"timeout":"PT10M","channel":"sre-oncall"},"identity":"observer"}"#)
    }

    @Test func noTrailingNewlineOrWhitespace() {
        let line = DecisionEncoder.jsonLine(Decision(id: "p-1", verdict: .allow(identity: "observer")))
        #expect(!line.contains("\n"))
        #expect(!line.contains(" "))
        #expect(line.last == "}")
    }
}

@Suite struct DecisionOmissionTests {
    @Test func reasonWithoutLocationOmitsAt() {
        let d = Decision(id: "p-3", verdict: .deny([
            Reason(code: .unknownTool, message: "tool `nuke` is not declared"),
        ]))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-3","decision":"deny","reasons":[{"code":"unknown_tool","message":"tool `nuke` is not declared"}]}"#)
    }

    @Test func multipleReasonsKeepOrder() {
        let d = Decision(id: "p-4", verdict: .deny([
            Reason(code: .unknownRunbook, message: "a", at: "r.rein:1:1"),
            Reason(code: .unknownTool, message: "b"),
        ]))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-4","decision":"deny","reasons":[{"code":"unknown_runbook","message":"a","at":"r.rein:1:1"},{"code":"unknown_tool","message":"b"}]}"#)
    }

    @Test func approvalWithoutChannelElevationOrIdentity() {
        let d = Decision(id: "p-5", verdict: .requireApproval(
            ApprovalRequirement(approvers: 1, timeout: minutes(15)), elevation: nil, identity: nil))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-5","decision":"require_approval","approval":{"approvers":1,"timeout":"PT15M"}}"#)
    }

    @Test func policyOnlyToolCallHasIdentityButNoChannel() {
        let d = Decision(id: "p-6", verdict: .requireApproval(
            ApprovalRequirement(approvers: 3, timeout: DurationValue(seconds: 5400), channel: nil),
            elevation: nil, identity: "observer"))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-6","decision":"require_approval","approval":{"approvers":3,"timeout":"PT1H30M"},"identity":"observer"}"#)
    }

    @Test func elevationAndIdentityBothPresentKeepOrder() {
        let d = Decision(id: "x", verdict: .requireApproval(
            ApprovalRequirement(approvers: 1, timeout: DurationValue(seconds: 0), channel: "c"),
            elevation: ElevationPlan(identity: "r", role: "R", scope: "resource_group", duration: DurationValue(seconds: 90)),
            identity: "o"))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"x","decision":"require_approval","approval":{"approvers":1,"timeout":"PT0S","channel":"c"},"elevation":{"identity":"r","role":"R","scope":"resource_group","duration":"PT1M30S"},"identity":"o"}"#)
    }

    @Test func nilTraceIsOmitted() {
        let line = DecisionEncoder.jsonLine(Decision(id: "p-1", verdict: .allow(identity: "observer"), trace: nil))
        #expect(!line.contains("trace"))
    }
}

@Suite struct DecisionEscapingTests {
    static let hostile: [(String, String)] = [
        ("say \"hi\"", #""say \"hi\"""#),
        (#"C:\temp\x"#, #""C:\\temp\\x""#),
        ("line1\nline2\r\n\ttab", #""line1\nline2\r\n\ttab""#),
        ("nul\u{0}here", #""nul\u0000here""#),
        ("bell\u{7}esc\u{1B}us\u{1F}", #""bell\u0007esc\u001bus\u001f""#),
        ("bs\u{8}ff\u{C}", #""bs\bff\f""#),
        ("ls\u{2028}ps\u{2029}", "\"ls\u{2028}ps\u{2029}\""),
        ("café ☃ 🚀", "\"café ☃ 🚀\""),
        ("</script>", #""</script>""#),
    ]

    @Test(arguments: hostile)
    func messageIsEscaped(_ raw: String, _ quoted: String) {
        let d = Decision(id: "p-x", verdict: .deny([Reason(code: .rule, message: raw, at: "p.rein:1:1")]))
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-x","decision":"deny","reasons":[{"code":"rule","message":"#
                + quoted + #","at":"p.rein:1:1"}]}"#)
    }

    @Test(arguments: hostile.map { $0.0 })
    func hostileStringsEverywhereRoundTrip(_ raw: String) {
        let d = Decision(id: raw, verdict: .requireApproval(
            ApprovalRequirement(approvers: 1, timeout: minutes(10), channel: raw),
            elevation: ElevationPlan(identity: raw, role: raw, scope: raw, duration: minutes(5)),
            identity: raw), trace: [TraceEntry(check: raw, at: raw, result: raw)])
        let line = DecisionEncoder.jsonLine(d)
        #expect(!line.contains("\n"))
        guard case .success(let parsed) = JSONReader.parse(line), case .object(let object) = parsed else {
            Issue.record("not valid JSON: \(line)")
            return
        }
        let keys = object.entries.map(\.key)
        #expect(keys == ["id", "decision", "approval", "elevation", "identity", "trace"])
        #expect(object.entries.first?.value == .string(raw))
    }

    @Test func hostileIdAndIdentity() {
        let d = Decision(id: "a\"}", verdict: .allow(identity: "\\"))
        #expect(DecisionEncoder.jsonLine(d) == #"{"id":"a\"}","decision":"allow","identity":"\\"}"#)
    }
}

@Suite struct ReasonCodeTests {
    /// The closed set of docs/FORMATS.md §2, in spec order.
    static let specCodes = [
        "malformed_proposal", "session_closed", "approval_pending", "iteration_limit",
        "unknown_tool", "unknown_runbook", "not_in_runbook", "write_needs_remediation", "unknown_arg",
        "missing_arg", "duplicate_arg", "type_mismatch", "out_of_bounds", "invalid_name",
        "pattern_mismatch", "forbidden_namespace", "invalid_context", "rule", "evaluation_error",
    ]

    @Test(arguments: zip(ReasonCode.allCases, specCodes))
    func rawValueMatchesSpec(_ code: ReasonCode, _ spec: String) {
        #expect(code.rawValue == spec)
        #expect(ReasonCode(rawValue: spec) == code)
    }

    @Test func setIsClosedAndComplete() {
        #expect(ReasonCode.allCases.count == Self.specCodes.count)
        #expect(ReasonCode.allCases.map(\.rawValue) == Self.specCodes)
    }

    @Test(arguments: ReasonCode.allCases)
    func codeIsEncodedVerbatim(_ code: ReasonCode) {
        let line = DecisionEncoder.jsonLine(Decision(id: "i", verdict: .deny([Reason(code: code, message: "m")])))
        #expect(line == #"{"id":"i","decision":"deny","reasons":[{"code":""# + code.rawValue + #"","message":"m"}]}"#)
    }
}

@Suite struct DecisionTraceTests {
    @Test func traceFollowsLastOnAllow() {
        let d = Decision(id: "p-1", verdict: .allow(identity: "observer"), trace: [
            TraceEntry(check: "iteration_limit", at: "runbooks/a.rein:3:5", result: "pass"),
            TraceEntry(check: "not_in_runbook", result: "pass"),
        ])
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-1","decision":"allow","identity":"observer","trace":[{"check":"iteration_limit","at":"runbooks/a.rein:3:5","result":"pass"},{"check":"not_in_runbook","result":"pass"}]}"#)
    }

    @Test func traceFollowsReasons() {
        let d = Decision(id: "p-2", verdict: .deny([Reason(code: .rule, message: "no", at: "p.rein:9:1")]),
                         trace: [TraceEntry(check: "rule", at: "p.rein:9:1", result: "deny")])
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-2","decision":"deny","reasons":[{"code":"rule","message":"no","at":"p.rein:9:1"}],"trace":[{"check":"rule","at":"p.rein:9:1","result":"deny"}]}"#)
    }

    @Test func traceFollowsElevationAndIdentity() {
        let d = Decision(id: "p-7", verdict: .requireApproval(
            ApprovalRequirement(approvers: 2, timeout: minutes(15), channel: "sre-oncall"),
            elevation: ElevationPlan(identity: "remediator", role: "Role", scope: "resource", duration: minutes(15)),
            identity: nil), trace: [TraceEntry(check: "require approvals", at: "p.rein:4:3", result: "match")])
        #expect(DecisionEncoder.jsonLine(d)
            == #"{"id":"p-7","decision":"require_approval","approval":{"approvers":2,"timeout":"PT15M","channel":"sre-oncall"},"elevation":{"identity":"remediator","role":"Role","scope":"resource","duration":"PT15M"},"trace":[{"check":"require approvals","at":"p.rein:4:3","result":"match"}]}"#)
    }

    @Test func emptyTraceIsAnEmptyArray() {
        let d = Decision(id: "p-1", verdict: .allow(identity: "observer"), trace: [])
        #expect(DecisionEncoder.jsonLine(d) == #"{"id":"p-1","decision":"allow","identity":"observer","trace":[]}"#)
    }
}
