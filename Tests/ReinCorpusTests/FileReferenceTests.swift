import Foundation
import Testing

/// The product documents itself: no text a user can meet — the README, docs/, Grammar/, and
/// every help text, diagnostic and comment under Sources/ — names a file that is not in the
/// repository.
@Suite("File references")
struct FileReferenceTests {
    /// Repository-relative paths of the files whose text is checked.
    static var checkedFiles: [String] {
        var files = ["README.md"]
        for folder in ["docs", "Grammar", "Sources"] {
            let entries = FileManager.default.enumerator(atPath: repositoryRoot.appendingPathComponent(folder).path)
            files += (entries?.compactMap { $0 as? String } ?? [])
                .filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
                .filter { folder != "Sources" || $0.hasSuffix(".swift") }
                .map { "\(folder)/\($0)" }
                .filter { !isFolder($0) }
        }
        return files.sorted()
    }

    @Test func everyKindOfTextIsChecked() {
        let files = Self.checkedFiles
        for expected in ["README.md", "docs/FORMATS.md", "docs/CLI.md", "Grammar/README.md", "Sources/rein/ReinCommand.swift"] {
            #expect(files.contains(expected))
        }
        #expect(files.count > 100)
    }

    @Test(arguments: checkedFiles)
    func namesOnlyFilesOfTheRepository(file: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)
        let missing = FileReferences.unresolved(in: text, of: file)
        #expect(missing.isEmpty, "\(missing.map { "\(file):\($0.line): `\($0.name)`" }.joined(separator: "\n"))")
    }

    /// The detector finds what it must, and leaves alone what names no file of ours.
    @Test(arguments: [
        ("docs/DESIGN.md", "see ../shared/spec/FORMATS.md §3", ["../shared/spec/FORMATS.md"]),
        ("Sources/rein/EvalCommand.swift", "as FORMATS.md §1 says (LANGUAGE.md)", ["FORMATS.md", "LANGUAGE.md"]),
        ("Sources/rein/EvalCommand.swift", "see [it](../Grammar/README.md)", ["../Grammar/README.md"]),
        ("docs/DESIGN.md", "as FORMATS.md §1 and [it](../Grammar/README.md#13-how-a-proposal-is-decided) say", []),
        ("README.md", "rein check runbooks/aks.rein --format json", ["runbooks/aks.rein"]),
        ("README.md", "rein replay runbooks/incidents/memory-scale-down.yaml", ["runbooks/incidents/memory-scale-down.yaml"]),
        ("docs/CLI.md", "as docs/NOSUCH.md says", ["docs/NOSUCH.md"]),
        ("docs/DESIGN.md", "in ReinEngine/Input/NoSuchReader.swift", ["ReinEngine/Input/NoSuchReader.swift"]),
        ("Sources/ReinEngine/Input/Proposal.swift", "in Input/JSONReader.swift and docs/FORMATS.md §6", []),
        ("README.md", "the workload of shared/bench", ["shared/bench"]),
        ("README.md", "runbooks/tools/kubernetes.rein:97:3, Tests/Corpus/invalid/NAME.rein, runbooks/incidents/*.yaml", []),
        ("README.md", "read/write, and/or, https://adaptivecards.io/x.md, /tmp/rein/.build/release, ~/.cache/x.md", []),
        ("README.md", ".github/workflows/rein.yml in the policy repository; Rein.tmbundle/Syntaxes/Rein.tmLanguage", []),
    ])
    func detector(file: String, text: String, expected: [String]) {
        #expect(FileReferences.unresolved(in: text, of: file).map(\.name) == expected)
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path, isDirectory: &folder)
            && folder.boolValue
    }
}

/// Finds the file names a text mentions and keeps those that name nothing in the repository.
///
/// A mention is a run of path characters that
/// - contains `../` (resolved against the text's own folder: it must stay in the repository),
/// - or contains a `/` and either starts with a top-level entry of the repository (`runbooks/…`,
///   `docs/…`) or ends in an extension the repository's own files have (`.md`, `.swift`, …),
/// - or is a bare `NAME.md`.
/// It must exist relative to the repository root, or to the text's folder or one of its parents
/// (so `Interpreter/Replay.swift` in a comment under `Sources/ReinEngine/` resolves). A component
/// written as a placeholder (`NAME`, `*`, `…`) stands for any name: only the part before it must
/// exist. URLs (`//…`), absolute paths and `~/` paths are not the repository's and are left
/// alone — except that the team's shared folders (`shared/…`) are always an error.
enum FileReferences {
    struct Mention: Equatable {
        var line: Int
        var name: String
    }

