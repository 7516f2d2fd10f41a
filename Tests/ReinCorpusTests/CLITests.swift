import Foundation
import Testing

/// End-to-end tests of the built `rein` executable: exit codes and output of docs/CLI.md.
@Suite("rein (CLI)")
struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL? {
        let products = Bundle.allBundles.map(\.bundleURL).first { $0.pathExtension == "xctest" }?.deletingLastPathComponent()
        let candidates = [products, repositoryRoot.appendingPathComponent(".build/debug")].compactMap { $0 }
        return candidates.map { $0.appendingPathComponent("rein") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func rein(_ arguments: [String], in folder: URL = repositoryRoot, stdin: Data? = nil) throws -> Run {
        let binary = try #require(Self.executable, "the rein executable is not built")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin {
            // Written from another thread so a large input cannot dead-lock against the output pipes.
            let writer = input.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(stdin)
                try? writer.close()
            }
        } else {
            try input.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rein-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func examplesAreCleanWithTheDefaultBundle() throws {
        let run = try rein(["check"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.hasSuffix("checked: no problems\n"))
    }

    @Test func errorsExitOneWithCompilerStyleOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "tool t {\n  efect read\n}\n".write(to: folder.appendingPathComponent("bad.rein"), atomically: true, encoding: .utf8)
        let run = try rein(["check", "bad.rein"], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("bad.rein:2:3: error: unknown statement `efect` in tool `t` [rein.parse.unknown-statement]\n"))
        #expect(run.stdout.contains("  2 |   efect read\n    |   ^^^^^\n"))
        #expect(run.stdout.contains("help: did you mean `effect`?"))
    }

    @Test func jsonFormat() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "tool t {\n  efect read\n}\n".write(to: folder.appendingPathComponent("bad.rein"), atomically: true, encoding: .utf8)
        let run = try rein(["check", "--format", "json", "."], in: folder)
        #expect(run.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let diagnostics = object?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.first?["code"] as? String == "rein.parse.unknown-statement")
        #expect(diagnostics?.first?["line"] as? Int == 2)
        #expect(diagnostics?.first?["column"] as? Int == 3)
        #expect(object?["errors"] as? Int == 1)
    }

    @Test func missingPathAndBadFlagExitTwo() throws {
        let missing = try rein(["check", "no/such/place"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("rein: error: "))
        let badFlag = try rein(["check", "--colour"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.hasPrefix("rein: error: "))
    }

    @Test func oversizedFileIsRefusedWithOneDiagnostic() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = folder.appendingPathComponent("big.rein")
        #expect(FileManager.default.createFile(atPath: big.path, contents: nil))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 50 * 1_048_576)
        try handle.close()
        let run = try rein(["check", "big.rein"], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("big.rein:1:1: error: file is 52428800 bytes (50.0 MiB), over the 8 MiB limit of 8388608 bytes [rein.io.file-too-large]"))
        #expect(run.stdout.hasSuffix("1 file checked: 1 error\n"))
    }

    @Test func pathsAreShownRelativeAndCountedOnce() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try "policy p {\n  max_iterations 0\n}\n".write(to: sub.appendingPathComponent("a.rein"), atomically: true, encoding: .utf8)
        let run = try rein(["check", "sub/a.rein", "./sub//a.rein", sub.appendingPathComponent("a.rein").path, "sub/../sub"], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("sub/a.rein:2:18: error: "))
        #expect(run.stdout.hasSuffix("1 file checked: 1 error\n"))
        let inside = try rein(["check", "../sub/a.rein"], in: sub)
        #expect(inside.stdout.hasPrefix("a.rein:2:18: error: "))
        let other = folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let outside = try rein(["check", sub.appendingPathComponent("a.rein").path], in: other)
        #expect(outside.stdout.hasPrefix("../sub/a.rein:2:18: error: "))
    }

    @Test(arguments: ["check", "eval"])
    func helpHasExamples(_ command: String) throws {
        let run = try rein([command, "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("rein \(command) "))
    }
}
