#!/usr/bin/env python3
"""The MCP gateway demo in one command: one incident worked end to end through Rein.

    python3 examples/mcp/demo.py [--bin DIR]      # from the repository root; needs the `mcp` package

DIR holds the built `rein-serve` (default: $REIN_BIN, else .build/debug). The demo:
- starts a webhook executor here (it verifies each effect's signature, hands the approval card
  to "the human", and activates and releases the remediator's role, acknowledging each);
- starts rein-serve on a free port with examples/mcp/rein-serve.yaml (its webhook URL pointed
  at that executor) and a temporary database; rein-serve starts the fake cluster
  (examples/mcp/fake_cluster.py) twice over stdio, as the observer and as the remediator;
- runs the scripted agent (examples/mcp/agent.py) against the incident's MCP server, while
  "the human", alice, approves the rollback through the REST API once she has read the card;
- prints what Rein recorded, checks that the run went as scripted, and stops everything.

With --serve there is no scripted agent: it opens the incident and serves it on 127.0.0.1:8080
until Ctrl-C, for an MCP client of your own (Claude Desktop, VS Code: see README.md), printing the
command that approves each card that comes.

Exit status: 0 the run went as scripted (the rollback reached the cluster exactly once, as the
remediator, and no denied call reached it), 1 it did not, 2 the demo could not run.
"""
import argparse
import asyncio
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in examples/mcp
import agent  # noqa: E402  (examples/mcp/agent.py)

sys.path.insert(0, os.path.join(REPO, "Scripts"))
from webhook_receiver import Receiver  # noqa: E402  (the strict receiver the tests use too)

INCIDENT = "INC-DEMO-0001"
# The examples' tokens (examples/rein-serve.yaml): never use them for real.
TOKENS = {"agent": "example-agent-token", "executor": "example-executor-token", "alice": "example-alice-token",
          "reader": "example-reader-token"}
