#!/usr/bin/env python3
"""The official Python MCP client against rein-serve's MCP gateway, in both protocol eras.

    python3 Scripts/mcp-client-test.py [--bin DIR]

Starts a recording upstream MCP server (Scripts/recording_upstream.py, the official package's
MCPServer) and the built `rein-serve` on loopback ports (with a webhook receiver for the
effects, a 2 s approval hold, `get_pod_logs` mapped to `pods_log` of the same server run over
stdio with a read credential, and `restart_deployment` to its HTTP `resources_scale` with a
write credential), opens an incident through the REST API, and for each era (the session-based
one, `mode="legacy"`, and 2026-07-28, which the client negotiates by itself; the two at once,
each on its own incident), and for a client that starts the stdio bridge `rein mcp-stdio` as a
local server, checks:
- `tools/list` offers exactly the runbook's tools, with input schemas;
- a call Rein denies is a result with isError and one `code: message` line per reason;
- an unknown tool is a JSON-RPC error;
- an allowed call is forwarded to the upstream with the mapped arguments and the read
  credential, its output is the answer and is recorded as the `observe` event;
- a remediation holds (with progress notifications on the call's own SSE stream), then
  answers that the approval is pending; the same call again
  re-attaches to that approval (no second card); approved during the hold, its role activated
  (the webhook's executor acknowledges it), it runs on the write upstream with the
  remediator's credential and answers with the upstream's output; the execution never
  reaches the webhook, the deactivation does;
- a held call the client cancels leaves the approval pending;
- exactly these calls reached the upstream, with these arguments and credentials.
Then a 2026-07-28 exchange by hand (discovery, `_meta`, routing-header mismatches refused) and
the stdio bridge's refusals (a line that is not JSON, a wrong token, an unset token variable).
Needs the `mcp` package from PyPI. Exit status: 0 all held, 1 a check failed, 2 it could not run.
"""
import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webhook_receiver import Receiver  # noqa: E402

try:
    import anyio
    from mcp.client.client import Client
    from mcp.client.stdio import StdioServerParameters
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
except ImportError:
    print("mcp-client-test: needs the mcp package (pip install mcp)", file=sys.stderr)
    sys.exit(2)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENS = {"agent": "mcp-agent-token", "alice": "mcp-alice-token", "reader": "mcp-reader-token", "executor": "mcp-executor-token"}
FAILURES = []
# The clients: the session era and 2026-07-28 over HTTP, then the same two eras through the
# stdio bridge (`rein mcp-stdio`), which the client starts as its local server.
MODES = ("legacy", "auto", "stdio-legacy", "stdio")


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print(f"mcp-client-test: FAILED: {what}", file=sys.stderr)


def rest(port, method, path, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKENS[token]}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def text(result):
    return "\n".join(block.text for block in result.content if getattr(block, "type", "") == "text")


def transport(port, incident, mode, binaries):
    """The client's transport: Streamable HTTP to the gateway, or (mode "stdio") the stdio
    bridge `rein mcp-stdio` started by the client as a local server."""
    url = f"http://127.0.0.1:{port}/v1/incidents/{incident}/mcp"
    if mode.startswith("stdio"):
        return StdioServerParameters(command=os.path.join(binaries, "rein"), args=["mcp-stdio", "--url", url, "--token-env", "REIN_AGENT_TOKEN"],
                                     env={"REIN_AGENT_TOKEN": TOKENS["agent"], "PATH": os.environ.get("PATH", "")})
    return streamable_http_client(url, http_client=create_mcp_http_client(headers={"Authorization": f"Bearer {TOKENS['agent']}"}))


