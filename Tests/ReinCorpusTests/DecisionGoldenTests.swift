import Foundation
import ReinAdapters
import Testing

/// Golden decisions for the example bundle (policies/ and runbooks/): every
/// `Tests/Corpus/decisions/NAME.jsonl` is decided line by line and compared with
/// `NAME.expected.jsonl`; files named `explain*.jsonl` are decided with the `--explain` trace.
/// `REIN_UPDATE_GOLDEN=1 swift test` rewrites the expected files.
@Suite("Golden decisions")
struct DecisionGoldenTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/Corpus/decisions")

    static var inputs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".expected.jsonl") }.sorted()
    }

    static func examplePolicy() throws -> CompiledPolicy {
        let compilation = try loadBundle(["policies", "runbooks"], in: repositoryRoot).compile()
        return try #require(compilation.policy, "the example bundle does not compile")
    }

    /// Decides every line of a JSON Lines text as `rein eval --batch` does.
    static func decideLines(_ text: String, policy: CompiledPolicy, explain: Bool) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var out = ""
        for (index, line) in lines.enumerated() {
            let decision = policy.decide(line: Array(line.utf8), lineNumber: index + 1, options: DecisionOptions(explain: explain))
            out += DecisionEncoder.jsonLine(decision) + "\n"
        }
        return out
    }

    @Test func thereAreInputs() {
        #expect(Self.inputs.contains("examples.jsonl"))
        #expect(Self.inputs.contains("explain.jsonl"))
    }

    @Test(arguments: inputs)
    func decisionsMatch(_ name: String) throws {
        let policy = try Self.examplePolicy()
        let input = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let actual = Self.decideLines(input, policy: policy, explain: name.hasPrefix("explain"))
        let expected = Self.folder.appendingPathComponent(name.replacingOccurrences(of: ".jsonl", with: ".expected.jsonl"))
        let difference = compareGolden(actual, file: expected)
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// Every reason code a decision can carry appears somewhere in the example goldens, except
    /// the two only a host can cause (`session_closed`, `approval_pending`) and
    /// `evaluation_error`, which a checked example bundle cannot reach through these proposals.
    @Test func examplesCoverTheReasonCodes() throws {
        let expected = try String(
            contentsOf: Self.folder.appendingPathComponent("examples.expected.jsonl"), encoding: .utf8)
        let hostOnly: Set<ReasonCode> = [.sessionClosed, .approvalPending, .evaluationError]
        for code in ReasonCode.allCases where !hostOnly.contains(code) {
            #expect(expected.contains("\"code\":\"\(code.rawValue)\""), "no example decision has \(code.rawValue)")
        }
        for word in ["\"decision\":\"allow\"", "\"decision\":\"deny\"", "\"decision\":\"require_approval\""] {
            #expect(expected.contains(word))
        }
    }
}

/// `rein eval --batch` decides slices of lines on every core: the result must be the bytes of
/// deciding them one by one, in order.
@Suite("Parallel batches")
struct BatchDeciderTests {
    @Test(arguments: [1, 2, 3, 7])
    func chunkedEqualsSequential(_ workers: Int) throws {
        let policy = try DecisionGoldenTests.examplePolicy()
        let input = try String(
            contentsOf: DecisionGoldenTests.folder.appendingPathComponent("examples.jsonl"), encoding: .utf8)
        let lines = input.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        // 1,003 lines: the examples over and over, plus one line over the size limit.
        var block = LineBlock()
        for index in 0..<1_003 {
            if index == 500 { block.appendTooLong() } else { block.append(lines[index % lines.count].utf8) }
        }
        let decider = BatchDecider(policy: policy, options: DecisionOptions(), workers: workers)
        let result = decider.decide(block, firstLineNumber: 11)
        var expected = ""
        for (offset, line) in block.lines.enumerated() {
            let decision: Decision
            switch line {
            case .text(let range): decision = policy.decide(line: Array(block.bytes[range]), lineNumber: 11 + offset)
            case .tooLong: decision = policy.decide(malformed: .tooLong(lineNumber: 11 + offset))
            }
            expected += DecisionEncoder.jsonLine(decision) + "\n"
        }
        #expect(result.chunks.count == (workers == 1 ? 1 : min(workers * 4, 1_003 / 64)))
        #expect(String(decoding: result.output, as: UTF8.self) == expected)
        #expect(result.denied)
        #expect(expected.contains(#"{"id":"511","decision":"deny","reasons":[{"code":"malformed_proposal","message":"line is longer than 1048576 bytes"}]}"#))
    }
}
