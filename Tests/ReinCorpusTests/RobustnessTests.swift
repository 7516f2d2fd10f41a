import Foundation
import Testing
import ReinAdapters
import ReinTestSupport

@Suite("Robustness")
struct RobustnessTests {
    static func exampleFiles() throws -> [(path: String, bytes: [UInt8])] {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        return bundle.files.map { ($0.file.path, $0.file.bytes) }
    }

    /// Random damage of every kind: the parser and checker always return, deterministically.
    @Test func randomMutationsNeverCrash() throws {
        let files = try Self.exampleFiles()
        try #require(!files.isEmpty)
        var random = SplitMix64(seed: 2026)
        var mutants = 0
        var withErrors = 0
        for round in 0..<3000 {
            let original = files[round % files.count]
            let mutated = Self.mutate(original.bytes, using: &random)
            let first = checkSources([(path: original.path, bytes: mutated)]).outcome.diagnostics
            mutants += 1
            if first.contains(where: { $0.severity == .error }) { withErrors += 1 }
            if round % 50 == 0 {
                let second = checkSources([(path: original.path, bytes: mutated)]).outcome.diagnostics
                #expect(first == second, "nondeterministic diagnostics for mutant \(round)")
            }
        }
        #expect(mutants == 3000)
        #expect(withErrors > 1500, "most random mutants should be rejected; only \(withErrors) were")
    }

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var out = bytes
        guard !out.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
        let at = Int.random(in: 0..<out.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:  // delete a run of bytes
            out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...40, using: &random)))
        case 1:  // duplicate a run of bytes
            let end = min(out.count, at + Int.random(in: 1...200, using: &random))
            out.insert(contentsOf: Array(out[at..<end]), at: end)
        case 2:  // insert random bytes
            let junk = (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            out.insert(contentsOf: junk, at: at)
        case 3:  // overwrite one byte
            out[at] = UInt8.random(in: 0...255, using: &random)
        case 4:  // truncate
            out.removeSubrange(at..<out.count)
        default:  // swap two lines
            var lines = out.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let first = Int.random(in: 0..<lines.count, using: &random)
            let second = Int.random(in: 0..<lines.count, using: &random)
            lines.swapAt(first, second)
            out = Array(lines.joined(separator: [0x0A]))
        }
        return out
    }

    /// Mutations that can never leave a valid file must always be reported.
    @Test func certainlyInvalidMutationsAreReported() throws {
        let files = try Self.exampleFiles()
        var random = SplitMix64(seed: 7)
        let junk: [[UInt8]] = [Array("@".utf8), Array("$".utf8), Array(";".utf8), [0], [0xFF], Array("é".utf8), Array("?".utf8)]
        var checked = 0
        for (path, bytes) in files {
            let source = SourceFile(path: path, bytes: bytes)
            let tokens = Lexer.tokenize(source, fileIndex: 0).tokens.filter { $0.kind != .newline && $0.kind != .endOfFile }
            let braces = tokens.filter { $0.kind == .leftBrace }
            for _ in 0..<150 {
                guard let token = tokens.randomElement(using: &random), let bad = junk.randomElement(using: &random) else { continue }
                var mutated = source.bytes
                mutated.insert(contentsOf: bad, at: token.start)
                let outcome = checkSources([(path: path, bytes: mutated)]).outcome
                #expect(outcome.errorCount >= 1, "inserting \(bad) at \(path) byte \(token.start) went unreported")
                checked += 1
            }
            for brace in braces {
                let truncated = Array(source.bytes[..<brace.end])
                #expect(checkSources([(path: path, bytes: truncated)]).outcome.errorCount >= 1)
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    @Test func hostileInputsGiveDiagnosticsNotCrashes() {
        let inputs: [[UInt8]] = [
            Array(repeating: UInt8(ascii: "("), count: 100_000),
            Array(("runbook r {\n  trigger " + String(repeating: "(", count: 100_000) + "\n}\n").utf8),
            Array(("runbook r {\n  trigger " + String(repeating: "[", count: 100_000) + "\n}\n").utf8),
            Array(("runbook r {\n  trigger " + String(repeating: "not ", count: 100_000) + "x\n}\n").utf8),
            Array("query q {\n  kql \"\"\"\n    Perf".utf8),
            Array(repeating: 0, count: 10_000),
            Array(repeating: UInt8(ascii: "{"), count: 100_000),
            Array(repeating: UInt8(ascii: "}"), count: 100_000),
            Array(repeating: UInt8(ascii: "\""), count: 100_001),
            [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        ]
        for input in inputs {
            let outcome = checkSources([(path: "hostile.rein", bytes: input)]).outcome
            #expect(outcome.errorCount >= 1)
            #expect(outcome.errorCount <= 3, "a hostile input should give a handful of errors, not a cascade: \(outcome.diagnostics.map(\.code))")
        }
    }
}