async def exercise(port, incident, mode, binaries):
    async with Client(transport(port, incident, mode, binaries), mode="legacy" if mode.endswith("legacy") else "auto") as client:
        era = client.protocol_version
        tools = await client.list_tools()
        names = [tool.name for tool in tools.tools]
        check("get_pod_logs" in names and "restart_deployment" in names and "cordon_node" not in names,
              f"[{mode}] tools/list offers the runbook's tools only: {names}")
        logs = next(tool for tool in tools.tools if tool.name == "get_pod_logs")
        check(logs.input_schema.get("additionalProperties") is False, f"[{mode}] get_pod_logs has a closed input schema")
        denied = await client.call_tool("get_pod_logs", {"namespace": "kube-system", "pod": "p", "container": "c"})
        check(denied.is_error and text(denied).startswith("forbidden_namespace: "), f"[{mode}] a denied call says why: {text(denied)!r}")
        # A tool the runbook does not declare, and one that only the upstream has: both unknown.
        for name in ("drop_database", "pods_log"):
            unknown_error = None
            try:
                unknown = await client.call_tool(name, {})
                unknown_error = None if not unknown.is_error else text(unknown)
            except Exception as error:  # the client raises a JSON-RPC error
                unknown_error = str(error)
            check(unknown_error is not None and "Unknown tool" in unknown_error, f"[{mode}] `{name}` is an unknown tool: {unknown_error!r}")
        logs_result = await client.call_tool("get_pod_logs", {"namespace": "cart", "pod": "cart-service-59c7-x1z", "container": "cart",
                                                              "reason": "why does it crash?"})
        check(not logs_result.is_error and "connection refused" in text(logs_result),
              f"[{mode}] an allowed call answers with the upstream's output: {text(logs_result)!r}")
        restart = {"namespace": "cart", "deployment": "cart-service", "reason": "restart the stuck pods"}
        progress = []

        async def on_progress(value, total, message):
            progress.append(message)

        # A held call the client gives up on (the session era posts notifications/cancelled,
        # 2026-07-28 closes the stream): the approval stays with the humans.
        with anyio.move_on_after(0.5):
            await client.call_tool("restart_deployment", restart)
            check(False, f"[{mode}] the held call was cancelled")
        _, view = rest(port, "GET", f"/v1/incidents/{incident}", "reader")
        check(view["phase"] == "awaiting_approval", f"[{mode}] a cancelled call leaves the approval pending: {view['phase']}")
        pending = await client.call_tool("restart_deployment", restart, progress_callback=on_progress)
        check(any(m and m.startswith("waiting for approval: 0 of 1") for m in progress),
              f"[{mode}] the held call reports progress on its own stream: {progress}")
        check(not pending.is_error and (pending.structured_content or {}).get("status") == "pending",
              f"[{mode}] past the hold the approval is pending: {text(pending)!r}")
        digest = (pending.structured_content or {}).get("digest")

        def approve():
            time.sleep(0.7)
            rest(port, "POST", f"/v1/incidents/{incident}/approvals", "alice", {"verdict": "approve", "digest": digest})

        threading.Thread(target=approve, daemon=True).start()
        approved = await client.call_tool("restart_deployment", restart)
        check((approved.structured_content or {}).get("status") == "succeeded" and "scaled to 1" in text(approved),
              f"[{mode}] approved during the hold, run upstream: {text(approved)!r}")
        _, view = rest(port, "GET", f"/v1/incidents/{incident}", "reader")
        cards = [effect for effect in view["effects"] if effect["type"] == "send_approval_card"]
        check(len(cards) == 1, f"[{mode}] the repeated call re-attached to the approval: {len(cards)} cards")
        thoughts = [step for step in view["steps"] if step["event"] == "propose"]
        check(len(thoughts) == 3, f"[{mode}] three proposals were recorded (denied, read, restart): {len(thoughts)}")
        check([step["event"] for step in view["steps"]].count("observe") == 1, f"[{mode}] the upstream's output is the observe event")
        return era


def raw_2026(port, incident):
    """A 2026-07-28 exchange by hand: discovery, per-request `_meta`, routing headers that must
    match the body (each mismatch refused, nothing decided), an unsupported version."""
    url = f"http://127.0.0.1:{port}/v1/incidents/{incident}/mcp"
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}

    def post(method, params, headers):
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
        for name, value in {"Authorization": f"Bearer {TOKENS['agent']}", "Content-Type": "application/json",
                            "Accept": "application/json, text/event-stream", **headers}.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    routing = lambda method, name=None: {"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method,  # noqa: E731
                                         **({"Mcp-Name": name} if name else {})}
    status, found = post("server/discover", {"_meta": meta}, routing("server/discover"))
    result = found.get("result", {})
    check(status == 200 and result.get("resultType") == "complete" and "2026-07-28" in result.get("supportedVersions", []),
          f"[raw] server/discover: {status} {found}")
    status, listed = post("tools/list", {"_meta": meta}, routing("tools/list"))
    result = listed.get("result", {})
    check(status == 200 and result.get("ttlMs") == 300000 and result.get("cacheScope") == "private" and result.get("tools"),
          f"[raw] tools/list is cacheable, privately: {status} {str(listed)[:200]}")
    call = {"name": "get_pod_logs", "arguments": {"namespace": "cart", "pod": "p", "container": "c"}, "_meta": meta}
    for what, headers in [("Mcp-Name names another tool", routing("tools/call", "restart_deployment")),
                          ("Mcp-Name is missing", routing("tools/call")),
                          ("Mcp-Method names another method", routing("tools/list", "get_pod_logs"))]:
        status, refused = post("tools/call", call, headers)
        check(status == 400 and refused.get("error", {}).get("code") == -32020, f"[raw] {what}: refused with -32020: {status} {refused}")
    status, refused = post("tools/call", {key: value for key, value in call.items() if key != "_meta"}, routing("tools/call", "get_pod_logs"))
    check(status == 400 and refused.get("error", {}).get("code") == -32602, f"[raw] a request without _meta: {status} {refused}")
    status, refused = post("tools/call", {**call, "_meta": {**meta, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}},
                           {**routing("tools/call", "get_pod_logs"), "MCP-Protocol-Version": "2099-01-01"})
    check(status == 400 and refused.get("error", {}).get("code") == -32022, f"[raw] an unsupported version: {status} {refused}")
    _, view = rest(port, "GET", f"/v1/incidents/{incident}", "reader")
    check(view["steps"] == [], f"[raw] the refused requests decided nothing: {view['steps']}")


