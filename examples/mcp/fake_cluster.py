#!/usr/bin/env python3
"""A fake AKS cluster as an upstream MCP server, for the MCP gateway demo (examples/mcp/).

    python3 examples/mcp/fake_cluster.py          # stdio: rein-serve starts it (see rein-serve.yaml)

It plays a cluster where the deployment `payments/checkout-api` is in CrashLoopBackOff since its
rollout to 2.14.0 (revision 42); 2.13.2 (revision 41) was healthy. Its tools are shaped like
those of common Kubernetes and Azure MCP servers:
- `kubectl(command)`: one kubectl command line (describe, rollout history, rollout restart and
  rollout undo are known);
- `pods_log(namespace, name, container, previous, tail)`: a container's log lines;
- `log_analytics_query(workspace, body)`: a Log Analytics query, the REST body `{"query",
  "timespan"}` as JSON text.

Reads answer canned output. Writes change nothing: they are recorded, and answered as kubectl
would. Every call is appended as one JSON line `{"identity", "tool", "arguments", "write"}` to the
file in `FAKE_CLUSTER_RECORD` (when set), so the demo can check what reached the cluster.

The caller's credential is `K8S_TOKEN`, as a real server would read its kubeconfig. The cluster
knows two: the observer's (reads only) and the remediator's (cluster admin, writes too). Rein
starts this script twice, once with each, so that reads and writes never share a credential.

Uses the official `mcp` package (MCPServer). On stdio it writes nothing but MCP to stdout.
"""
import json
import os
import shlex
import sys

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError  # answered as a result with isError, its text kept

# The demo's credentials, as the cluster's RBAC sees them. Never use such tokens for real.
IDENTITIES = {"demo-observer-credential": "observer", "demo-remediator-credential": "remediator"}

NAMESPACE, DEPLOYMENT, POD = "payments", "checkout-api", "checkout-api-7d9f8b6c5-x2k4q"

DESCRIBE_DEPLOYMENT = f"""\
Name:                   {DEPLOYMENT}
Namespace:              {NAMESPACE}
Annotations:            deployment.kubernetes.io/revision: 42
                        kubernetes.io/change-cause: release 2.14.0
Replicas:               3 desired | 3 updated | 3 total | 0 available | 3 unavailable
StrategyType:           RollingUpdate
Pod Template:
  Containers:
   checkout-api:
    Image:      contosoacr.azurecr.io/checkout-api:2.14.0
    Limits:     cpu: 500m, memory: 512Mi
    Environment From:  checkout-api-config  ConfigMap
Conditions:
  Type           Status  Reason
  Available      False   MinimumReplicasUnavailable
  Progressing    True    NewReplicaSetAvailable
Events:
  Type     Reason             Age   From                   Message
  Normal   ScalingReplicaSet  14m   deployment-controller  Scaled up replica set checkout-api-7d9f8b6c5 to 3
  Warning  BackOff            2m    kubelet                Back-off restarting failed container checkout-api"""

DESCRIBE_POD = f"""\
Name:         {POD}
Namespace:    {NAMESPACE}
Status:       Running
Containers:
  checkout-api:
    Image:          contosoacr.azurecr.io/checkout-api:2.14.0
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
    Restart Count:  7
Events:
  Warning  BackOff  90s (x31 over 13m)  kubelet  Back-off restarting failed container checkout-api"""

ROLLOUT_HISTORY = f"""\
deployment.apps/{DEPLOYMENT}
REVISION  CHANGE-CAUSE                 IMAGE
40        release 2.13.1               contosoacr.azurecr.io/checkout-api:2.13.1
41        release 2.13.2               contosoacr.azurecr.io/checkout-api:2.13.2
42        release 2.14.0               contosoacr.azurecr.io/checkout-api:2.14.0"""

POD_LOG = """\
2026-12-06T09:03:58Z INFO  checkout-api 2.14.0 starting (go1.23.4)
2026-12-06T09:03:58Z INFO  loading configuration from environment
2026-12-06T09:03:58Z FATAL config: PAYMENTS_GATEWAY_URL is not set (2.14.0 reads it instead of PSP_ENDPOINT)
2026-12-06T09:03:58Z INFO  exiting with status 1"""

QUERY_ROWS = {
    # What each Container Insights table answers, by the first table the KQL names.
    "ContainerLogV2": """\
TimeGenerated         ContainerName  LogSource  LogMessage
2026-12-06T09:16:41Z  checkout-api   stderr     FATAL config: PAYMENTS_GATEWAY_URL is not set
2026-12-06T09:11:19Z  checkout-api   stderr     FATAL config: PAYMENTS_GATEWAY_URL is not set
2026-12-06T09:03:58Z  checkout-api   stderr     FATAL config: PAYMENTS_GATEWAY_URL is not set
(3 rows; no error lines before 09:03:58, the first start of 2.14.0)""",
    "KubePodInventory": """\
Name                         ContainerStatusReason  ContainerRestartCount  PodStatus
checkout-api-7d9f8b6c5-x2k4q CrashLoopBackOff       7                      Running
checkout-api-7d9f8b6c5-m8n2p CrashLoopBackOff       7                      Running
checkout-api-7d9f8b6c5-q5w7r CrashLoopBackOff       6                      Running""",
    "KubeEvents": """\
ObjectKind  Name                          Reason   Events  Message
Pod         checkout-api-7d9f8b6c5-x2k4q  BackOff  31      Back-off restarting failed container checkout-api
Pod         checkout-api-7d9f8b6c5-m8n2p  BackOff  30      Back-off restarting failed container checkout-api""",
}


