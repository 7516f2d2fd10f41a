import ReinAdapters
import ReinServer
import Testing

/// The `mcp` section of `rein-serve.yaml`: read strictly, and checked against the bundle.
@Suite("rein-serve.yaml: mcp")
struct MCPConfigTests {
    static let valid = """
        mcp:
          approval_hold: 30s
          output_limit: 128KiB
          upstreams:
            k8s-read:  {command: ["kubernetes-mcp-server", "--read-only"], env: {KUBECONFIG: /etc/rein/observer.kubeconfig}}
            k8s-write: {url: "http://127.0.0.1:9100/mcp", headers: {Authorization: {env: K8S_WRITE_TOKEN}}}
            azure:     {url: "https://mcp.example/azure"}
          tools:
            get_pod_logs: {upstream: k8s-read, tool: pods_log, args: {namespace: namespace, name: pod, container: container, previous: previous}}
            restart_deployment:
              upstream: k8s-write
              tool: call_kubectl
              args: {command: {template: "rollout restart deployment/{deployment} -n {namespace}"}, options: {json: {dryRun: {const: false}, ns: namespace}}}
            pod_memory_trend: {upstream: azure, tool: monitor_workspace_log_query, args: {query: {kql: true}, table: {const: Perf}, hours: {const: 24}}}

        """

    static func read(_ text: String) -> Result<ServeConfig, ConfigError> {
        ServeConfig.read(SourceFile(path: "rein-serve.yaml", bytes: Array(text.utf8)))
    }

    static func messages(_ text: String) -> [String] {
        if case .failure(let error) = read(text) { return error.messages }
        return []
    }

    @Test func theSectionIsRead() throws {
        let mcp = try #require(try Self.read(Self.valid).get().mcp)
        #expect(mcp.approvalHold == 30 && mcp.outputLimit == 128 * 1024)
        #expect(mcp.upstreams.map(\.name) == ["k8s-read", "k8s-write", "azure"])
        guard case .stdio(let command, let env) = mcp.upstreams[0].transport, case .http(let url, let headers) = mcp.upstreams[1].transport else {
            Issue.record("the transports are \(mcp.upstreams.map(\.transport))")
            return
        }
        #expect(command == ["kubernetes-mcp-server", "--read-only"])
        #expect(env.map(\.name) == ["KUBECONFIG"] && env.map(\.value) == [.literal("/etc/rein/observer.kubeconfig")])
        #expect(url == "http://127.0.0.1:9100/mcp")
        #expect(headers.map(\.name) == ["Authorization"] && headers.map(\.value) == [.environment("K8S_WRITE_TOKEN")])
        #expect(mcp.tools.map(\.reinTool) == ["get_pod_logs", "restart_deployment", "pod_memory_trend"])
        let restart = mcp.tools[1]
        #expect(restart.args.map(\.name) == ["command", "options"])
        #expect(restart.args.first?.mapping == .template("rollout restart deployment/{deployment} -n {namespace}"))
        guard case .json(let members)? = restart.args.last?.mapping else {
            Issue.record("`options` is \(String(describing: restart.args.last))")
            return
        }
        #expect(members.map(\.name) == ["dryRun", "ns"] && members.map(\.mapping) == [.constant(.bool(false)), .arg("namespace")])
        #expect(members.map(\.place.line) == [13, 13] && members.map(\.place.column) == [118, 138])
        #expect(mcp.tools[2].args.map(\.mapping) == [.kql, .constant(.string("Perf")), .constant(.integer(24))])
        #expect(mcp.problems(against: exampleBundle.policy, path: "rein-serve.yaml").isEmpty)
    }

    @Test(arguments: [
        ("mcp:\n  approval_hold: 10m\n", "rein-serve.yaml:2:18: `approval_hold` must be a duration from 0s to 5m, not `10m`"),
        ("mcp:\n  output_limit: 10GB\n", "rein-serve.yaml:2:17: `output_limit` must be a size from 1KiB to 16MiB, such as `64KiB`, not `10GB`"),
        ("mcp:\n  upstreams:\n    a: {url: \"http://x\", command: [x]}\n", "rein-serve.yaml:3:8: upstream `a` needs either `command` (stdio) or `url` (Streamable HTTP)"),
        ("mcp:\n  upstreams:\n    a: {command: [x], headers: {A: b}}\n", "rein-serve.yaml:3:23: `headers` are for an upstream with a `url`; a `command` gets `env`"),
        ("mcp:\n  upstreams:\n    a: {command: []}\n", "rein-serve.yaml:3:18: `command` must be a non-empty list: the program and its arguments"),
        ("mcp:\n  tools:\n    t: {upstream: a, tool: b, args: {q: {kql: false}}}\n", "rein-serve.yaml:3:47: `kql` must be `true`: the query's KQL, rendered by Rein"),
        ("mcp:\n  tools:\n    t: {upstream: a, tool: b, args: {q: {const: 1, kql: true}}}\n", "rein-serve.yaml:3:41: a mapping is an arg's name, or one of {const: …}, {kql: true}, {template: \"…\"}, {json: {…}}"),
        ("mcp:\n  tools:\n    t: {upstream: a}\n", "rein-serve.yaml:3:8: missing key `tool`"),
        ("mcp:\n  listen: x\n", "rein-serve.yaml:2:3: unknown key `listen` in `mcp`"),
        ("mcp:\n  upstreams:\n    a: {url: \"https://bot:s3cret@mcp.example/x\"}\n", "rein-serve.yaml:3:14: `url` must not carry credentials"),
    ])
    func mistakesAreNamedWithTheirPlace(_ text: String, _ message: String) {
        #expect(Self.messages(text) == [message])
    }

    @Test func mappingsThatDoNotFitTheBundleAreNamed() throws {
        let text = """
            mcp:
              upstreams:
                k8s: {command: [k]}
              tools:
                get_pod_logs: {upstream: k8s, tool: pods_log, args: {namespace: namespace, name: podname}}
                restart_deployment: {upstream: k8s, tool: call, args: {command: {template: "restart {deploy}"}}}
                get_pod_loggs: {upstream: k8s, tool: x}
                describe_pod: {upstream: nowhere, tool: x, args: {q: {kql: true}}}

            """
        let mcp = try #require(try Self.read(text).get().mcp)
        #expect(mcp.problems(against: exampleBundle.policy, path: "rein-serve.yaml") == [
            "rein-serve.yaml:5:86: `get_pod_logs` has no arg `podname`",
            "rein-serve.yaml:6:69: the template names `{deploy}`, but `restart_deployment` has no arg `deploy`",
            "rein-serve.yaml:7:5: `get_pod_loggs` is not a tool or query of the bundle",
            "rein-serve.yaml:8:30: no upstream `nowhere` in `mcp.upstreams`",
            "rein-serve.yaml:8:58: `{kql: true}` is for a query; `describe_pod` is a tool",
            "rein-serve.yaml:3:5: upstream `k8s` serves the read tool `get_pod_logs` and the write tool `restart_deployment`: reads run as the observer and changes as the remediator, so give each its own upstream with its own credentials",
        ])
    }
}
