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
            name: "a built-in role written with its own id is that role",
            source: """
                tool t1 {
                  effect write
                  elevate remediator role "Contributor" id "b24988ac-6180-42a0-ab88-20f7382dd24c" for 5m
                }
                tool t2 {
                  effect write
                  elevate remediator role "Contributor" id "B24988AC-6180-42A0-AB88-20F7382DD24C" for 5m
                }
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Contributor" id "b24988ac-6180-42a0-ab88-20f7382dd24c" at resource
                }
                tool t3 {
                  effect write
                  elevate r2 role "Contributor" for 5m
                }
                """,
            expected: []),
        CheckCase(
            name: "a built-in role by name and with its own id is one eligibility",
            source: """
                identity r2 {
                  principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
                  eligible "Contributor" at resource
                  eligible "Contributor" id "b24988ac-6180-42a0-ab88-20f7382dd24c" at subscription
                }
                """,
            expected: ["rein.check.duplicate-role@4:12"]),
        CheckCase(
            name: "a built-in role's name with another id is not the built-in role",
            source: "tool t1 {\n  effect write\n  elevate remediator role \"Contributor\" id \"11111111-2222-3333-4444-555555555555\" for 5m\n}\n",
            expected: ["rein.check.not-eligible@3:27"]),
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
            source: "identity agent {\n  role \"Reader\" id \"11111111-3385-48ef-bd42-f606fba81ae7\"\n}\n",
            expected: ["rein.check.standing-role-not-read-only@2:8"], withPrelude: false),
        CheckCase(
            name: "a standing built-in role written with its own id",
            source: "identity agent {\n  role \"Reader\" id \"ACDD72A7-3385-48ef-bd42-f606fba81ae7\"\n}\n",
            expected: [], withPrelude: false),
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

    @Test("a role that matches an eligible line by name but not by id says so")
    func roleIdMismatch() throws {
        let custom = """
            identity r2 {
              principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
              eligible "Node Drainer" id "11111111-2222-3333-4444-555555555555" at resource
            }
            tool t2 {
              effect write
              elevate r2 role "Node Drainer" id "11111111-2222-3333-4444-666666666666" for 5m
            }
            """
        var bundle = CheckCase(name: "", source: custom, expected: []).run()
        var diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.code == "rein.check.not-eligible")
        #expect(
            diagnostic.message
                == "role `Node Drainer` here has id `11111111-2222-3333-4444-666666666666`, but `r2` is eligible for `Node Drainer` with id `11111111-2222-3333-4444-555555555555`")
        #expect(diagnostic.notes.map(\.message) == ["`r2` is eligible for `Node Drainer` here"])
        #expect(diagnostic.notes.first?.span.map { bundle.location($0) } == "3:3")
        #expect(diagnostic.help == "write the role as in the `eligible` line: `role \"Node Drainer\" id \"11111111-2222-3333-4444-555555555555\"`")

        bundle = CheckCase(
            name: "", source: "tool t1 {\n  effect write\n  elevate remediator role \"Contributor\" id \"11111111-2222-3333-4444-555555555555\" for 5m\n}\n",
            expected: []
        ).run()
        diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(
            diagnostic.message
                == "role `Contributor` here has id `11111111-2222-3333-4444-555555555555`, but `remediator` is eligible for `Contributor` with the built-in id `b24988ac-6180-42a0-ab88-20f7382dd24c`")
        #expect(diagnostic.help == "`Contributor` is a built-in role: write `role \"Contributor\"` without an `id`, or with its built-in id")
    }

    @Test("wrong-kind names what each list holds")
    func wrongKindHelp() throws {
        let bundle = CheckCase(
            name: "", source: "runbook r2 {\n  investigate baseline\n  remediate baseline\n\(Self.approval)\n  deny baseline when true\n}\n",
            expected: []
        ).run()
        let found = bundle.result.diagnostics.filter { $0.code == "rein.check.wrong-kind" }
        #expect(found.map(\.message) == [
            "`baseline` is a policy, not a tool or query", "`baseline` is a policy, not a tool", "`baseline` is a policy, not a tool or query",
        ])
        #expect(found.map(\.help) == [
            "`investigate` lists read tools and queries",
            "`remediate` lists write tools (queries only read, so they cannot be remediations)",
            "a rule's target lists tools and queries",
        ])
    }

    @Test("unknown names get a did-you-mean help")
    func suggestion() throws {
        let bundle = CheckCase(name: "", source: "runbook r2 {\n  investigate get_top_pods_by_memroy\n}\n", expected: []).run()
        let diagnostic = try #require(bundle.result.diagnostics.first)
        #expect(diagnostic.message == "unknown tool `get_top_pods_by_memroy`")
        #expect(diagnostic.help == "did you mean `get_top_pods_by_memory`?")
    }
}