def bridge_refusals(port, binaries):
    """The stdio bridge answers what it cannot relay as JSON-RPC errors, and refuses to start
    without its token."""
    rein = os.path.join(binaries, "rein")
    url = f"http://127.0.0.1:{port}/v1/incidents/INC-MCP-legacy/mcp"
    lines = b'not json\n{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}\n'
    run = subprocess.run([rein, "mcp-stdio", "--url", url, "--token-env", "WRONG_TOKEN"], input=lines, capture_output=True, timeout=60,
                         env={"WRONG_TOKEN": "not-a-token", "PATH": os.environ.get("PATH", "")})
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    check(run.returncode == 0 and len(answers) == 2, f"[bridge] two answers, exit 0: {run.returncode} {answers} {run.stderr!r}")
    by_id = {json.dumps(answer.get("id")): answer for answer in answers}
    check(by_id.get("null", {}).get("error", {}).get("code") == -32700, f"[bridge] a line that is not JSON is a parse error: {answers}")
    check("HTTP 401" in by_id.get("1", {}).get("error", {}).get("message", ""), f"[bridge] a refused token is an error for that request: {answers}")
    unset = subprocess.run([rein, "mcp-stdio", "--url", url, "--token-env", "NOT_SET_ANYWHERE"], input=b"", capture_output=True, timeout=60,
                           env={"PATH": os.environ.get("PATH", "")})
    check(unset.returncode == 64 and b"NOT_SET_ANYWHERE" in unset.stderr, f"[bridge] an unset token variable stops it: {unset.returncode} {unset.stderr!r}")
    credentials = subprocess.run([rein, "mcp-stdio", "--url", url.replace("127.0.0.1", "agent:secret@127.0.0.1"), "--token-env", "WRONG_TOKEN"],
                                 input=b"", capture_output=True, timeout=60, env={"WRONG_TOKEN": "x", "PATH": os.environ.get("PATH", "")})
    check(credentials.returncode == 64, f"[bridge] a URL with credentials is refused: {credentials.returncode} {credentials.stderr!r}")


