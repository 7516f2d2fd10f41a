import Foundation
import ReinSyntax
import Testing

/// The formatter's golden corpus: `Tests/Corpus/fmt/NAME.rein` formats to exactly the bytes of
/// `NAME.expected.rein`, which is itself canonical. `REIN_UPDATE_GOLDEN=1` rewrites the
/// expected files.
@Suite("Format golden corpus")
struct FormatGoldenTests {
    static let folder = FormatSoundnessTests.root.appendingPathComponent("Tests/Corpus/fmt")

    static var cases: [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { $0.hasSuffix(".rein") && !$0.hasSuffix(".expected.rein") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 6)
    }

    @Test(arguments: cases)
    func formatsToTheExpectedFile(name: String) throws {
        let input = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("\(name).rein")))
        let formatted = try #require(SourceFormatter.format(input).bytes, "\(name).rein was not formatted")
        let expectedFile = Self.folder.appendingPathComponent("\(name).expected.rein")
        if ProcessInfo.processInfo.environment["REIN_UPDATE_GOLDEN"] != nil {
            try Data(formatted).write(to: expectedFile)
            return
        }
        let expected = [UInt8](try Data(contentsOf: expectedFile))
        #expect(formatted == expected, "\(name): \(Self.firstDifference(formatted, expected))")
        #expect(SourceFormatter.format(expected) == .formatted(expected), "\(name).expected.rein is not canonical")
    }

    /// The first line where two outputs differ, for the failure message.
    static func firstDifference(_ actual: [UInt8], _ expected: [UInt8]) -> String {
        let actualLines = actual.split(separator: 0x0A, omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: 0x0A, omittingEmptySubsequences: false)
        for index in 0..<max(actualLines.count, expectedLines.count) {
            let left = index < expectedLines.count ? String(decoding: expectedLines[index], as: UTF8.self) : "<end>"
            let right = index < actualLines.count ? String(decoding: actualLines[index], as: UTF8.self) : "<end>"
            if left != right { return "line \(index + 1)\n  expected: \(left)\n  actual:   \(right)" }
        }
        return "no difference"
    }
}
