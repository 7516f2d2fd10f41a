import Foundation
import ReinAdapters
import Testing

/// Each example runbook's tools as an MCP client lists them (`rein render tools RUNBOOK
/// --pretty`), golden in `Tests/Corpus/mcp/RUNBOOK.tools.json`. `REIN_UPDATE_GOLDEN=1 swift
/// test` rewrites them.
@Suite("Golden MCP tool lists")
struct ToolCatalogGoldenTests {
    static let runbooks = ["aks_crashloop_backoff", "aks_hpa_at_max", "aks_node_disk_pressure", "aks_node_memory_pressure"]

    @Test(arguments: runbooks)
    func theToolListIsGolden(_ runbook: String) throws {
        let policy = try #require(try loadBundle(["policies", "runbooks"], in: repositoryRoot).compile().policy)
        let tools = try #require(ToolCatalog.tools(policy, runbook: runbook), "no runbook \(runbook)")
        #expect(!tools.isEmpty)
        let text = JSONWriter.string(.object(JSONObject(entries: [("tools", .array(tools))])), pretty: true) + "\n"
        let difference = compareGolden(text, file: repositoryRoot.appendingPathComponent("Tests/Corpus/mcp/\(runbook).tools.json"))
        #expect(difference == nil, "\(difference ?? "")")
    }

    @Test func everyExampleRunbookHasAGoldenList() throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let declared = try #require(bundle.check().model).runbooks.map(\.name)
        #expect(Set(declared) == Set(Self.runbooks))
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Tests/Corpus/mcp").path)
        #expect(Set(files.filter { $0.hasSuffix(".tools.json") }) == Set(Self.runbooks.map { "\($0).tools.json" }))
        let policy = try #require(bundle.compile().policy)
        #expect(ToolCatalog.tools(policy, runbook: "no_such_runbook") == nil)
    }
}
