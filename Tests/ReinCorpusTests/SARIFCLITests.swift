import Foundation
import Testing

/// `rein check --format sarif`: paths relative to the source root whatever the current folder,
/// `--srcroot`, files outside the root, and `--help-base-uri`.
extension CLITests {
    /// The artifact locations of a SARIF report's results, in order.
    func artifacts(_ sarif: String) throws -> [[String: String]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let results = try #require((json["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        return results.compactMap { result in
            ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String]
        }
    }

    static let reporterURIs = ["Tests/Corpus/reporters/bundle/arg.rein", "Tests/Corpus/reporters/bundle/kql%20unused.rein"]

    @Test(arguments: [("", "Tests/Corpus/reporters/bundle"), ("Tests/Corpus/reporters", "bundle"), ("Tests/Corpus/reporters/bundle", ".")])
    func sarifPathsAreRelativeToTheRepositoryRootFromAnyFolder(folder: String, bundle: String) throws {
        let run = try rein(["check", "--format", "sarif", bundle], in: repositoryRoot.appendingPathComponent(folder))
        #expect(run.status == 1)
        #expect(try artifacts(run.stdout) == Self.reporterURIs.map { ["uri": $0, "uriBaseId": "%SRCROOT%"] })
    }

    @Test func srcrootSetsTheRoot() throws {
        let run = try rein(["check", "--format", "sarif", "--srcroot", "Tests/Corpus/reporters", "Tests/Corpus/reporters/bundle"])
        #expect(try artifacts(run.stdout).map { $0["uri"] } == ["bundle/arg.rein", "bundle/kql%20unused.rein"])
    }

    @Test func aFileOutsideTheRootIsAnAbsoluteFileURI() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = repositoryRoot.appendingPathComponent("Tests/Corpus/reporters/bundle/arg.rein")
        try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent("a b.rein"))
        let run = try rein(["check", "--format", "sarif", "--srcroot", repositoryRoot.path, folder.path])
        let expected = "file://" + folder.path + "/a%20b.rein"
        #expect(try artifacts(run.stdout) == [["uri": expected]])
        #expect(!run.stdout.contains("../"))
    }

    @Test func theRootIsTheCurrentFolderOutsideARepository() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("repo/.git"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("repo/policies"), withIntermediateDirectories: true)
        let source = repositoryRoot.appendingPathComponent("Tests/Corpus/reporters/bundle/arg.rein")
        try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent("repo/policies/a.rein"))
        let inRepository = try rein(["check", "--format", "sarif", "a.rein"], in: folder.appendingPathComponent("repo/policies"))
        #expect(try artifacts(inRepository.stdout).map { $0["uri"] } == ["policies/a.rein"])
        try FileManager.default.removeItem(at: folder.appendingPathComponent("repo/.git"))
        let outside = try rein(["check", "--format", "sarif", "a.rein"], in: folder.appendingPathComponent("repo/policies"))
        #expect(try artifacts(outside.stdout).map { $0["uri"] } == ["a.rein"])
    }

    @Test func helpLinksStartWithTheBaseURI() throws {
        let run = try rein(["check", "--format", "sarif", "--help-base-uri", "https://example.com/rein/v2", "Tests/Corpus/reporters/bundle"])
        #expect(run.stdout.contains(#""helpUri":"https://example.com/rein/v2/docs/DIAGNOSTICS.md#semantic-checks-reincheck""#))
    }

    @Test(arguments: [
        (["--srcroot", "no/such/folder"], "rein: error: --srcroot: no such folder: no/such/folder"),
        (["--srcroot", "README.md"], "rein: error: --srcroot: no such folder: README.md"),
        (["--help-base-uri", "docs/"], "rein: error: --help-base-uri: `docs/` is not an absolute URI (such as https://example.com/rein/)"),
    ])
    func badSARIFOptionsExitTwo(arguments: [String], message: String) throws {
        let run = try rein(["check", "--format", "sarif"] + arguments)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix(message))
    }
}
