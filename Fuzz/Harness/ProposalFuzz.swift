import ReinAdapters

/// The `proposal` target: arbitrary bytes as one proposal line (docs/FORMATS.md §1), decided
/// against the example bundle as `rein eval` decides it.
///
/// Invariants: the fast path (a line decided from its parsed bytes) gives byte for byte the
/// full path's decision (decode, then decide), with and without a default runbook, alone and
/// inside a larger block; `--explain` changes nothing but the trace; every decision line is one
/// JSON object with an `id` and a known `decision`, a deny with its reasons. And the JSON reader
/// reads back what the writer writes, and canonical JSON is a fixed point.
public enum ProposalFuzz {
    /// The runbook a line without `runbook` is decided under, as `rein eval --runbook` would.
    static let defaultRunbook = "aks_node_memory_pressure"

    public static func run(_ bytes: [UInt8], bundle: ExampleBundle) -> Findings {
        var findings = compare(bytes, policy: bundle.policy, runbook: defaultRunbook)
        checkJSONRoundTrip(bytes, &findings)
        return findings
    }

    /// The line decided every way `rein eval` and a host can decide it, held to the full path.
    static func compare(_ line: [UInt8], policy: CompiledPolicy, runbook: String?) -> Findings {
        var findings = Findings()
        var scratch = JSONTape()
        let lineNumber = 7
        for options in [DecisionOptions(), DecisionOptions(defaultRunbook: runbook)] {
            let full = fullDecision(line, lineNumber: lineNumber, policy: policy, options: options)
            let expected = DecisionEncoder.jsonLine(full)
            checkDecisionLine(expected, &findings)

            let single = DecisionEncoder.jsonLine(policy.decide(line: line, lineNumber: lineNumber, options: options, scratch: &scratch))
            findings.expect(single == expected, "decide(line:) wrote \(single), the full path \(expected)")

            var batch: [UInt8] = []
            let denied = policy.decideLine(line, lineNumber: lineNumber, options: options, scratch: &scratch, appendingTo: &batch)
            findings.expect(
                batch == Array((expected + "\n").utf8),
                "decideLine wrote \(String(decoding: batch, as: UTF8.self)), the full path \(expected)")
            findings.expect(denied == (full.verdict.word == "deny"), "decideLine's deny flag disagrees with \(expected)")

            let block = Array("{}\n".utf8) + line + Array("\n{}".utf8)
            var inPlace: [UInt8] = []
            _ = policy.decideLine(
                block, range: 3..<(3 + line.count), lineNumber: lineNumber, options: options, scratch: &scratch,
                appendingTo: &inPlace)
            findings.expect(inPlace == batch, "the line decided inside a block differs from the line alone")

            var explaining = options
            explaining.explain = true
            let explained = fullDecision(line, lineNumber: lineNumber, policy: policy, options: explaining)
            findings.expect(explained.trace?.isEmpty == false, "--explain gave no trace")
            findings.expect(explained.id == full.id && explained.verdict == full.verdict, "--explain changed the decision")
        }
        return findings
    }

    /// The full path: decode the line, then decide the proposal (or deny it as malformed).
    private static func fullDecision(_ line: [UInt8], lineNumber: Int, policy: CompiledPolicy, options: DecisionOptions) -> Decision {
        switch ProposalDecoder.decode(line: line, lineNumber: lineNumber) {
        case .success(let proposal): policy.decide(proposal, options: options)
        case .failure(let malformed): policy.decide(malformed: malformed, explain: options.explain)
        }
    }

    /// A decision line (docs/FORMATS.md §2) is one JSON object with a string `id` and a known
    /// `decision`; a deny gives at least one reason.
    private static func checkDecisionLine(_ line: String, _ findings: inout Findings) {
        guard case .success(.object(let object)) = JSONReader.parse(line, maxBytes: Int.max), !object.hasDuplicateKeys else {
            return findings.fail("the decision line is not one JSON object: \(line)")
        }
        guard case .string? = object["id"], case .string(let word)? = object["decision"] else {
            return findings.fail("the decision line has no string `id` or `decision`: \(line)")
        }
        switch word {
        case "allow", "require_approval": break
        case "deny":
            guard case .array(let reasons)? = object["reasons"], !reasons.isEmpty else {
                return findings.fail("a deny without reasons: \(line)")
            }
        default: findings.fail("unknown decision `\(word)`: \(line)")
        }
    }

    /// What the reader accepts, the writer writes so that the reader reads it back the same;
    /// canonical JSON, read back and written again, is unchanged.
    private static func checkJSONRoundTrip(_ bytes: [UInt8], _ findings: inout Findings) {
        guard case .success(let value) = JSONReader.parse(bytes) else { return }
        let written = JSONWriter.encode(value)
        guard case .success(let again) = JSONReader.parse(written, maxBytes: Int.max) else {
            return findings.fail("the JSON writer wrote what the reader refuses: \(String(decoding: written, as: UTF8.self))")
        }
        findings.expect(again == value, "JSON read back differs from what was written")
        guard let canonical = CanonicalJSON.encode(value) else { return }
        guard case .success(let reread) = JSONReader.parse(canonical, maxBytes: Int.max) else {
            return findings.fail("canonical JSON the reader refuses: \(String(decoding: canonical, as: UTF8.self))")
        }
        findings.expect(CanonicalJSON.encode(reread) == canonical, "canonical JSON is not a fixed point")
    }
}