def identity():
    """Who the caller is, by its credential; None for an unknown one."""
    return IDENTITIES.get(os.environ.get("K8S_TOKEN", ""))


def record(tool, arguments, write=False, refused=None):
    """Appends the call to the record file, if there is one (`refused`: why it was refused)."""
    path = os.environ.get("FAKE_CLUSTER_RECORD")
    if path:
        entry = {"identity": identity(), "tool": tool, "arguments": arguments, "write": write}
        with open(path, "a") as handle:
            handle.write(json.dumps(entry | ({"refused": refused} if refused else {})) + "\n")


def caller():
    """The caller's identity; refuses an unknown credential."""
    if identity() is None:
        raise ToolError("error: You must be logged in to the server (Unauthorized)")
    return identity()


def kubectl_command(command):
    """(positional words, namespace, flags) of a `kubectl …` line."""
    words = shlex.split(command)
    if words[:1] == ["kubectl"]:
        words = words[1:]
    namespace, flags, positional = "default", {}, []
    while words:
        word = words.pop(0)
        if word in ("-n", "--namespace"):
            namespace = words.pop(0) if words else ""
        elif word.startswith("--"):
            name, _, value = word[2:].partition("=")
            flags[name] = value if value or not words else words.pop(0)
        else:
            positional.append(word)
    return positional, namespace, flags


def run_kubectl(command):
    """The output of one kubectl command line, and whether it is a write."""
    positional, namespace, flags = kubectl_command(command)
    verb = " ".join(positional[:2])
    target = positional[-1].removeprefix("deployment/").removeprefix("deployments/") if positional else ""
    if verb not in ("describe deployment", "describe pod", "rollout history", "rollout restart", "rollout undo"):
        raise ToolError(f"error: the fake cluster does not know `kubectl {verb}`")
    if namespace != NAMESPACE or target not in (DEPLOYMENT, POD):
        raise ToolError(f'Error from server (NotFound): "{target}" not found in namespace "{namespace}"')
    if verb == "describe deployment" and target == DEPLOYMENT:
        return DESCRIBE_DEPLOYMENT, False
    if verb == "describe pod" and target == POD:
        return DESCRIBE_POD, False
    if verb == "rollout history":
        return ROLLOUT_HISTORY, False
    if verb in ("rollout restart", "rollout undo"):
        if caller() != "remediator":
            raise ToolError(f'Error from server (Forbidden): User "{caller()}" cannot patch resource "deployments" in "{namespace}"')
        if verb == "rollout restart":
            return f"deployment.apps/{DEPLOYMENT} restarted", True
        revision = flags.get("to-revision", "")
        if revision not in ("40", "41", "42"):
            raise ToolError(f"error: unable to find specified revision {revision} in history")
        return f"deployment.apps/{DEPLOYMENT} rolled back (to revision {revision})", True
    raise ToolError(f'Error from server (NotFound): "{target}" is not a {positional[1]}')


def main():
    server = MCPServer("fake-aks-cluster")

    def answer(tool, arguments, run):
        """Runs a call and records it; a refusal is recorded too, and answered with isError."""
        try:
            caller()
            output, write = run()
        except ToolError as error:
            record(tool, arguments, refused=str(error))
            raise
        record(tool, arguments, write=write)
        return output

    @server.tool()
    def kubectl(command: str) -> str:
        """Run one kubectl command line against the cluster."""
        return answer("kubectl", {"command": command}, lambda: run_kubectl(command))

    @server.tool()
    def pods_log(namespace: str, name: str, container: str, previous: bool = False, tail: int = 100) -> str:
        """The last log lines of a pod's container (of its previous run with previous=true)."""
        def run():
            if (namespace, name) != (NAMESPACE, POD):
                raise ToolError(f'Error from server (NotFound): pods "{name}" not found')
            return "\n".join(POD_LOG.splitlines()[-tail:]), False
        return answer("pods_log", {"namespace": namespace, "name": name, "container": container, "previous": previous, "tail": tail}, run)

    @server.tool()
    def log_analytics_query(workspace: str, body: str) -> str:
        """Run a KQL query on a Log Analytics workspace. body: the REST body {"query", "timespan"} as JSON text."""
        request = json.loads(body)
        query = request.get("query", "")
        table = min((name for name in QUERY_ROWS if name in query), key=query.find, default=None)
        return answer("log_analytics_query", {"workspace": workspace, "body": request},
                      lambda: (QUERY_ROWS[table] if table else "(0 rows)", False))

    server.run()  # stdio


if __name__ == "__main__":
    sys.exit(main())
