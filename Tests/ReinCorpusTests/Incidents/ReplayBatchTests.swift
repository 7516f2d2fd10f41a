import Foundation
import ReinAdapters
import Testing

/// Replaying many files on every core, a block at a time with the next block in flight, gives
/// exactly what replaying them one by one gives, in file order — and stops at a file that
/// cannot be loaded after handing over every file before it.
@Suite("Replay batches")
struct ReplayBatchTests {
    static func setUp() throws -> (policy: CompiledPolicy, digest: String, paths: [String]) {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let policy = try #require(bundle.compile().policy)
        let paths = ReplayGoldenTests.names.map { ReplayGoldenTests.incidents.appendingPathComponent($0).path }
        return (policy, Hashing.bundleDigest(bundle.sources), paths)
    }

    /// Each file alone: its JSON line (with its own audit head) and its audit entries.
    static func oneByOne(_ paths: [String], policy: CompiledPolicy, digest: String) throws -> (lines: [String], audit: AuditChain) {
        var chain = AuditChain()
        var lines: [String] = []
        for path in paths {
            let file = IncidentReader.read(SourceFile(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            let incident = try #require(file.incident)
            let result = try Replay.run(incident, policy: policy, bundleDigest: digest, sha256: Hashing.sha256Hex).get()
            let encoder = ReplayEncoder(policy: policy)
            lines.append(String(decoding: JSONWriter.encode(encoder.json(result, alert: incident.alert)), as: UTF8.self) + "\n")
            chain = encoder.audit(result, continuing: chain)
        }
        return (lines, chain)
    }

    @Test(arguments: [(1, 1), (2, 1), (3, 2), (5, 2), (256, 2)])
    func batchesGiveWhatOneByOneGives(blockSize: Int, workers: Int) throws {
        let (policy, digest, paths) = try Self.setUp()
        // Twice over, so that blocks hold files from both rounds.
        let twice = paths + paths
        let expected = try Self.oneByOne(twice, policy: policy, digest: digest)
        let batch = ReplayBatch(policy: policy, bundleDigest: digest, json: true, workers: workers)
        var lines: [String] = []
        var chain = AuditChain()
        try batch.run(twice, blockSize: blockSize) { item in
            #expect(item.failure == nil && item.file.diagnostics.isEmpty)
            let output = try #require(item.output)
            lines.append(String(decoding: ReplayBatch.settingHead(item.ownHead, in: output), as: UTF8.self))
            for entry in item.audit { chain.append(entry) }
        }
        #expect(lines == expected.lines)
        #expect(chain.lines == expected.audit.lines)
        #expect(chain.head == expected.audit.head)
    }

    @Test func aFileThatCannotBeLoadedStopsTheRunAfterTheFilesBeforeIt() throws {
        let (policy, digest, paths) = try Self.setUp()
        let missing = repositoryRoot.appendingPathComponent("runbooks/incidents/no-such-incident.yaml").path
        let list = Array(paths.prefix(5)) + [missing] + paths
        let batch = ReplayBatch(policy: policy, bundleDigest: digest, json: false, workers: 2)
        var seen: [String] = []
        #expect(throws: IncidentLoader.LoadError.self) {
            try batch.run(list, blockSize: 2) { item in seen.append(item.file.file.path) }
        }
        #expect(seen == Array(paths.prefix(5)))
    }

    @Test func anErrorOfTheCallerStopsTheRun() throws {
        struct Stop: Error {}
        let (policy, digest, paths) = try Self.setUp()
        let batch = ReplayBatch(policy: policy, bundleDigest: digest, json: false, workers: 2)
        var count = 0
        #expect(throws: Stop.self) {
            try batch.run(paths, blockSize: 3) { _ in
                count += 1
                if count == 4 { throw Stop() }
            }
        }
        #expect(count == 4)
    }
}