SECRET = "demo-webhook-secret"
# The fake cluster's two credentials (fake_cluster.py knows them); rein-serve passes each to its upstream.
CREDENTIALS = {"OBSERVER_K8S_TOKEN": "demo-observer-credential", "REMEDIATOR_K8S_TOKEN": "demo-remediator-credential"}
CONFIG_WEBHOOK = "http://127.0.0.1:9100/rein-effects"
READING_TIME = 6  # seconds the human takes over the card: longer than the 4 s hold, so the agent re-attaches


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Executor:
    """The webhook executor, on the strict receiver of Scripts/webhook_receiver.py (which checks
    each effect's signature, key and shape, and passes each new effect here once): the approval
    card goes to the human; activate_role and deactivate_role are acknowledged
    (POST /v1/effects/{id}/ack), as a PIM activation would be. It never gets an `execute`: the
    gateway runs an approved write on its upstream itself."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cards = queue.Queue()
        self.received = []  # (effect id, type, what the executor did), in the order received
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.receiver = Receiver(SECRET, on_effect=self.carry_out)

    def carry_out(self, effect, incident):
        kind = effect["type"]
        if kind == "send_approval_card":
            done = "handed the card to the approvers"
            self.cards.put(effect["card"])
        elif kind in ("activate_role", "deactivate_role"):
            done = f"{'activated' if kind == 'activate_role' else 'released'} the role, acknowledged"
            threading.Thread(target=self.acknowledge, args=(effect["id"], kind), daemon=True).start()
        else:
            done = "not expected here"
        with self.lock:
            self.received.append((effect["id"], kind, done))

    def acknowledge(self, effect_id, kind):
        status, answer = agent.rest(self.base_url, "POST", f"/v1/effects/{effect_id}/ack", TOKENS["executor"], {"ok": True})
        if status != 200:
            print(f"[executor] the acknowledgement of {effect_id} was answered {status}: {answer}", file=sys.stderr)
        if kind == "deactivate_role":
            self.released.set()

    def start(self):
        """Starts receiving on a free loopback port; the port."""
        return self.receiver.start()

    def stop(self):
        self.receiver.stop()


def human(base_url, cards, failures):
    """Alice, an approver: reads the card when it reaches her, then approves through the REST API."""
    try:
        card = cards.get(timeout=60)
    except queue.Empty:
        failures.append("no approval card reached the human")
        return
    time.sleep(READING_TIME)
    blocks = card["body"]
    facts = {fact["title"]: fact["value"] for block in blocks if block["type"] == "FactSet" for fact in block["facts"]}
    texts = [block["text"] for block in blocks if block["type"] == "TextBlock"]
    print(f"\n[the human] alice@contoso.com reads the card in #sre-oncall: {texts[0]}")
    print(f"            args: {', '.join(f'{k}={v}' for k, v in facts.items() if k in ('namespace', 'deployment', 'revision'))}")
    print(f"            {next(text for text in texts if text.startswith('Approving'))}")
    print(f"            She approves it (POST /v1/incidents/{INCIDENT}/approvals, as alice).\n", flush=True)
    digest = card["actions"][0]["data"]["digest"]
    status, answer = agent.rest(base_url, "POST", f"/v1/incidents/{INCIDENT}/approvals", TOKENS["alice"],
                                {"verdict": "approve", "digest": digest})
    if status != 200 or answer["step"].get("accepted") is False:
        failures.append(f"the approval was not taken: {status} {answer}")


def show_recording(base_url):
    """What Rein recorded: each event of the incident with its decision, and how it ended. The
    recording (GET …/recording) has the events, the incident (GET …) the decisions."""
    _, view = agent.rest(base_url, "GET", f"/v1/incidents/{INCIDENT}", TOKENS["reader"])
    _, recording = agent.rest(base_url, "GET", f"/v1/incidents/{INCIDENT}/recording", TOKENS["reader"])
    print(f"\nWhat Rein recorded (GET /v1/incidents/{INCIDENT} and its /recording, as a reader):")
    proposals = []
    for number, (event, step) in enumerate(zip(recording["events"], view["steps"])):
        if "propose" in event:
            tool = event["propose"].get("tool") or event["propose"].get("remediate")
            proposals.append((tool, step["decision"]["decision"]))
            what = f"propose  {tool:<21} {step['decision']['decision']}"
        elif "observe" in event:
            what = f"observe  the upstream's output, {len(event['observe']['output'])} characters"
        elif "approve" in event:
            what = f"approve  by {event['approve']['by']}"
        elif "result" in event:
            what = f"result   {event['result']['status']}: {event['result'].get('detail', '')}"
        else:
            what = " ".join(key for key in event if key != "at")
        print(f"  {number:>2}  {what}")
    outcome = view.get("outcome") or {}
    print(f"  phase {view['phase']}, outcome {outcome.get('outcome')} ({outcome.get('reason')})")
    return view, proposals, recording


def shown(arguments):
    """A call's arguments on one line: a command as it is, others as name=value (a query cut)."""
    if set(arguments) == {"command"}:
        return arguments["command"]
    flat = {**arguments, **arguments.get("body", {})}
    flat.pop("body", None)
    if "query" in flat:
        flat["query"] = flat["query"].splitlines()[0] + " | …"
    return " ".join(f"{name}={value if isinstance(value, str) else json.dumps(value)}" for name, value in flat.items())


def replayed(binaries, recording, view, failures):
    """`rein replay` of the recording gives the live incident's decisions and outcome."""
    rein = os.path.join(binaries, "rein")
    if not os.access(rein, os.X_OK):
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
        json.dump(recording, handle)
        handle.flush()
        replay = json.loads(subprocess.run([rein, "replay", "--json", handle.name], cwd=REPO, capture_output=True, text=True).stdout)
    decisions = lambda steps: [(step.get("decision") or {}).get("decision") for step in steps]  # noqa: E731
    same = decisions(replay["steps"]) == decisions(view["steps"]) and replay["outcome"] == view["outcome"]["outcome"]
    print(f"\nrein replay of that recording: {len(replay['steps'])} steps, outcome {replay['outcome']} ({replay['reason']}): "
          + ("the same as live." if same else "NOT the same as live."))
    if not same:
        failures.append("the replay of the recording differs from the live incident")


