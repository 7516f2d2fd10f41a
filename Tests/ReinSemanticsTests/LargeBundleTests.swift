import ReinSemantics
import ReinSyntax
import Testing

/// The checker is linear: a 1 MB bundle (1,000 tools, 200 queries, 200 runbooks) is checked
/// well within 100 ms in release builds. Debug builds are several times slower, so the
/// bound asserted here is loose; `swift run -c release rein-bench` measures the real figure.
@Suite("Large bundle")
struct LargeBundleTests {
    static func largeBundle() -> [(path: String, text: String)] {
        var files: [(path: String, text: String)] = [("0-prelude.rein", prelude)]
        var tools = ""
        for index in 0..<1000 {
            if index % 10 == 9 {
                tools += """
                    # Tool \(index): generated for the checker's performance test. It stands for a
                    # typical Azure operation wrapped by the agent runtime, with bounded arguments.
                    # Owner: sre-platform@contoso.com; reviewed quarterly; see runbooks/README.md.
                    # Changes need two approvals from the platform team and a green `rein check`.
                    tool tool_\(index) {
                      effect write
                      description "Set the replica count of deployment group \(index)"
                      arg namespace: namespace
                      arg deployment: name
                      arg replicas: int in 1..\(10 + index % 20)
                      arg reason: string len 1..200 matching #"^[A-Za-z0-9 .,:;_-]+$"# = "pressure"
                      arg grace: duration in 0s..10m = 30s
                      elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
                    }

                    """
            } else {
                tools += """
                    # Tool \(index): generated for the checker's performance test. It stands for a
                    # typical Azure operation wrapped by the agent runtime, with bounded arguments.
                    # Owner: sre-platform@contoso.com; reviewed quarterly; see runbooks/README.md.
                    # Changes need two approvals from the platform team and a green `rein check`.
                    tool tool_\(index) {
                      effect read
                      description "Inspect workloads of group \(index) in one namespace"
                      arg namespace: namespace = "default"
                      arg pod: name = "pod-\(index)"
                      arg limit: int in 1..\(50 + index % 50) = 10
                      arg window: duration in 1m..24h = 1h
                      arg verbose: bool = false
                      arg sort: "memory" | "cpu" | "restarts" = "memory"
                    }

                    """
            }
        }
        files.append(("1-tools.rein", tools))
        var queries = ""
        for index in 0..<200 {
            queries += """
                # Query \(index): working-set memory of one pod, by minute, for the last hours.
                # The model supplies only the args; the template is fixed here and reviewed.
                query query_\(index) {
                  description "Memory of one pod over time, variant \(index)"
                  arg namespace: namespace
                  arg pod: name
                  arg lookback: duration in 5m..24h = 1h
                  arg top: int in 1..100 = 10
                  kql \"\"\"
                    Perf
                    | where TimeGenerated > ago({lookback})  // window
                    | where ObjectName == "K8SContainer" and CounterName == "memoryWorkingSetBytes"
                    | where InstanceName has {pod} and InstanceName has {namespace}
                    | summarize max(CounterValue) by bin(TimeGenerated, 1m), InstanceName
                    | top {top} by max_CounterValue desc
                    \"\"\"
                }

                """
        }
        files.append(("2-queries.rein", queries))
        var runbooks = ""
        for index in 0..<200 {
            let reads = (0..<4).map { "tool_\((index * 5 + $0 * 7) % 1000 / 10 * 10 + $0 % 9)" }
            let write = "tool_\((index * 10) % 1000 / 10 * 10 + 9)"
            runbooks += """
                runbook runbook_\(index) {
                  title "Generated incident \(index)"
                  trigger alert.rule like "gen-\(index)-*" and alert.severity <= \(index % 5)
                  max_iterations \(4 + index % 8)
                  investigate \((reads + ["query_\(index)"]).joined(separator: ", "))
                  remediate \(write)
                  approval {
                    channel "sre-oncall-\(index % 7)"
                    approvers \(1 + index % 2)
                    allow "*@contoso.com"
                    timeout \(5 + index % 10)m
                    on_timeout page P\(1 + index % 3)
                  }
                  deny \(write) when args.replicas > \(5 + index % 5) and args.namespace != "sandbox"
                    because "group \(index) cannot host more replicas"
                  require approvals 2 for [\(write)] when alert.severity == 0
                  deny * when args.namespace in ["tenant-a", "tenant-b"] and context.environment == "prod"
                    because "tenant namespaces are managed by their owners"
                  deny \(write) when session.iteration > \(2 + index % 5) and "\(write)" in session.tools
                    because "one remediation per session for group \(index)"
                  deny * when now.hour in 0..5 and now.weekday >= 6 and alert.monitor_condition == "Fired"
                    and alert.resource_group like "rg-prod-*" because "weekend nights need a person"
                  require approvals 2 when context.environment == "prod" and tool.name like "tool_\(index % 10)*"
                  require approvals 3 for [\(write)] when args.replicas >= \(3 + index % 4) and context.environment != "dev"
                  deny [\(write)] when args.grace < 10s and not (args.reason like "*urgent*") because "too short a grace period"
                }

                """
        }
        files.append(("3-runbooks.rein", runbooks))
        return files
    }

    /// Timing lives in the benchmark (`swift run -c release rein-bench`); this only checks
    /// that a bundle of benchmark size is valid and fully modelled.
    @Test("a 1 MB bundle checks cleanly")
    func largeBundleChecksCleanly() {
        let sources = Self.largeBundle()
        let size = sources.reduce(0) { $0 + $1.text.utf8.count }
        #expect(size >= 1_000_000)
        let files = sources.enumerated().map { Parser.parse(SourceFile(path: $1.path, text: $1.text), fileIndex: $0) }
        #expect(files.flatMap(\.diagnostics).isEmpty)
        let result = Checker.check(files)
        #expect(result.diagnostics.isEmpty)
        #expect(result.model.tools.count == 1204)
    }
}
