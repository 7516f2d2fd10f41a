import Foundation
import ReinAdapters

/// The repository root, found from this file's location.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// When set (to anything), golden tests rewrite their expected files instead of comparing.
let updateGoldenFiles = ProcessInfo.processInfo.environment["REIN_UPDATE_GOLDEN"] != nil

/// Checks a bundle given as in-memory files, in the order given (as the loader would sort them).
func checkSources(_ sources: [(path: String, text: String)]) -> (outcome: CheckOutcome, files: [SourceFile]) {
    checkSources(sources.map { ($0.path, Array($0.text.utf8)) })
}

/// Checks a bundle given as in-memory files of raw bytes.
func checkSources(_ sources: [(path: String, bytes: [UInt8])]) -> (outcome: CheckOutcome, files: [SourceFile]) {
    let files = sources.enumerated().map { index, source in
        Parser.parse(SourceFile(path: source.path, bytes: source.bytes), fileIndex: index)
    }
    let bundle = LoadedBundle(files: files, loadDiagnostics: [])
    return (bundle.check(), bundle.sources)
}

/// Loads a bundle from disk and shows its paths relative to `folder` (so golden output has
/// stable paths). The working directory is never changed: tests run in parallel.
func loadBundle(_ paths: [String], in folder: URL) throws -> LoadedBundle {
    try BundleLoader.load(paths, relativeTo: folder.path)
}

/// Compares `actual` with the golden file, or rewrites it when `REIN_UPDATE_GOLDEN` is set.
/// Returns nil when they match, else a short description of the first difference.
func compareGolden(_ actual: String, file: URL) -> String? {
    if updateGoldenFiles {
        try? actual.write(to: file, atomically: true, encoding: .utf8)
        return nil
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        return "missing expected file \(file.lastPathComponent) (run with REIN_UPDATE_GOLDEN=1 to create it)"
    }
    if expected == actual { return nil }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let left = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
        let right = index < actualLines.count ? String(actualLines[index]) : "<end>"
        if left != right {
            return "\(file.lastPathComponent):\(index + 1)\n  expected: \(left)\n  actual:   \(right)\n--- actual output ---\n\(actual)"
        }
    }
    return "outputs differ"
}
