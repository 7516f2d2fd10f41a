import Foundation
import Testing

/// Every example command of a `--help` text (its `Examples:` lines in Sources/rein), of the
/// README and of docs/CLI.md runs, with the built `rein`, in a copy of the repository, and exits as documented: 0,
/// or the status its comment gives (`# exits 1: …`), never with an error about a missing file.
/// Where the README shows what a command prints (the lines after a `$ ` command), it prints
/// that; a line `…` stands for any number of lines.
@Suite("Example commands")
struct ExampleCommandTests {
    static var all: [ExampleCommand] {
        ExampleCommand.inHelpTexts() + ExampleCommand.inMarkdown("README.md") + ExampleCommand.inMarkdown("docs/CLI.md")
    }

    @Test func examplesAreFound() {
        let all = Self.all
        #expect(all.count(where: { $0.source.hasPrefix("Sources/rein/") }) >= 20)
        #expect(all.count(where: { $0.source.hasPrefix("README.md") }) >= 4)
        #expect(all.count(where: { $0.source.hasPrefix("docs/CLI.md") }) >= 15)
        #expect(all.contains { $0.expectedStatus == 1 })
    }

    @Test(arguments: [
        ("rein check examples/broken   # exits 1: a deliberately broken bundle", "rein check examples/broken   # exits 1: a deliberately broken bundle", 1),
        ("$ swift run rein test", "rein test", 0),
        ("rein fmt --check   # in CI: exit 1 if a file is not canonical", "rein fmt --check   # in CI: exit 1 if a file is not canonical", 0),
        (##"rein render kql q --args '{"a":"# exits 2"}'"##, ##"rein render kql q --args '{"a":"# exits 2"}'"##, 0),
    ] as [(String, String, Int32)])
    func parsesAnExample(line: String, command: String, status: Int32) {
        let example = ExampleCommand(source: "README.md:1", line: line)
        #expect(example.command == command)
        #expect(example.expectedStatus == status)
    }

    @Test(arguments: [
        (["a", "…", "d"], ["a", "b", "c", "d", ""], true),
        (["a", "…", "d"], ["a", "d"], true),
        (["a", "b"], ["a", "b", "c"], false),
        (["a", "…"], ["b"], false),
    ])
    func outputMatching(expected: [String], actual: [String], matches: Bool) {
        #expect(ExampleCommand.matches(expected, actual) == matches)
    }

    @Test(arguments: all)
    func runsAsDocumented(example: ExampleCommand) throws {
        let binary = try #require(CLITests.executable, "the rein executable is not built")
        let folder = try ExampleCommand.scratchCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", example.command]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let output = folder.appendingPathExtension("stdout")
        #expect(FileManager.default.createFile(atPath: output.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: output) }
        let err = Pipe()
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if let expected = example.expectedOutput {
            let stdout = try String(contentsOf: output, encoding: .utf8)
            #expect(
                ExampleCommand.matches(expected, stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)),
                "\(example.source): `\(example.command)` printed:\n\(stdout)")
        }
        #expect(process.terminationStatus == example.expectedStatus, "\(example.source): \(example.command)\n\(stderr)")
        for phrase in ["does not exist", "cannot read", "cannot be read", "No such file"] {
            #expect(!stderr.contains(phrase), "\(example.source): \(example.command)\n\(stderr)")
        }
        if example.expectedStatus != 2 {
            #expect(!stderr.contains("rein: error"), "\(example.source): \(example.command)\n\(stderr)")
        }
    }
}

/// One example command of the docs, where it is written and how it is expected to exit.
struct ExampleCommand: Sendable, CustomTestStringConvertible {
    /// `path:line` of the example.
    var source: String
    /// The command as a shell runs it (`swift run rein` written as `rein`).
    var command: String
    /// 0, or the status given by an `exits N` in the example's comment.
    var expectedStatus: Int32
    /// What the docs show the command printing, if they do.
    var expectedOutput: [String]?

    var testDescription: String { "\(source): \(command)" }

