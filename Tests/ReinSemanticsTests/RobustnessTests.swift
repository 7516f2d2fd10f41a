import ReinSemantics
import ReinSyntax
import Testing

/// Partial and broken sources never crash the checker, and every span stays in its file.
@Suite("Robustness")
struct RobustnessTests {
    static func expectSaneSpans(_ bundle: TestBundle, sourceLocation: SourceLocation = #_sourceLocation) {
        for diagnostic in bundle.result.diagnostics {
            let spans = [diagnostic.span] + diagnostic.notes.compactMap(\.span)
            for span in spans {
                #expect(span.file >= 0 && span.file < bundle.files.count, sourceLocation: sourceLocation)
                guard span.file >= 0, span.file < bundle.files.count else { continue }
                #expect(span.start <= span.end && span.end <= bundle.files[span.file].file.bytes.count, sourceLocation: sourceLocation)
            }
        }
    }

    @Test("every truncation of a valid bundle")
    func truncations() {
        let bytes = Array(prelude.utf8)
        for length in stride(from: 0, through: bytes.count, by: 7) {
            let text = String(decoding: bytes[0..<length], as: UTF8.self)
            Self.expectSaneSpans(TestBundle([("t.rein", text)]))
        }
    }

    @Test("every single-line deletion of a valid bundle")
    func lineDeletions() {
        let lines = prelude.split(separator: "\n", omittingEmptySubsequences: false)
        for index in lines.indices {
            var copy = lines
            copy.remove(at: index)
            Self.expectSaneSpans(TestBundle([("t.rein", copy.joined(separator: "\n"))]))
        }
    }

    @Test("every declaration twice, across two files")
    func everythingDuplicated() {
        let bundle = TestBundle([("a.rein", prelude), ("b.rein", prelude)])
        #expect(bundle.result.diagnostics.allSatisfy { $0.code == "rein.check.duplicate-declaration" })
        #expect(bundle.result.diagnostics.count == 8)
        Self.expectSaneSpans(bundle)
    }

    @Test("an empty bundle and an empty file")
    func empty() {
        #expect(Checker.check([]).diagnostics.isEmpty)
        #expect(TestBundle([("e.rein", "")]).allDiagnostics == [])
    }
}

/// A parse error is the one diagnostic: the checker does not pile consequences on it.
@Suite("No cascades from parse errors")
struct ParseCascadeTests {
    static func checkerDiagnostics(replacing line: String, with replacement: String) -> (parse: [String], check: [String]) {
        let text = prelude.replacingFirst(line, with: replacement)
        let bundle = TestBundle([("t.rein", text)])
        return (bundle.parseDiagnostics, bundle.allDiagnostics)
    }

    @Test(arguments: [
        ("identity observer {", "identiy observer {"),
        ("identity remediator {", "identty remediator {"),
        ("tool scale_deployment {", "tol scale_deployment {"),
        ("query pod_memory_trend {", "querry pod_memory_trend {"),
        ("policy baseline {", "polcy baseline {"),
        ("    \"\"\"\n}\npolicy", "}\npolicy"),
        ("description \"Set the replica count of a deployment\"", "description \"Set the \\q count\""),
    ])
    func oneMistake(_ line: String, _ replacement: String) {
        let result = Self.checkerDiagnostics(replacing: line, with: replacement)
        #expect(!result.parse.isEmpty)
        #expect(result.check == [])
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced (no Foundation needed).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, let range = range(of: target) else { return self }
        return self[..<range.lowerBound] + replacement + self[range.upperBound...]
    }
}
