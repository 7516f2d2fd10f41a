/// Generates a large, valid bundle: 1,000 tools, 200 queries and 200 runbooks by default.
struct BundleGenerator {
    var tools = 1000
    var queries = 200
    var runbooks = 200
    /// Declarations per generated file.
    var perFile = 50

    /// `(path, text)` pairs in bundle order.
    func generate() -> [(path: String, text: String)] {
        var files: [(String, String)] = [("bench/identities.rein", identities()), ("bench/policy.rein", policy())]
        files += chunked((0..<tools).map(tool), prefix: "bench/tools")
        files += chunked((0..<queries).map(query), prefix: "bench/queries")
        files += chunked((0..<runbooks).map(runbook), prefix: "bench/runbooks")
        return files.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
    }

    private func chunked(_ declarations: [String], prefix: String) -> [(String, String)] {
        stride(from: 0, to: declarations.count, by: perFile).map { start in
            let number = String(start / perFile)
            let padded = String(repeating: "0", count: max(0, 3 - number.count)) + number
            return ("\(prefix)_\(padded).rein", declarations[start..<min(start + perFile, declarations.count)].joined(separator: "\n"))
        }
    }

    private func identities() -> String {
        """
        # The read-only identity every read tool runs as.
        identity observer {
          role "Monitoring Reader"
          role "Log Analytics Reader"
        }

        # Activated through PIM only after approval.
        identity remediator {
          principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
          eligible "Azure Kubernetes Service Cluster Admin Role" at resource
          eligible "Contributor" at resource_group
          max_activation 30m
        }

        """
    }

    private func policy() -> String {
        """
        policy bench_baseline {
          forbid namespace "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"
          max_iterations 12
          max_elevation 30m
          approval_timeout 15m
          context environment:   "prod" | "staging" | "dev"
          context change_freeze: bool = false
          require approvals 2 when context.environment == "prod" and tool.effect == write
          deny * when tool.effect == write and context.change_freeze because "change freeze in effect"
          deny * when args.namespace like "tenant-*" and now.hour < 6 because "tenant namespaces are hands-off at night"
        }

        """
    }

    private func isWrite(_ index: Int) -> Bool { index % 10 == 9 }

    private func tool(_ index: Int) -> String {
        if isWrite(index) {
            return """
                # Scale workload \(index) to a bounded replica count. Wraps `kubectl scale deployment`
                # through the agent runtime's activity function; the function re-validates every
                # argument, so this declaration is the single source of truth for the bounds.
                # Owner: sre-platform@contoso.com. Changes need two reviews and a green `rein check`.
                tool tool_\(index) {
                  effect write
                  description "Set the replica count of deployment group \(index)"
                  arg namespace:  namespace
                  arg deployment: name
                  arg replicas:   int in 1..\(10 + index % 20)
                  arg reason:     string len 1..200 matching #"^[A-Za-z0-9 .,:;_-]+$"#
                  arg grace:      duration in 0s..10m = 30s
                  elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
                }

                """
        }
        return """
            # Read-only look at resource group \(index): lists the pods of one namespace with their
            # requests, limits and current usage, sorted as asked. Wraps `kubectl top pods` and
            # `kubectl get pods -o wide` through the observer identity; output is capped by `limit`.
            # Owner: sre-platform@contoso.com. Reviewed quarterly; see the review checklist.
            # Typical use: the first look at a namespace whose pods are being OOM-killed.
            tool tool_\(index) {
              effect read
              description "Inspect workloads of group \(index) in one namespace"
              arg namespace: namespace
              arg pod:       name = "pod-\(index)"
              arg limit:     int in 1..\(50 + index % 50) = 10
              arg window:    duration in 1m..24h = 1h
              arg verbose:   bool = false
              arg sort:      "memory" | "cpu" | "restarts" = "memory"
            }

            """
    }

    private func query(_ index: Int) -> String {
        """
        # Working-set memory trend \(index): the per-minute peak working set of every container of
        # one pod, found through KubePodInventory so that renamed pods are still matched. Used by
        # the memory-pressure runbooks to tell a leak (steady climb) from a burst (spike).
        query query_\(index) {
          description "Memory of one pod over time, variant \(index)"
          arg namespace: namespace
          arg pod:       name
          arg lookback:  duration in 5m..24h = 1h
          arg top:       int in 1..100 = 10
          kql \"\"\"
            Perf
            | where TimeGenerated > ago({lookback})
            | where ObjectName == "K8SContainer" and CounterName == "memoryWorkingSetBytes"
            | where InstanceName has {pod} and InstanceName has {namespace}
            | summarize max(CounterValue) by bin(TimeGenerated, 1m), InstanceName
            | join kind=inner (
                KubePodInventory
                | where TimeGenerated > ago({lookback})
                | where Namespace == {namespace}
                | distinct PodUid, Name
              ) on $left.InstanceName == $right.PodUid
            | top {top} by max_CounterValue desc
            \"\"\"
        }

        """
    }

    private func runbook(_ index: Int) -> String {
        // Five of the read tools each (every tenth tool writes), so that the runbooks together
        // list every tool: a real bundle has no unused ones (`rein.lint.unused-tool`).
        let readTools = tools - tools / 10
        let reads = (0..<5).map { offset -> String in
            let read = (index * 5 + offset) % max(1, readTools)
            return "tool_\(read / 9 * 10 + read % 9)"
        }
        let writes = ["tool_\((index * 10) % tools / 10 * 10 + 9)", "tool_\((index * 10 + 10) % tools / 10 * 10 + 9)"]
        let query = "query_\(index % max(1, queries))"
        return """
            # Generated incident \(index): a workload in one of the tenant namespaces exhausts its
            # node pool. The agent looks at the top consumers, the trend of the worst pod and the
            # deployment, then proposes a bounded scale-down that a human approves on Teams.
            runbook runbook_\(index) {
              title "Generated incident \(index)"
              description "Find the workload behind alert family gen-\(index) and scale it within bounds"
              trigger alert.rule like "gen-\(index)-*" and alert.severity <= \(index % 5)
              max_iterations \(4 + index % 8)
              investigate \((reads + [query]).joined(separator: ", "))
              remediate \(Array(Set(writes)).sorted().joined(separator: ", "))
              approval {
                channel "sre-oncall-\(index % 7)"
                approvers \(1 + index % 2)
                allow "*@contoso.com"
                timeout \(5 + index % 10)m
                on_timeout page P\(1 + index % 3)
              }
              deny \(writes[0]) when args.replicas > \(5 + index % 5) and args.namespace != "sandbox"
                because "group \(index) cannot host more replicas"
              deny \(writes[0]) when args.grace > 5m because "a grace period over five minutes keeps the pool starved"
              require approvals 2 for [\(Array(Set(writes)).sorted().joined(separator: ", "))] when alert.severity == 0
            }

            """
    }
}
