import Foundation
import Testing

/// `rein fmt`: rewrites files in the canonical layout; `--check` only lists them.
extension CLITests {
    static let messy = "tool t {\n\teffect read\n    arg n:name\n  arg limit: int in 1 .. 50=10   # rows\n}\n"
    static let canonical = "tool t {\n  effect read\n  arg n:     name\n  arg limit: int in 1..50 = 10  # rows\n}\n"

    /// A temporary folder holding `files` (relative path → text).
    func folder(with files: [String: String]) throws -> URL {
        let folder = try temporaryFolder()
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return folder
    }

    func contents(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theExamplesAreCanonical() throws {
        for arguments in [["fmt", "--check"], ["fmt", "--check", "policies", "runbooks", "Benchmarks/Anchors/workload.rein"]] {
            let run = try rein(arguments)
            #expect(run.status == 0, "not canonical:\n\(run.stdout)\(run.stderr)")
            #expect(run.stdout.isEmpty && run.stderr.isEmpty)
        }
    }

    @Test func checkListsFilesThatWouldChangeAndWritesNothing() throws {
        let folder = try folder(with: ["a.rein": Self.messy, "b.rein": Self.canonical])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["fmt", "--check", "."], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout == "a.rein\n")
        #expect(try contents(folder, "a.rein") == Self.messy)
    }

    @Test func fmtRewritesOnlyFilesThatChangeAndIsIdempotent() throws {
        let folder = try folder(with: ["a.rein": Self.messy, "b.rein": Self.canonical])
        defer { try? FileManager.default.removeItem(at: folder) }
        let untouched = folder.appendingPathComponent("b.rein")
        let before = try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date
        let run = try rein(["fmt", "a.rein", "b.rein"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "a.rein\n")
        #expect(try contents(folder, "a.rein") == Self.canonical)
        #expect(try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date == before)
        let again = try rein(["fmt", "."], in: folder)
        #expect(again.status == 0 && again.stdout.isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(leftovers == ["a.rein", "b.rein"], "no temporary file is left behind")
    }

    @Test func withoutPathsPoliciesAndRunbooksAreFormatted() throws {
        let folder = try folder(with: ["policies/p.rein": "policy p {\nmax_iterations 5\n}\n", "runbooks/t.rein": Self.messy, "other/o.rein": Self.messy])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["fmt"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "policies/p.rein\nrunbooks/t.rein\n")
        #expect(try contents(folder, "policies/p.rein") == "policy p {\n  max_iterations 5\n}\n")
        #expect(try contents(folder, "other/o.rein") == Self.messy)
    }

    @Test func aFileWithSyntaxErrorsIsReportedAndLeftAlone() throws {
        let broken = "tool t {\n  efect read\n    arg n:name\n}\n"
        let folder = try folder(with: ["bad.rein": broken, "good.rein": Self.messy])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["fmt", "."], in: folder)
        #expect(run.status == 2)
        #expect(run.stdout == "good.rein\n")
        #expect(run.stderr.hasPrefix("bad.rein:2:3: error: unknown statement `efect` in tool `t` [rein.parse.unknown-statement]\n"))
        #expect(run.stderr.hasSuffix("rein: error: bad.rein was not formatted: fix its syntax errors first\n"))
        #expect(try contents(folder, "bad.rein") == broken)
        #expect(try contents(folder, "good.rein") == Self.canonical)
        let check = try rein(["fmt", "--check", "bad.rein"], in: folder)
        #expect(check.status == 2 && check.stdout.isEmpty)
    }

    @Test func anOversizedFileIsNotFormatted() throws {
        let folder = try folder(with: ["big.rein": String(repeating: "#", count: 9 * 1_048_576)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try rein(["fmt", "big.rein"], in: folder)
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("big.rein:1:1: error: file is 9437184 bytes (9.0 MiB), over the 8 MiB limit"))
        #expect(run.stderr.hasSuffix("rein: error: big.rein was not formatted: it is too large\n"))
    }

    @Test func pathsThatCannotBeReadStopTheCommand() throws {
        let folder = try folder(with: ["empty/readme.txt": "no rein files here\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try rein(["fmt", "nope.rein"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "rein: error: no such file or folder: nope.rein\n")
        let empty = try rein(["fmt", "empty"], in: folder)
        #expect(empty.status == 2)
        #expect(empty.stderr == "rein: error: no .rein files found in empty\n")
        let nothing = try rein(["fmt"], in: folder)
        #expect(nothing.status == 2)
        #expect(nothing.stderr.hasPrefix("rein: error: nothing to format"))
    }

    @Test func byteOrderMarkPermissionsAndSymbolicLinksAreKept() throws {
        let folder = try folder(with: ["real/a.rein": "\u{FEFF}policy p {\r\n\tmax_iterations 5\r\n}\r\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("real/a.rein")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        let link = folder.appendingPathComponent("link.rein")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        let run = try rein(["fmt", "link.rein"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Data(contentsOf: file) == Data("\u{FEFF}policy p {\n  max_iterations 5\n}\n".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == file.path)
    }

    @Test func fmtHelpHasExamples() throws {
        let run = try rein(["fmt", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("rein fmt --check"))
        #expect(try rein(["--help"]).stdout.contains("fmt"))
    }
}