class Stack:
    """rein-serve, with this demo's executor and configuration, on a temporary database."""

    def __init__(self, binaries, port):
        self.folder = tempfile.mkdtemp(prefix="rein-mcp-demo-")
        self.record = os.path.join(self.folder, "cluster-calls.jsonl")
        self.base_url = f"http://127.0.0.1:{port}"
        self.executor = Executor(self.base_url)
        hook = self.executor.start()
        # The example configuration, with its webhook pointed at this demo's executor.
        with open(os.path.join(HERE, "rein-serve.yaml")) as handle:
            config = handle.read()
        assert CONFIG_WEBHOOK in config, "the webhook URL of examples/mcp/rein-serve.yaml changed"
        config_path = os.path.join(self.folder, "rein-serve.yaml")
        with open(config_path, "w") as handle:
            handle.write(config.replace(CONFIG_WEBHOOK, f"http://127.0.0.1:{hook}/rein-effects"))
        # rein-serve runs from the repository root (the upstreams' paths are relative to it), with
        # this Python first on PATH, so that the fake cluster runs where `mcp` is installed.
        environment = {**os.environ, **CREDENTIALS, "REIN_WEBHOOK_SECRET": SECRET, "FAKE_CLUSTER_RECORD": self.record,
                       "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
        self.log = open(os.path.join(self.folder, "rein-serve.log"), "wb")
        self.server = subprocess.Popen(
            [os.path.join(binaries, "rein-serve"), "--config", config_path, "--listen", f"127.0.0.1:{port}",
             "--data", os.path.join(self.folder, "data")],
            cwd=REPO, env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    def ready(self):
        """Waits until rein-serve answers; False (with its log on stderr) if it does not start."""
        for _ in range(300):
            if self.server.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{self.base_url}/readyz", timeout=1)
                return True
            except OSError:
                time.sleep(0.1)
        with open(self.log.name) as handle:
            print(f"demo: rein-serve did not start:\n{handle.read()}", file=sys.stderr)
        return False

    def stop(self, keep):
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self.executor.stop()
        self.log.close()
        if keep:
            print(f"\n(kept: {self.folder})")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def scripted(stack, binaries):
    """The scripted run; the list of what did not go as scripted."""
    failures = []
    print("Rein MCP gateway demo: a scripted agent works one incident through rein-serve.\n")
    threading.Thread(target=human, args=(stack.base_url, stack.executor.cards, failures), daemon=True).start()
    result = asyncio.run(agent.run(stack.base_url, TOKENS["agent"], INCIDENT))

    # The role is released after the result: wait for that last effect.
    if not stack.executor.released.wait(15):
        failures.append("the remediator's role was not released")
    view, proposals, recording = show_recording(stack.base_url)
    print("\nWhat the webhook executor received:")
    for _, kind, done in stack.executor.received:
        print(f"  {kind:<19} {done}")
    with open(stack.record) as handle:
        calls = [json.loads(line) for line in handle]
    print("\nWhat reached the fake cluster (its record):")
    for call in calls:
        print(f"  {call['identity']:<10} {'WRITE' if call['write'] else 'read '} {call['tool']}  {shown(call['arguments'])}")
    replayed(binaries, recording, view, failures)

    # The checks: the run went as scripted.
    expected = [("describe_deployment", "allow"), ("get_pod_logs", "allow"), ("container_error_logs", "allow"),
                ("rollback_deployment", "deny"), ("get_rollout_history", "allow"), ("rollback_deployment", "require_approval")]
    if proposals != expected:
        failures.append(f"the decisions were {proposals}")
    if (result.structured_content or {}).get("status") != "succeeded":
        failures.append(f"the rollback did not succeed: {agent.text(result)!r}")
    if (view.get("outcome") or {}).get("outcome") != "remediated":
        failures.append(f"the incident ended {view.get('outcome')}")
    rollback = "kubectl rollout undo deployment/checkout-api --namespace payments --to-revision 41"
    writes = [call for call in calls if call["write"] or "rollout undo" in call["arguments"].get("command", "")]
    if writes != [{"identity": "remediator", "tool": "kubectl", "arguments": {"command": rollback}, "write": True}]:
        failures.append(f"the cluster got these writes, not the one rollback: {writes}")
    if len(calls) != 5 or any(call["identity"] != "observer" or call.get("refused") for call in calls[:-1]):
        failures.append("the cluster did not get exactly the four reads, as the observer, then the rollback")
    if [kind for _, kind, _ in stack.executor.received] != ["send_approval_card", "activate_role", "deactivate_role"]:
        failures.append(f"the executor received {[kind for _, kind, _ in stack.executor.received]}")
    return failures


def serve(stack):
    """Opens the incident and keeps the stack running for an MCP client of your own (README)."""
    status, answer = agent.rest(stack.base_url, "POST", "/v1/incidents", TOKENS["agent"], dict(agent.OPENING, incident=INCIDENT))
    if status not in (200, 201):
        print(f"demo: the incident did not open: {status} {answer}", file=sys.stderr)
        return
    print(f"Incident {INCIDENT} is open (runbook {answer['runbook']}). Point an MCP client at")
    print(f"  {stack.base_url}/v1/incidents/{INCIDENT}/mcp   with   Authorization: Bearer {TOKENS['agent']}")
    print("The executor here activates and releases the role. When a card comes, approve it as alice with the")
    print("command shown. Ctrl-C stops everything.\n", flush=True)
    while True:
        card = stack.executor.cards.get()
        texts = [block["text"] for block in card["body"] if block["type"] == "TextBlock"]
        digest = card["actions"][0]["data"]["digest"]
        thought = texts[texts.index("The agent's reasoning") + 1] if "The agent's reasoning" in texts else ""
        print(f"[card] {texts[0]}: {thought}")
        print(f"  curl -H 'Authorization: Bearer {TOKENS['alice']}' -d '{{\"verdict\":\"approve\",\"digest\":\"{digest}\"}}' "
              f"{stack.base_url}/v1/incidents/{INCIDENT}/approvals\n", flush=True)


def main():
    parser = argparse.ArgumentParser(description="Rein's MCP gateway demo: one incident, end to end.")
    parser.add_argument("--bin", default=os.environ.get("REIN_BIN", ".build/debug"), help="the folder of the built rein-serve")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log, cluster record)")
    parser.add_argument("--serve", action="store_true",
                        help="no scripted agent: open the incident and serve it on 127.0.0.1:8080 for your own MCP client")
    args = parser.parse_args()
    if not os.access(os.path.join(args.bin, "rein-serve"), os.X_OK):
        print(f"demo: no rein-serve in {args.bin} (swift build --product rein-serve, or --bin DIR)", file=sys.stderr)
        return 2
    # Stop cleanly on Ctrl-C or a kill, also when started in the background (which ignores SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack = Stack(os.path.abspath(args.bin), 8080 if args.serve else free_port())
    try:
        if not stack.ready():
            return 2
        if args.serve:
            try:
                serve(stack)
            except KeyboardInterrupt:
                return 0
        failures = scripted(stack, args.bin)
    finally:
        stack.stop(args.keep)
    for failure in failures:
        print(f"demo: FAILED: {failure}", file=sys.stderr)
    print("\nThe run went as scripted." if not failures else "\nThe run did NOT go as scripted.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
