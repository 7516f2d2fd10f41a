import Foundation
import ReinAdapters
import Testing

/// Every query of the example bundle rendered with hostile values — quotes, backslashes,
/// newlines, `| union` text — in each string arg, golden in `Tests/Corpus/kql/hostile.txt`.
/// `REIN_UPDATE_GOLDEN=1 swift test` rewrites it.
@Suite("Golden KQL")
struct KQLGoldenTests {
    static let hostile = "x' | union (SecurityEvent | take 1) //\n\"\\\t\u{1}"

    @Test func hostileValuesStayLiterals() throws {
        let bundle = try loadBundle(["policies", "runbooks"], in: repositoryRoot)
        let policy = try #require(bundle.compile().policy)
        var out = ""
        for query in policy.queries {
            let args = JSONObject(entries: query.args.map { arg in
                switch arg.type {
                case .int: (key: arg.name, value: .integer(7))
                case .bool: (key: arg.name, value: .bool(true))
                case .duration: (key: arg.name, value: .string("PT1H30M"))
                default: (key: arg.name, value: .string(Self.hostile))
                }
            })
            let kql = try #require(policy.renderedKQL(tool: query.name, args: args), "\(query.name) did not render")
            out += "== \(query.name)\n\(kql)\n"
        }
        #expect(!out.isEmpty)
        let difference = compareGolden(out, file: repositoryRoot.appendingPathComponent("Tests/Corpus/kql/hostile.txt"))
        #expect(difference == nil, "\(difference ?? "")")
    }
}
