import Foundation
import ReinFuzz

/// The repository's root (this file is Tests/ReinFuzzTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The example bundle, loaded once for every test.
let exampleBundle = Result { () throws(ExampleBundle.LoadError) -> ExampleBundle in try ExampleBundle(root: repositoryRoot.path) }

/// The files directly in `folder` (relative to the root) whose names end in `suffix`, sorted,
/// as root-relative paths.
func files(in folder: String, endingIn suffix: String = "") -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent(folder).path)) ?? []
    return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
}

func bytes(of path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: repositoryRoot.appendingPathComponent(path)))
}
