import ReinSemantics
import ReinSyntax
import Testing

/// What the checker resolves for an evaluator.
@Suite("Semantic model")
struct SemanticModelTests {
    let model = TestBundle([("a.rein", prelude)]).result.model

    @Test("identities and the standing identity")
    func identities() throws {
        #expect(model.identities.map(\.name) == ["observer", "remediator"])
        #expect(model.standingIdentity == "observer")
        let observer = try #require(model.identity(named: "observer"))
        #expect(observer.standingRoles.map(\.guid) == ["43d0d8ad-25c7-4714-9337-8ba259a9fe05", "73c42c96-874c-492b-b04d-ab87d138a893"])
        let remediator = try #require(model.identity(named: "remediator"))
        #expect(remediator.principal == "a3bb8764-cb92-4276-9d2a-ca1e895e55ea")
        #expect(remediator.eligibilities.map(\.scope) == [.resource, .resourceGroup])
        #expect(remediator.maxActivation == DurationValue(seconds: 1800))
    }

    @Test("tools, queries and elevations")
    func tools() throws {
        #expect(model.tools.map(\.name) == ["scale_deployment", "restart_deployment", "get_top_pods_by_memory", "pod_memory_trend"])
        let scale = try #require(model.tool(named: "scale_deployment"))
        #expect(scale.effect == .write)
        #expect(scale.doc == "Scale a deployment to a bounded replica count.")
        #expect(scale.args.map(\.name) == ["namespace", "deployment", "replicas"])
        let elevation = try #require(scale.elevation)
        #expect(elevation.identity == "remediator")
        #expect(elevation.role.name == "Azure Kubernetes Service Cluster Admin Role")
        #expect(elevation.role.guid == "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8")
        #expect(elevation.scope == .resource)
        #expect(elevation.duration == DurationValue(seconds: 900))
        #expect(model.tool(named: "restart_deployment")?.elevation?.scope == .resourceGroup)
        #expect(TestBundle([("a.rein", prelude)]).location(scale.declarationSpan) == "12:1")
        let query = try #require(model.tool(named: "pod_memory_trend"))
        #expect(query.isQuery && query.effect == .read && query.elevation == nil && query.kql != nil)
    }

    @Test("the elevation lasts the shortest of tool, policy and identity")
    func elevationDuration() throws {
        let source = """
            identity r2 {
              principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
              eligible "Contributor" at subscription
              max_activation 20m
            }
            tool t1 {
              effect write
              elevate r2 role "Contributor" for 20m
            }
            """
        let bundle = TestBundle([("a.rein", prelude), ("b.rein", source)])
        #expect(bundle.allDiagnostics == [])
        let elevation = try #require(bundle.result.model.tool(named: "t1")?.elevation)
        #expect(elevation.requested == DurationValue(seconds: 1200))
        #expect(elevation.duration == DurationValue(seconds: 1200))
        #expect(elevation.scope == .subscription)
    }

    @Test("runbooks and approvals")
    func runbooks() throws {
        let runbook = try #require(model.runbook(named: "aks_node_memory_pressure"))
        #expect(runbook.title == "AKS node pool memory exhausted")
        #expect(runbook.investigate == ["get_top_pods_by_memory", "pod_memory_trend"])
        #expect(runbook.remediate == ["scale_deployment", "restart_deployment"])
        #expect(runbook.maxIterations == 8)
        #expect(runbook.trigger?.type == .bool)
        let approval = try #require(runbook.approval)
        #expect(approval.channel == "sre-oncall")
        #expect(approval.approvers == 1)
        #expect(approval.allow == ["*@contoso.com"])
        #expect(approval.timeout == DurationValue(seconds: 900))
        #expect(approval.onTimeout == .page(.p1))
        #expect(model.effectiveMaxIterations(runbook: runbook.name) == 8)
        #expect(model.effectiveMaxIterations(runbook: nil) == 12)
        #expect(model.effectiveApprovalTimeout(runbook: nil) == DurationValue(seconds: 900))
    }

    @Test("policies and limits")
    func policies() throws {
        let policy = try #require(model.policy(named: "baseline"))
        #expect(policy.maxIterations == 12)
        #expect(policy.maxElevation == DurationValue(seconds: 1800))
        #expect(policy.context.map(\.name) == ["environment", "change_freeze"])
        #expect(model.context.map(\.name) == ["environment", "change_freeze"])
        #expect(model.limits.maxIterations?.value == 12)
        #expect(model.limits.maxIterations?.policy == "baseline")
    }

    @Test("rules are in bundle order, typed and resolved")
    func rules() throws {
        let second = """
            runbook r2 {
              deny * when args.replicas > 3
            }
            policy p2 {
              deny [scale_deployment, restart_deployment] when args.namespace == "payments" because "no"
            }
            """
        let bundle = TestBundle([("a.rein", prelude), ("b.rein", second)])
        #expect(bundle.allDiagnostics == [])
        let model = bundle.result.model
        #expect(model.rules.map(\.owner) == [
            .policy("baseline"), .policy("baseline"), .runbook("aks_node_memory_pressure"), .runbook("r2"), .policy("p2"),
        ])
        #expect(model.rulesInForce(runbook: "r2").map(\.owner) == [.policy("baseline"), .policy("baseline"), .runbook("r2"), .policy("p2")])
        #expect(model.rulesInForce(runbook: nil).count == 3)
        #expect(model.runbook(named: "r2")?.ruleIndices == [3])
        #expect(model.policy(named: "p2")?.ruleIndices == [4])

        let require = model.rules[0]
        #expect(require.action == .requireApprovals(2))
        #expect(require.target == .all)
        #expect(require.argUses == [])
        let wildcard = model.rules[3]
        #expect(wildcard.argUses == [ArgUse(name: "replicas", type: .int)])
        #expect(wildcard.action == .deny(message: nil))
        let named = model.rules[4]
        #expect(named.target == .tools(["scale_deployment", "restart_deployment"]))
        #expect(named.action == .deny(message: "no"))
        #expect(bundle.location(named.span, withPath: true) == "b.rein:5:3")
        guard case .comparison(.equal, let left, let right) = named.condition.kind else {
            Issue.record("expected a comparison, got \(named.condition.kind)")
            return
        }
        #expect(left.kind == .arg("namespace"))
        #expect(left.type == .string)
        #expect(right.kind == .literal(.string("payments")))
    }

    @Test("duplicate declarations are left out of the model")
    func duplicatesLeftOut() {
        let bundle = TestBundle([("a.rein", prelude), ("b.rein", "tool scale_deployment {\n  effect read\n}\n")])
        #expect(bundle.result.model.tools.count == 4)
        #expect(bundle.result.model.tool(named: "scale_deployment")?.effect == .write)
    }
}
