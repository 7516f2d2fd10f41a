import Foundation
import Testing
@testable import ReinEngine

/// Property-based tests of the decision engine against an independent oracle (PropOracle).
///
/// Each run generates `bundleCount` random valid bundles (identities, bounded read and write
/// tools with args of every type, policies with forbidden namespaces, context keys, limits and
/// rules, runbooks with approval blocks and rules; declarations in a random order) and
/// `proposalCount` random proposals per bundle (valid, and mutated: wrong JSON types, values just
/// outside bounds, over-long strings counted in scalars, invalid names, forbidden namespaces and
/// their case / whitespace / homoglyph / escaped variants, pattern violations, unknown, missing and
/// duplicate args, unknown tools and runbooks, wrong kinds, tools outside the runbook, bad
/// context, malformed lines; plus `at`, `alert` and `session` facts the rules read). Every
/// decision is checked against the oracle: the verdict, every reason code in order, the `at` of
/// arg and rule reasons, and, for allow / require_approval, the exact decision line. It also
/// checks determinism (the same line twice, and a second compile of the same text, give the same
/// bytes). `REIN_PROP_DUMP=1` prints every bundle, line, decision and prediction.
///
/// Replay: every failure message starts with `seed 0x…`; run
/// `REIN_PROP_SEED=0x… swift test --filter PropertyTests` to regenerate that one bundle and its
/// proposals (`REIN_PROP_BUNDLES=N` changes the number of bundles of a normal run).
@Suite struct PropertyTests {
    static let baseSeed: UInt64 = 0x5EED_2026_0509_0001
    static let bundleCount = 200
    static let proposalCount = 50

    struct Compiled {
        let errors: [String]
        let policy: CompiledPolicy
    }

    static func compile(_ text: String) -> Compiled {
        let file = SourceFile(path: PropBundle.path, text: text)
        let syntax = Parser.parse(file, fileIndex: 0)
        let result = Checker.check([syntax])
        let errors = (syntax.diagnostics + result.diagnostics).filter { $0.severity == .error }
            .map { "\($0.code) \($0.span): \($0.message)" }
        return Compiled(errors: errors, policy: CompiledPolicy(model: result.model, files: [file]))
    }

    static func decide(_ policy: CompiledPolicy, _ line: String) -> String {
        DecisionEncoder.jsonLine(policy.decide(line: Array(line.utf8), lineNumber: 1, options: DecisionOptions()))
    }

    /// `(code, at)` of each reason of a decision line (messages are JSON-escaped, so the
    /// structural `{"code":"` and `,"at":"` cannot occur inside one).
    static func reasons(_ line: String) -> [(code: String, at: String?)] {
        line.components(separatedBy: "{\"code\":\"").dropFirst().map { chunk in
            let code = String(chunk.prefix { $0 != "\"" })
            var at: String?
            if let range = chunk.range(of: ",\"at\":\"") {
                at = String(chunk[range.upperBound...].prefix { $0 != "\"" })
            }
            return (code, at)
        }
    }

    static func verdict(_ line: String) -> String {
        for v in ["allow", "deny", "require_approval"] where line.contains("\"decision\":\"\(v)\"") { return v }
        return "?"
    }

    struct Stats {
        var bundles = 0
        var proposals = 0
        var verdicts: [String: Int] = [:]
        var codes: [String: Int] = [:]
        var failures = 0
    }

    static func seeds() -> [UInt64] {
        let env = ProcessInfo.processInfo.environment
        if let text = env["REIN_PROP_SEED"] {
            let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
            if let seed = UInt64(digits, radix: 16) { return [seed] }
        }
        let count = env["REIN_PROP_BUNDLES"].flatMap { Int($0) } ?? bundleCount
        var r = PropRandom(seed: baseSeed)
        return (0..<count).map { _ in r.next() }
    }

    @Test func generatedProposalsAgreeWithTheOracle() {
        var stats = Stats()
        for seed in Self.seeds() {
            Self.runBundle(seed: seed, stats: &stats)
            if stats.failures >= 25 { break }  // enough to diagnose; keep the log readable
        }
        #expect(stats.failures == 0, "\(stats.failures) failures (see above)")
        #expect(stats.bundles > 0)
        print(
            "PropertyTests: \(stats.bundles) bundles, \(stats.proposals) proposals; verdicts \(stats.verdicts.sorted { $0.key < $1.key }); codes \(stats.codes.sorted { $0.key < $1.key })"
        )
    }