    init(source: String, line: String, output: [String]? = nil) {
        self.source = source
        expectedOutput = output
        var text = line.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("$ ") { text.removeFirst(2) }
        if text.hasPrefix("swift run rein ") { text.removeFirst("swift run ".count) }
        command = text
        let comment = Self.comment(of: text)
        let words = comment.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "," || $0 == ")" || $0 == "(" })
        expectedStatus = zip(words, words.dropFirst()).first { $0.0 == "exits" }.flatMap { Int32($0.1) } ?? 0
    }

    /// The text after a `#` that starts a shell comment (outside quotes, after a space).
    static func comment(of command: String) -> Substring {
        var quote: Character?
        var previous: Character = " "
        for index in command.indices {
            let c = command[index]
            if let open = quote {
                if c == open { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "#", previous == " " {
                return command[command.index(after: index)...]
            }
            previous = c
        }
        return ""
    }

    /// Whether a line of a shell block is a `rein` command.
    static func isReinCommand(_ line: String) -> Bool {
        let text = line.trimmingCharacters(in: .whitespaces)
        return text.hasPrefix("rein ") || text.hasPrefix("rein-serve ") || text.hasPrefix("swift run rein ")
            || text.hasPrefix("cat ") && text.contains("| rein ")
    }

    /// The `Examples:` (or `Example:`) lines of every help text under Sources/rein and
    /// Sources/rein-serve.
    static func inHelpTexts() -> [ExampleCommand] {
        var examples: [ExampleCommand] = []
        for name in ["rein", "rein-serve"] {
            let folder = repositoryRoot.appendingPathComponent("Sources/\(name)")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".swift") }.sorted()
            for file in files {
                guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
                examples += inHelpText(text, source: "Sources/\(name)/\(file)")
            }
        }
        return examples
    }

    private static func inHelpText(_ text: String, source: String) -> [ExampleCommand] {
        var examples: [ExampleCommand] = []
        var inExamples = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "Examples:" || trimmed == "Example:" {
                inExamples = true
            } else if inExamples, isReinCommand(trimmed) {
                examples.append(ExampleCommand(source: "\(source):\(index + 1)", line: trimmed))
            } else {
                inExamples = false
            }
        }
        return examples
    }

    /// The `rein` commands of a markdown file's code blocks: every line of a shell block (but not
    /// of a script, which starts with `#!`), and every `$ ` line of any other block.
    static func inMarkdown(_ path: String) -> [ExampleCommand] {
        guard let text = try? String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8) else { return [] }
        var examples: [ExampleCommand] = []
        for block in Markdown.blocks(in: text) where !block.content.hasPrefix("#!") {
            let shell = ["sh", "bash", "shell"].contains(block.info)
            let lines = block.content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (offset, line) in lines.enumerated() {
                let source = "\(path):\(block.fenceLine + 1 + offset)"
                if shell, isReinCommand(line) {
                    // A command continued with `\` takes the lines that follow it.
                    var command = line
                    for next in lines[(offset + 1)...] {
                        guard command.hasSuffix("\\") else { break }
                        command = String(command.dropLast()) + next
                    }
                    examples.append(ExampleCommand(source: source, line: command))
                } else if !shell, line.hasPrefix("$ "), isReinCommand(String(line.dropFirst(2))) {
                    let output = lines[(offset + 1)...].prefix { !$0.hasPrefix("$ ") }
                    examples.append(ExampleCommand(source: source, line: String(line.dropFirst(2)), output: Array(output)))
                }
            }
        }
        return examples
    }

    /// Whether `actual` lines are the `expected` ones, where an expected line `…` stands for any
    /// number of lines; trailing empty lines do not count.
    static func matches(_ expected: [String], _ actual: [String]) -> Bool {
        func trimmed(_ lines: [String]) -> ArraySlice<String> {
            var lines = lines[...]
            while lines.last?.isEmpty == true { lines = lines.dropLast() }
            return lines
        }
        func match(_ e: ArraySlice<String>, _ a: ArraySlice<String>) -> Bool {
            guard let first = e.first else { return a.isEmpty }
            if first == "…" { return (a.startIndex...a.endIndex).contains { match(e.dropFirst(), a[$0...]) } }
            return a.first == first && match(e.dropFirst(), a.dropFirst())
        }
        return match(trimmed(expected), trimmed(actual))
    }

    /// What an example may write into (`rein fmt` rewrites the bundle's files); everything else
    /// of the repository is linked, and what an example writes elsewhere (`--audit audit.jsonl`,
    /// `> rein.sarif`) lands in the scratch folder itself.
    static let copied: Set = ["policies", "runbooks", "examples"]

    /// A scratch folder that looks like the repository (without its hidden and build folders).
    static func scratchCopy() throws -> URL {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("rein-examples-\(UUID().uuidString)")
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        for entry in try manager.contentsOfDirectory(atPath: repositoryRoot.path) where !entry.hasPrefix(".") {
            let source = repositoryRoot.appendingPathComponent(entry), target = folder.appendingPathComponent(entry)
            if copied.contains(entry) {
                try manager.copyItem(at: source, to: target)
            } else {
                try manager.createSymbolicLink(at: target, withDestinationURL: source)
            }
        }
        return folder
    }
}