def main():
    parser = argparse.ArgumentParser(description="The official Python MCP client against rein-serve.")
    parser.add_argument("--bin", help="the folder of the built rein-serve (default: swift build --show-bin-path)")
    args = parser.parse_args()
    binaries = os.path.abspath(args.bin or subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True,
                                                          text=True, check=True).stdout.strip())
    folder = tempfile.mkdtemp(prefix="rein-mcp-")
    ports = {}

    def acknowledge(effect_id):
        try:
            rest(ports["rein"], "POST", f"/v1/effects/{effect_id}/ack", "executor", {"ok": True})
        except OSError:
            pass  # the server is stopping

    def executor(effect, incident):
        # The webhook's executor: it activates the role (acknowledged), and releases it.
        if effect["type"] in ("activate_role", "deactivate_role"):
            threading.Thread(target=acknowledge, args=(effect["id"],), daemon=True).start()

    receiver = Receiver("mcp-webhook-secret", on_effect=executor)
    hook = receiver.start()
    record = os.path.join(folder, "upstream-calls.jsonl")
    with socket_port() as upstream_port:
        pass
    upstream = subprocess.Popen([sys.executable, os.path.join(REPO, "Scripts", "recording_upstream.py"), "--port", str(upstream_port), "--record", record],
                                stdout=open(os.path.join(folder, "upstream.log"), "wb"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{upstream_port}/mcp", data=b"{}", method="POST"), timeout=1)
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.05)
    sha = lambda token: hashlib.sha256(token.encode()).hexdigest()  # noqa: E731
    with open(os.path.join(folder, "rein-serve.yaml"), "w") as handle:
        handle.write(f"""tokens:
  - {{name: agent-runtime, role: agent, sha256: "{sha(TOKENS['agent'])}"}}
  - {{name: alice@contoso.com, role: approver, sha256: "{sha(TOKENS['alice'])}"}}
  - {{name: dashboards, role: reader, sha256: "{sha(TOKENS['reader'])}"}}
  - {{name: executor, role: executor, sha256: "{sha(TOKENS['executor'])}"}}
executors:
  webhook: {{url: "http://127.0.0.1:{hook}/rein-effects", secret_env: REIN_WEBHOOK_SECRET}}
mcp:
  approval_hold: 2s
  upstreams:
    k8s-read: {{command: ["{sys.executable}", "{os.path.join(REPO, 'Scripts', 'recording_upstream.py')}", "--stdio", "--record", "{record}"], env: {{K8S_TOKEN: {{env: K8S_READ_TOKEN}}}}}}
    k8s-write: {{url: "http://127.0.0.1:{upstream_port}/mcp", headers: {{Authorization: {{env: K8S_WRITE_TOKEN}}}}}}
  tools:
    get_pod_logs: {{upstream: k8s-read, tool: pods_log, args: {{namespace: namespace, name: pod, container: container}}}}
    restart_deployment: {{upstream: k8s-write, tool: resources_scale, args: {{namespace: namespace, name: deployment, scale: {{const: 1}}}}}}
""")
    with socket_port() as port:
        ports["rein"] = port
    server = subprocess.Popen(
        [os.path.join(binaries, "rein-serve"), "--config", os.path.join(folder, "rein-serve.yaml"), "--bundle", os.path.join(REPO, "policies"),
         "--bundle", os.path.join(REPO, "runbooks"), "--listen", f"127.0.0.1:{port}", "--data", os.path.join(folder, "data")],
        stdout=open(os.path.join(folder, "server.log"), "wb"), stderr=subprocess.STDOUT,
        env={**os.environ, "REIN_WEBHOOK_SECRET": "mcp-webhook-secret", "K8S_READ_TOKEN": "Bearer observer-credential",
             "K8S_WRITE_TOKEN": "Bearer remediator-credential"})
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            print(f"mcp-client-test: rein-serve did not start (log: {folder}/server.log)", file=sys.stderr)
            return 2
        with open(os.path.join(REPO, "examples", "opening.json")) as handle:
            opening = json.load(handle)
        for mode in MODES + ("raw",):
            opening["incident"] = f"INC-MCP-{mode}"
            status, _ = rest(port, "POST", "/v1/incidents", "agent", opening)
            check(status == 201, f"[{mode}] the incident opens: {status}")

        async def clients(modes):
            # Each client works its own incident, at the same time as the other.
            return await asyncio.gather(*(exercise(port, f"INC-MCP-{mode}", mode, binaries) for mode in modes))

        # The two HTTP clients at once, then the two that start the stdio bridge.
        eras = dict(zip(MODES, asyncio.run(clients(MODES[:2])) + asyncio.run(clients(MODES[2:]))))
        for mode, era in eras.items():
            print(f"mcp-client-test: {mode}: protocol {era}")
            check(era == ("2025-11-25" if mode.endswith("legacy") else "2026-07-28"), f"[{mode}] the era negotiated: {era}")
        raw_2026(port, "INC-MCP-raw")
        bridge_refusals(port, binaries)
        with open(record) as handle:
            calls = [json.loads(line) for line in handle if line.strip()]
        read = {"tool": "pods_log", "arguments": {"namespace": "cart", "name": "cart-service-59c7-x1z", "container": "cart"},
                "authorization": "Bearer observer-credential"}
        write = {"tool": "resources_scale", "arguments": {"namespace": "cart", "name": "cart-service", "scale": 1},
                 "authorization": "Bearer remediator-credential"}
        canonical = lambda items: sorted(json.dumps(item, sort_keys=True) for item in items)  # noqa: E731
        check(canonical(calls) == canonical([read, write] * len(MODES)),
              f"exactly the allowed reads and the approved writes reached the upstream: {calls}")
        # The last deactivation is delivered after the last answer: wait for it (at most 15 s).
        expected_kinds = sorted(["activate_role", "deactivate_role", "send_approval_card"] * len(MODES))
        for _ in range(150):
            with receiver.lock:
                kinds = sorted(kind for kind, _ in receiver.received.values())
            if kinds == expected_kinds:
                break
            time.sleep(0.1)
        check(kinds == expected_kinds, f"the webhook got the cards and the elevations, never the executions: {kinds}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        upstream.terminate()
        upstream.wait(timeout=30)
        receiver.stop()
    print(f"mcp-client-test: {len(FAILURES)} failures")
    return 1 if FAILURES else 0


class socket_port:
    """A free loopback port."""

    def __enter__(self):
        import socket
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    sys.exit(main())
