"""What the live-host tests share: the tokens and bodies they use, a client call, a free
port, a `rein-serve` process started and killed, and an executor that acknowledges what the
webhook receiver takes. Python 3 standard library only."""
import hashlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENS = {
    "agent-runtime": ("agent", "crash-agent-token"),
    "executor": ("executor", "crash-executor-token"),
    "alice@contoso.com": ("approver", "crash-alice-token"),
    "bob@contoso.com": ("approver", "crash-bob-token"),
    "dashboards": ("reader", "crash-reader-token"),
}
SECRET = "crash-webhook-secret"
READ = {"propose": {"thought": "why", "tool": "get_pod_logs",
                    "args": {"namespace": "cart", "pod": "cart-service-59c7-x1z", "container": "cart"}}}
RESTART = {"propose": {"thought": "restart", "remediate": "restart_deployment",
                       "args": {"namespace": "cart", "deployment": "cart-service"}}}


def opening(incident):
    with open(os.path.join(REPO, "examples", "alert.json")) as handle:
        alert = json.load(handle)
    return {"incident": incident, "runbook": "aks_crashloop_backoff", "context": {"environment": "prod"}, "alert": alert}


def call(port, method, path, token, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKENS[token][1]}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A `rein-serve` with the configuration `rein-serve.yaml` in `folder` and `args` (its
    store, its bundle), on a fresh loopback port at each start; its log in `log`."""

    def __init__(self, binary, folder, args, log="server.log"):
        self.binary, self.folder, self.args, self.log = binary, folder, args, log
        self.port = None
        self.process = None

    def start(self):
        self.port = free_port()
        log = open(os.path.join(self.folder, self.log), "ab")
        self.process = subprocess.Popen(
            [self.binary, "--config", os.path.join(self.folder, "rein-serve.yaml"), "--listen", f"127.0.0.1:{self.port}"] + self.args,
            stdout=log, stderr=log, cwd=self.folder, env={**os.environ, "REIN_WEBHOOK_SECRET": SECRET})
        for _ in range(300):
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()




def write_config(folder, hook_port, extra=""):
    """The configuration every live-host test uses: the tokens, the webhook executor, `extra`."""
    with open(os.path.join(folder, "rein-serve.yaml"), "w") as handle:
        handle.write("tokens:\n")
        for name, (role, token) in TOKENS.items():
            handle.write(f'  - {{name: "{name}", role: {role}, sha256: "{hashlib.sha256(token.encode()).hexdigest()}"}}\n')
        handle.write(f'executors:\n  webhook: {{url: "http://127.0.0.1:{hook_port}/rein-effects", secret_env: REIN_WEBHOOK_SECRET}}\n')
        handle.write(extra)


class Executor:
    """Carries out what the receiver takes: acknowledges every effect, and once an `execute`
    arrives, posts the result. Each action is retried until the server answers (it may be
    down): a crash must not leave an activation unacknowledged for ever."""

    def __init__(self, driver_of, port_of=None):
        self.driver_of = driver_of  # () -> the current Driver (results are acknowledged steps)
        self.port = None
        self.port_of = port_of  # () -> the port to call (a replica), else `port`
        self.lock = threading.Lock()
        self.queue = []
        self.acked = set()  # acknowledgements sent (answered or not)
        self.violations = []
        self.wake = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def on_effect(self, effect, incident):
        if effect["type"] == "execute":
            step, n = effect["id"].rsplit("/", 2)[1:]
            activation = f"{incident}/{step}/{int(n) - 1}"
            with self.lock:
                if activation not in self.acked:
                    self.violations.append(f"{effect['id']}: the execution arrived before {activation} was acknowledged")
        with self.lock:
            self.queue.append(("ack", effect["id"], incident))
            if effect["type"] == "execute":
                self.queue.append(("result", effect["id"], incident))
        self.wake.set()

    def run(self):
        while True:
            self.wake.wait(0.2)
            self.wake.clear()
            while True:
                with self.lock:
                    if not self.queue:
                        break
                    action, effect_id, incident = self.queue[0]
                if not self.perform(action, effect_id, incident):
                    time.sleep(0.1)
                    break
                with self.lock:
                    self.queue.pop(0)

    def perform(self, action, effect_id, incident):
        port = self.port_of() if self.port_of else self.port
        try:
            if action == "ack":
                # Counted as sent before it is: the server may deliver the execution it allows
                # before this call has its answer.
                with self.lock:
                    self.acked.add(effect_id)
                status, _ = call(port, "POST", f"/v1/effects/{effect_id}/ack", "executor", {"ok": True}, timeout=5)
                return status in (200, 404, 409)
            status, text = call(port, "POST", f"/v1/incidents/{incident}/events", "executor", {"result": {"status": "succeeded"}}, timeout=5)
            if status == 200:
                self.driver_of().remember(incident, json.loads(text))
            return status in (200, 404)
        except (OSError, ValueError):
            return False

    def idle(self):
        with self.lock:
            return not self.queue


def audit_log(port_of, rein, folder):
    """The server's audit log (GET /v1/audit, page by page, each from `port_of()`), written to
    `folder`/audit.jsonl and checked with `rein audit verify`: its lines and the failures."""
    lines, after = [], -1
    while True:
        status, text = call(port_of(), "GET", f"/v1/audit?after={after}&limit=10000", "dashboards")
        page = [line for line in text.split("\n") if line]
        if status != 200 or not page:
            break
        lines += page
        after = json.loads(page[-1])["seq"]
    path = os.path.join(folder, "audit.jsonl")
    with open(path, "w") as handle:
        handle.write("".join(line + "\n" for line in lines))
    verified = subprocess.run([rein, "audit", "verify", path], capture_output=True, text=True)
    failures = [] if verified.returncode == 0 else [f"the audit log does not verify: {verified.stdout.strip()} {verified.stderr.strip()}"]
    return lines, failures
