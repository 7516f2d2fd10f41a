import ReinSemantics
import ReinSyntax
import Testing

/// A bundle parsed from in-memory files, in the order given (file index = position).
struct TestBundle {
    var files: [SourceFileSyntax]
    var result: CheckResult

    init(_ sources: [(path: String, text: String)]) {
        files = sources.enumerated().map { index, source in
            Parser.parse(SourceFile(path: source.path, text: source.text), fileIndex: index)
        }
        result = Checker.check(files)
    }

    /// Parse diagnostics, as `code@path:line:col` (tests of the checker want none).
    var parseDiagnostics: [String] {
        files.flatMap(\.diagnostics).map { "\($0.code)@\(location($0.span, withPath: true))" }
    }

    /// Checker diagnostics as `code@line:col` for those in the file at `path`, in output order.
    func diagnostics(in path: String) -> [String] {
        result.diagnostics.filter { files[$0.span.file].file.path == path }.map { "\($0.code)@\(location($0.span))" }
    }

    /// Every checker diagnostic as `code@path:line:col`.
    var allDiagnostics: [String] {
        result.diagnostics.map { "\($0.code)@\(location($0.span, withPath: true))" }
    }

    /// `line:col` (or `path:line:col`) of a span's start.
    func location(_ span: SourceSpan, withPath: Bool = false) -> String {
        let file = files[span.file].file
        let position = file.position(of: span.start)
        return withPath ? "\(file.path):\(position)" : "\(position)"
    }

    /// The source text a span covers.
    func text(_ span: SourceSpan) -> String { files[span.file].file.text(of: span) }
}

/// A valid bundle in the spirit of LANGUAGE.md: tests add a second file `test.rein`.
let prelude = #"""
    identity observer {
      role "Monitoring Reader"
      role "Log Analytics Reader"
    }
    identity remediator {
      principal "a3bb8764-cb92-4276-9d2a-ca1e895e55ea"
      eligible "Azure Kubernetes Service Cluster Admin Role" at resource
      eligible "Contributor" at resource_group
      max_activation 30m
    }
    # Scale a deployment to a bounded replica count.
    tool scale_deployment {
      effect write
      description "Set the replica count of a deployment"
      arg namespace: namespace
      arg deployment: name
      arg replicas: int in 1..10
      elevate remediator role "Azure Kubernetes Service Cluster Admin Role" for 15m
    }
    tool restart_deployment {
      effect write
      arg namespace: namespace
      arg deployment: name
      elevate remediator role "Contributor" for 10m
    }
    tool get_top_pods_by_memory {
      effect read
      arg namespace: namespace
      arg limit: int in 1..50 = 10
    }
    query pod_memory_trend {
      description "Working-set memory of one pod over time"
      arg namespace: namespace
      arg pod: name
      arg lookback: duration in 5m..24h = 1h
      kql """
        Perf
        | where TimeGenerated > ago({lookback})
        | where ObjectName == "K8SContainer" and CounterName == "memoryWorkingSetBytes"
        | where InstanceName has {pod} and Namespace == {namespace}
        | summarize max(CounterValue) by bin(TimeGenerated, 1m)
        """
    }
    policy baseline {
      forbid namespace "kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"
      max_iterations 12
      max_elevation 30m
      approval_timeout 15m
      context environment: "prod" | "staging" | "dev"
      context change_freeze: bool = false
      require approvals 2 when context.environment == "prod" and tool.effect == write
      deny * when tool.effect == write and context.change_freeze because "change freeze in effect"
    }
    runbook aks_node_memory_pressure {
      title "AKS node pool memory exhausted"
      trigger alert.rule like "aks-node-memory-*" and alert.severity <= 2
      max_iterations 8
      investigate get_top_pods_by_memory, pod_memory_trend
      remediate scale_deployment, restart_deployment
      approval {
        channel "sre-oncall"
        approvers 1
        allow "*@contoso.com"
        timeout 15m
        on_timeout page P1
      }
      deny scale_deployment when args.replicas > 6 because "pool cannot host more than 6 replicas"
    }

    """#

/// One checker test: a source for `test.rein` and the diagnostics expected in it.
struct CheckCase: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    /// `code@line:col`, in output order.
    var expected: [String]
    /// Whether the prelude is part of the bundle (as `a.rein`, before `test.rein`).
    var withPrelude = true

    var testDescription: String { name }

    /// Checks the case; the source must parse cleanly.
    func run() -> TestBundle {
        var sources: [(path: String, text: String)] = []
        if withPrelude { sources.append(("a.rein", prelude)) }
        sources.append(("test.rein", source))
        return TestBundle(sources)
    }
}

/// Runs a case and compares the diagnostics in `test.rein` (and that nothing else fired).
func expectCase(_ testCase: CheckCase, sourceLocation: SourceLocation = #_sourceLocation) {
    let bundle = testCase.run()
    #expect(bundle.parseDiagnostics == [], "the test source must parse cleanly", sourceLocation: sourceLocation)
    #expect(bundle.diagnostics(in: "test.rein") == testCase.expected, sourceLocation: sourceLocation)
    #expect(bundle.diagnostics(in: "a.rein") == [], sourceLocation: sourceLocation)
}