    static let extensions: Set = ["md", "swift", "rein", "ebnf", "py", "sh", "jsonl", "json", "yaml", "expected"]

    static func unresolved(in text: String, of file: String) -> [Mention] {
        let folder = file.split(separator: "/").dropLast().joined(separator: "/")
        var found: [Mention] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for name in candidates(in: Substring(line)) where !resolves(name, from: folder) {
                found.append(Mention(line: index + 1, name: name))
            }
        }
        return found
    }

    private static func isPathCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "_.-/*~…".contains(c)) || c == "…"
    }

    /// The mentions of one line that must name a file of the repository.
    static func candidates(in line: Substring) -> [String] {
        var result: [String] = []
        var index = line.startIndex
        while index < line.endIndex {
            guard isPathCharacter(line[index]) else {
                index = line.index(after: index)
                continue
            }
            let start = index
            while index < line.endIndex, isPathCharacter(line[index]) { index = line.index(after: index) }
            let preceding = start > line.startIndex ? line[line.index(before: start)] : " "
            var run = String(line[start..<index])
            while run.hasSuffix(".") { run.removeLast() }
            if run.contains("shared/") || run.hasPrefix("shared") && run.contains("/") {
                result.append(run)
                continue
            }
            guard preceding != ":", !run.hasPrefix("/"), !run.hasPrefix("~") else { continue }
            if run.contains("../") || isRepositoryPath(run) || (!run.contains("/") && run.hasSuffix(".md") && run.count > 3) {
                result.append(run)
            }
        }
        return result
    }

    private static func isRepositoryPath(_ run: String) -> Bool {
        let parts = run.split(separator: "/")
        guard run.contains("/"), let first = parts.first, let last = parts.last else { return false }
        let ext = last.split(separator: ".", omittingEmptySubsequences: false).dropFirst().last.map(String.init) ?? ""
        return topLevelEntries.contains(String(first)) || (parts.count > 1 && extensions.contains(ext))
    }

    /// The repository's own top-level files and folders (hidden ones only when tracked by design).
    static let topLevelEntries: Set<String> = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.path)) ?? []
        return Set(names.filter { !$0.hasPrefix(".") } + [".ci", ".gitignore"])
    }()

    private static func resolves(_ name: String, from folder: String) -> Bool {
        if name.contains("shared/") || name.hasPrefix("shared") { return false }
        // The part before the first placeholder component must exist.
        var parts: [Substring] = []
        for part in name.split(separator: "/", omittingEmptySubsequences: false) {
            if isPlaceholder(part) { break }
            parts.append(part)
        }
        let prefix = parts.joined(separator: "/")
        if prefix.isEmpty || prefix == "." { return true }
        // A leading `../` is relative to the text's own folder, as in a markdown link; anything
        // else may also be relative to a parent folder or the root.
        var bases = [folder]
        var parent = folder.split(separator: "/").map(String.init)
        while !parent.isEmpty, !name.hasPrefix("../") {
            parent.removeLast()
            bases.append(parent.joined(separator: "/"))
        }
        let root = repositoryRoot.standardizedFileURL.path
        return bases.contains { base in
            let url = (base.isEmpty ? repositoryRoot : repositoryRoot.appendingPathComponent(base))
                .appendingPathComponent(prefix).standardizedFileURL
            return (url.path == root || url.path.hasPrefix(root + "/")) && FileManager.default.fileExists(atPath: url.path)
        }
    }

    /// The words the docs write for "any name" (`NAME.rein`, `ID`).
    static let placeholderWords: Set = ["NAME", "ID", "FILE", "PATH", "DIR", "FOLDER", "TARGET", "QUERY", "TOOL", "INCIDENT"]

    /// `NAME`, `NAME.rein`, `*.yaml`, `…`: a stand-in for any name.
    private static func isPlaceholder(_ part: Substring) -> Bool {
        if part.contains("*") || part.contains("…") { return true }
        return placeholderWords.contains(String(part.split(separator: ".").first ?? part))
    }
}
