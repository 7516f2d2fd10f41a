import ReinSemantics
import ReinSyntax
import Testing

@Suite("A valid bundle")
struct ValidBundleTests {
    @Test("the prelude alone has no diagnostics")
    func preludeIsClean() {
        let bundle = TestBundle([("a.rein", prelude)])
        #expect(bundle.parseDiagnostics == [])
        #expect(bundle.allDiagnostics == [])
    }

    @Test("a varied valid bundle has no diagnostics")
    func variedBundleIsClean() {
        let extra = #"""
            query errors_by_container {
              arg namespace: namespace
              arg level: "error" | "warning" = "error"
              arg lookback: duration in 5m..6h = 30m
              kql """
                ContainerLogV2
                | where TimeGenerated > ago({lookback})   // placeholders stand where values go
                | where PodNamespace == {namespace} and LogLevel == {level}
                | extend payload = dynamic({"a": 1}), note = 'braces { like this } are text'
                """
            }
            tool cordon_node {
              effect write
              arg node: name
              arg reason: string len 1..200 matching #"^[ -~]+$"# = "memory pressure"
              arg grace: duration in 0s..10m = 1m
              elevate remediator role "Contributor" for 5m
            }
            policy extra {
              context ticket: string matching #"^INC-[0-9]+$"#
              context region: string len 1..32 = "westeurope"
              context max_replicas: int in 1..100 = 10
              deny [scale_deployment] when args.replicas > context.max_replicas because "too many"
              deny * when args.namespace in ["kube-system", "kube-public"] and tool.name != "get_top_pods_by_memory"
              deny * when "restart_deployment" in session.tools and tool.name == "restart_deployment"
              require approvals 3 for [scale_deployment, restart_deployment] when now.hour in 0..6 or now.weekday >= 6
              deny cordon_node when args.grace < 30s or not (args.reason like "*memory*")
              deny * when session.iteration > 5 and session.denials >= 3 and alert.monitor_condition == "Fired"
              deny * when args.lookback > 2h
            }
            runbook container_errors {
              title "Container error storm"
              trigger alert.rule like "container-errors-*" and (context.environment == "prod" or alert.severity in [0, 1])
              investigate errors_by_container, get_top_pods_by_memory
              remediate cordon_node
              approval {
                channel "sre-oncall"
                approvers 2
                allow "*@contoso.com", "oncall-*@contoso.com"
                timeout 10m
                on_timeout no_action
              }
              deny cordon_node when context.environment == "prod" and alert.resource_group like "rg-prod-*"
            }
            """#
        let bundle = TestBundle([("a.rein", prelude), ("b.rein", extra)])
        #expect(bundle.parseDiagnostics == [])
        #expect(bundle.allDiagnostics == [])
    }
}
