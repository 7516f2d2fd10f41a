import ReinAdapters
import ReinFuzz
import Testing

/// Every input the fuzzers found (`Tests/Corpus/fuzz/TARGET/`, minimised from a crash or a failed
/// invariant) goes through the same code as its fuzz target, without libFuzzer: none may crash,
/// and every invariant must hold. The repository's examples — the targets' seeds — too, so that
/// an invariant that is wrong about valid input shows here rather than as a false find.
@Suite struct FuzzRegressionTests {
    static let reinFiles =
        files(in: "Tests/Corpus/fuzz/parse") + ["policies", "runbooks", "runbooks/tools", "runbooks/queries"].flatMap {
            files(in: $0, endingIn: ".rein")
        } + ["valid", "invalid", "fmt"].flatMap { files(in: "Tests/Corpus/\($0)", endingIn: ".rein") }

    @Test(arguments: reinFiles)
    func parse(_ path: String) throws {
        let findings = ParseFuzz.run(try bytes(of: path))
        #expect(findings.isEmpty, "\(path):\n\(findings)")
    }

    @Test(arguments: files(in: "Tests/Corpus/fuzz/proposal") + ["examples", "explain"].map { "Tests/Corpus/decisions/\($0).jsonl" })
    func proposal(_ path: String) throws {
        let bundle = try exampleBundle.get()
        let input = try bytes(of: path)
        // A regression file is one input; a corpus file, one input per line.
        let inputs = path.hasSuffix(".jsonl") ? input.split(separator: 0x0A).map(Array.init) : [input]
        for (index, line) in inputs.enumerated() {
            let findings = ProposalFuzz.run(line, bundle: bundle)
            #expect(findings.isEmpty, "\(path), input \(index + 1):\n\(findings)")
        }
    }

    @Test(arguments: files(in: "Tests/Corpus/fuzz/incident") + files(in: "runbooks/incidents"))
    func incident(_ path: String) throws {
        let findings = IncidentFuzz.run(try bytes(of: path), bundle: try exampleBundle.get())
        #expect(findings.isEmpty, "\(path):\n\(findings)")
    }

    /// The whole example bundle as one file checks clean, so the target's deepest path runs on
    /// it: lint, compiling, and deciding a proposal for each tool.
    @Test func theExampleBundleAsOneFile() throws {
        let paths = ["policies", "runbooks", "runbooks/tools", "runbooks/queries"].flatMap { files(in: $0, endingIn: ".rein") }
        let text: [UInt8] = try paths.flatMap { try bytes(of: $0) + [0x0A] }
        let findings = ParseFuzz.run(text)
        #expect(findings.isEmpty, "\(findings)")
        let file = Parser.parse(SourceFile(path: "examples.rein", bytes: text), fileIndex: 0)
        #expect(LoadedBundle(files: [file], loadDiagnostics: []).check().diagnostics.isEmpty)
    }
}
