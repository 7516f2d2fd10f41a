import ReinAdapters

/// The `incident` target: arbitrary bytes as a recorded incident (docs/FORMATS.md §3), read
/// both as YAML and as JSON, and what reads cleanly replayed against the example bundle as
/// `rein replay`, `rein test` and `--audit` do: the replay, its transcript and JSON object, its
/// audit chain, the `expect:` comparison.
///
/// Invariants: a file is either an incident or a list of problems, each inside the file with a
/// `rein.incident.*` code and a one-line message; replaying is deterministic; the interpreter's
/// safety invariants hold (``ReplayInvariants``); the JSON object is JSON; every audit entry is
/// written to the chain, and the chain verifies to the same head.
public enum IncidentFuzz {
    public static func run(_ bytes: [UInt8], bundle: ExampleBundle) -> Findings {
        var findings = Findings()
        for path in ["fuzz.yaml", "fuzz.json"] {
            let read = IncidentReader.read(SourceFile(path: path, bytes: bytes))
            findings.merge(checkReading(read), prefix: "\(path): ")
            guard let incident = read.incident else { continue }
            findings.merge(replay(incident, expectation: read.expectation, bundle: bundle), prefix: "\(path): ")
        }
        return findings
    }

    private static func checkReading(_ read: IncidentFile) -> Findings {
        var findings = Findings()
        findings.expect((read.incident == nil) != read.diagnostics.isEmpty, "an incident that is both read and refused, or neither")
        let size = read.file.bytes.count
        for diagnostic in read.diagnostics {
            findings.expect(
                diagnostic.span.start >= 0 && diagnostic.span.start <= diagnostic.span.end && diagnostic.span.end <= size,
                "\(diagnostic.code) points outside the file")
            findings.expect(diagnostic.code.hasPrefix("rein.incident."), "`\(diagnostic.code)` is not an incident code")
            findings.expect(!diagnostic.message.isEmpty && !diagnostic.message.contains("\n"), "\(diagnostic.code) has a bad message")
        }
        _ = TextDiagnosticRenderer(files: [read.file]).render(read.diagnostics)
        return findings
    }

    private static func replay(_ incident: RecordedIncident, expectation: IncidentExpectation?, bundle: ExampleBundle) -> Findings {
        var findings = Findings()
        func run() -> Result<ReplayResult, ReplayFailure> {
            Replay.run(incident, policy: bundle.policy, bundleDigest: bundle.digest, sha256: Hashing.sha256Hex)
        }
        guard case .success(let result) = run() else { return findings }
        findings.expect((try? run().get()) == result, "replaying twice gives two results")
        findings.merge(ReplayInvariants.check(result, events: incident.events, model: bundle.model), prefix: "")

        _ = ReplayTranscript.render(result)
        let encoder = ReplayEncoder(policy: bundle.policy)
        let chain = encoder.audit(result)
        let object = JSONWriter.encode(encoder.json(result, alert: incident.alert, auditHead: chain.head))
        if case .failure(let error) = JSONReader.parse(object, maxBytes: Int.max) {
            findings.fail("the replay's JSON object is not JSON: \(error)")
        }
        let entries = result.effects.filter { if case .audit = $0.effect { true } else { false } }.count
        findings.expect(chain.lines.count == entries, "\(entries) audit entries, \(chain.lines.count) written to the chain")
        switch AuditVerifier.verify(chain.lines.map { $0 + "\n" }.joined()) {
        case .success(let verified): findings.expect(verified.head == chain.head, "the verified chain ends at another head")
        case .failure(let broken): findings.fail("the audit chain written does not verify: \(broken)")
        }
        if let expectation { _ = IncidentTest.compare(result, with: expectation) }
        return findings
    }
}
