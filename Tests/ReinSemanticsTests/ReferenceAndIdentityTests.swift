import ReinSemantics
import ReinSyntax
import Testing

/// Names that must resolve, list effects, identities and roles.
@Suite("References, identities and roles")
struct ReferenceAndIdentityTests {
    static let approval = """
          approval {
            channel "c"
            approvers 1
            allow "*@contoso.com"
            timeout 5m
            on_timeout no_action
          }
        """

    static let cases: [CheckCase] = [
        CheckCase(
            name: "unknown tool in investigate",
            source: "runbook r2 {\n  investigate get_pods\n}\n",
            expected: ["rein.check.unknown-tool@2:15"]),
        CheckCase(
            name: "unknown tool in a rule target",
            source: "policy p2 {\n  deny scale_deploy when tool.effect == write\n}\n",
            expected: ["rein.check.unknown-tool@2:8"]),
        CheckCase(
            name: "a policy named in investigate",
            source: "runbook r2 {\n  investigate baseline\n}\n",
            expected: ["rein.check.wrong-kind@2:15"]),
        CheckCase(
            name: "a runbook named in a rule target list",
            source: "policy p2 {\n  deny [scale_deployment, aks_node_memory_pressure] when args.replicas > 3\n}\n",
            expected: ["rein.check.wrong-kind@2:27"]),
        CheckCase(
            name: "write tool in investigate",
            source: "runbook r2 {\n  investigate scale_deployment\n}\n",
            expected: ["rein.check.write-tool-in-investigate@2:15"]),
        CheckCase(
            name: "query in remediate",
            source: "runbook r2 {\n  remediate pod_memory_trend, get_top_pods_by_memory\n\(approval)\n}\n",
            expected: ["rein.check.read-tool-in-remediate@2:13", "rein.check.read-tool-in-remediate@2:31"]),
        CheckCase(
            name: "unknown identity in elevate",
            source: "tool t1 {\n  effect write\n  elevate nobody role \"Contributor\" for 5m\n}\n",
            expected: ["rein.check.unknown-identity@3:11"]),
        CheckCase(
            name: "a policy named in elevate",
            source: "tool t1 {\n  effect write\n  elevate baseline role \"Contributor\" for 5m\n}\n",
            expected: ["rein.check.wrong-kind@3:11"]),
        CheckCase(
            name: "elevate to a role the identity is not eligible for",
            source: "tool t1 {\n  effect write\n  elevate remediator role \"Azure Kubernetes Service RBAC Admin\" for 5m\n}\n",
            expected: ["rein.check.not-eligible@3:27"]),
        CheckCase(
            name: "elevate to a standing role is not an eligibility",
            source: "tool t1 {\n  effect write\n  elevate observer role \"Monitoring Reader\" for 5m\n}\n",
            expected: ["rein.check.not-eligible@3:25"]),
        CheckCase(
            name: "custom role: name and id must both match",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Node Drainer" id "11111111-2222-3333-4444-555555555555" at resource
                }
                tool t1 {
                  effect write
                  elevate r2 role "Node Drainer" id "11111111-2222-3333-4444-555555555555" for 5m
                }
                tool t2 {
                  effect write
                  elevate r2 role "Node Drainer" id "11111111-2222-3333-4444-666666666666" for 5m
                }
                """,
            expected: ["rein.check.not-eligible@11:19"]),
        CheckCase(
            name: "unknown built-in role",
            source: "identity r2 {\n  principal \"a3bb8764-cb92-4276-9d2a-ca1e895e55ea\"\n  eligible \"Contributer\" at resource\n}\n",
            expected: ["rein.check.unknown-role@3:12"]),
        CheckCase(
            name: "principal that is not a GUID",
            source: "identity r2 {\n  principal \"not-a-guid\"\n  eligible \"Contributor\" at resource\n}\n",
            expected: ["rein.check.invalid-guid@2:13"]),
        CheckCase(
            name: "custom role id that is not a GUID",
            source: "identity r2 {\n  principal \"a3bb8764-cb92-4276-9d2a-ca1e895e55ea\"\n  eligible \"My Role\" id \"xyz\" at resource\n}\n",
            expected: ["rein.check.invalid-guid@3:25"]),
        CheckCase(
            name: "standing Contributor",
            source: "identity agent {\n  role \"Contributor\"\n}\n",
            expected: ["rein.check.standing-role-not-read-only@2:8"], withPrelude: false),
        CheckCase(
            name: "standing custom role",
            source: "identity agent {\n  role \"Reader\" id \"acdd72a7-3385-48ef-bd42-f606fba81ae7\"\n}\n",
            expected: ["rein.check.standing-role-not-read-only@2:8"], withPrelude: false),
        CheckCase(
            name: "standing role that is no built-in role",
            source: "identity agent {\n  role \"Readers\"\n}\n",
            expected: ["rein.check.standing-role-not-read-only@2:8"], withPrelude: false),
        CheckCase(
            name: "every read-only role may be standing",
            source: """
                identity agent {
                  role "Reader"
                  role "Monitoring Reader"
                  role "Log Analytics Reader"
                  role "Azure Kubernetes Service Cluster User Role"
                  role "Azure Kubernetes Service RBAC Reader"
                }
                """,
            expected: [], withPrelude: false),
        CheckCase(
            name: "duplicate standing role",
            source: "identity agent {\n  role \"Reader\"\n  role \"Reader\"\n}\n",
            expected: ["rein.check.duplicate-role@3:8"], withPrelude: false),
        CheckCase(
            name: "a second identity with standing roles",
            source: "identity o2 {\n  role \"Reader\"\n}\n",
            expected: ["rein.check.multiple-standing-identities@1:10"]),
        CheckCase(
            name: "two standing identities but no read tool",
            source: "identity o1 {\n  role \"Reader\"\n}\nidentity o2 {\n  role \"Reader\"\n}\n",
            expected: [], withPrelude: false),
        CheckCase(
            name: "a read tool without a standing identity",
            source: "tool t1 {\n  effect write\n  elevate r role \"Contributor\" for 1m\n}\ntool t2 {\n  effect read\n}\nquery q1 {\n  kql \"Perf\"\n}\nidentity r {\n  principal \"a3bb8764-cb92-4276-9d2a-ca1e895e55ea\"\n  eligible \"Contributor\" at subscription\n}\n",
            expected: ["rein.check.missing-standing-identity@5:6"], withPrelude: false),
        CheckCase(
            name: "no read tools, no standing identity needed",
            source: "tool t1 {\n  effect write\n  elevate r role \"Contributor\" for 1m\n}\nidentity r {\n  principal \"a3bb8764-cb92-4276-9d2a-ca1e895e55ea\"\n  eligible \"Contributor\" at subscription\n}\n",
            expected: [], withPrelude: false),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: CheckCase) { expectCase(testCase) }

    @Test("unknown names get a did-you-mean help")
    func suggestion() throws {
        let bundle = CheckCase(name: "", source: "runbook r2 {\n  investigate get_top_pods_by_memroy\n}\n", expected: []).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.message == "unknown tool `get_top_pods_by_memroy`")
        #expect(diagnostic.help == "did you mean `get_top_pods_by_memory`?")
    }
}