    static func runBundle(seed: UInt64, stats: inout Stats) {
        let tag = "seed 0x" + String(seed, radix: 16)
        var r = PropRandom(seed: seed)
        let bundle = PropBundleGenerator.bundle(&r)
        let first = compile(bundle.text)
        stats.bundles += 1
        guard first.errors.isEmpty else {
            stats.failures += 1
            Issue.record("\(tag): generated bundle does not check (generator bug): \(first.errors)\n\(bundle.text)")
            return
        }
        let second = compile(bundle.text)
        let dump = ProcessInfo.processInfo.environment["REIN_PROP_DUMP"] != nil
        if dump { print("--- \(tag) ---\n\(bundle.text)") }
        for k in 0..<proposalCount {
            let proposal = PropProposalGenerator.proposal(&r, bundle, id: "p\(k)")
            let line = proposal.json
            let expected = PropOracle.expect(bundle, proposal)
            let actual = decide(first.policy, line)
            stats.proposals += 1
            if dump { print("\(line)\n  => \(actual)\n  oracle: \(expected.verdict) \(expected.reasons.map(\.code))") }
            stats.verdicts[expected.verdict, default: 0] += 1
            for reason in expected.reasons { stats.codes[reason.code, default: 0] += 1 }

            var problems: [String] = []
            // Determinism: the same line again, and through a second compile of the same text.
            if decide(first.policy, line) != actual { problems.append("deciding twice differs") }
            if decide(second.policy, line) != actual { problems.append("a second compile decides differently") }

            let verdict = verdict(actual)
            if verdict != expected.verdict {
                problems.append("verdict \(verdict), expected \(expected.verdict)")
            }
            if let expectedLine = expected.line {
                if actual != expectedLine { problems.append("expected line \(expectedLine)") }
            } else {
                let got = reasons(actual)
                if got.map(\.code) != expected.reasons.map(\.code) {
                    problems.append("reason codes \(got.map(\.code)), expected \(expected.reasons.map(\.code))")
                } else {
                    for (g, e) in zip(got, expected.reasons) where e.at != nil && g.at != e.at {
                        problems.append("`\(e.code)` at \(g.at ?? "nil"), expected at \(e.at!)")
                    }
                }
            }
            // The safety property stated on its own: an arg violation is never allowed.
            if expected.argViolation && verdict != "deny" {
                problems.append("an arg violation was not denied")
            }
            if !problems.isEmpty {
                stats.failures += 1
                Issue.record(
                    "\(tag) proposal \(k): \(problems.joined(separator: "; "))\n  proposal: \(line)\n  actual:   \(actual)\n--- bundle \(PropBundle.path) ---\n\(bundle.text)"
                )
                if stats.failures >= 25 { return }
            }
        }
    }

    /// The oracle's own rules, pinned on hand-picked values (so an oracle bug is not mistaken for
    /// an engine bug, nor the reverse).
    @Test func oracleSelfCheck() {
        #expect(PropOracle.validNamespace("a"))
        #expect(PropOracle.validNamespace(String(repeating: "a", count: 63)))
        #expect(!PropOracle.validNamespace(String(repeating: "a", count: 64)))
        #expect(!PropOracle.validNamespace("a.b"))
        #expect(!PropOracle.validNamespace("-a"))
        #expect(!PropOracle.validNamespace("\u{0430}"))
        #expect(PropOracle.validName(String(repeating: "a", count: 64)))
        #expect(PropOracle.validName("a.b-c.d"))
        #expect(!PropOracle.validName("a..b"))
        #expect(!PropOracle.validName(String(repeating: "a", count: 254)))
        #expect(PropOracle.parseDuration("1h30m") == .seconds(5_400))
        #expect(PropOracle.parseDuration("1d") == .seconds(86_400))
        #expect(PropOracle.parseDuration("90s") == .seconds(90))
        #expect(PropOracle.parseDuration("0h90s") == .seconds(90))
        #expect(PropOracle.parseDuration("1m1h") == .malformed)
        #expect(PropOracle.parseDuration("5min") == .malformed)
        #expect(PropOracle.parseDuration("") == .malformed)
        #expect(PropOracle.parseDuration("99999999999999999999s") == .overflow)
        #expect(PropPattern.dashedWords.matches("ab-c-def"))
        #expect(!PropPattern.dashedWords.matches("ab--c"))
        #expect(!PropPattern.anchoredLower.matches("abc\n"))
        #expect(PropPattern.abOrCd.matches("cd") && !PropPattern.abOrCd.matches("abcd"))
        #expect(PropPattern.noSpace.matches("a\nb") && !PropPattern.noSpace.matches("a b"))
        #expect(!propSame("café", "cafe\u{301}"))
        #expect(PropRender.iso(93_600) == "PT26H" && PropRender.iso(0) == "PT0S" && PropRender.iso(5_400) == "PT1H30M")
        for p in PropPattern.allCases {
            var r = PropRandom(seed: 7)
            for n in 0..<8 {
                let s = p.sample(&r, length: n)
                #expect(p == .lowerStar || p.matches(s) || n == 0, "\(p) sample \(s)")
            }
        }
    }
}
