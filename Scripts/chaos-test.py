#!/usr/bin/env python3
"""Chaos test of `rein-serve` replicas on one PostgreSQL database.

    python3 Scripts/chaos-test.py --database postgres://… [--incidents N] [--bin DIR] [--seed S]

Starts three replicas of the built `rein-serve` on one database (a schema of its own), behind
a round-robin client that, like a load balancer, sends each request to the next replica that
accepts the connection (a request a replica took and died on is not sent again: it was not
acknowledged). Agents open a few hundred incidents and drive them (tools read, a restart
proposed); approvers approve most, reject some and leave some to time out (the bundle is the
examples' with approval timeouts of 3 s); an executor behind a strict webhook receiver that
refuses a share of the attempts acknowledges every effect and posts the result of every
execution. Meanwhile a replica is killed with SIGKILL at random moments and restarted. At the
end, with every replica up, it checks:
- every acknowledged step is there, at its index, with its decision, on every replica;
- no incident has a gap or a duplicate in its step indices;
- every deadline fired exactly once: each incident closed once (one `outcome` audit entry), a
  timed-out one with one page stamped with its deadline, none left waiting past its deadline;
- every effect for an executor was delivered at least once and acknowledged: none pending or
  delivered and never acknowledged, each shown done was received, signed and keyed;
- the audit log verifies with `rein audit verify`, one chain across the replicas;
- every incident's recording, replayed by `rein replay --json` against the bundle, gives its
  live steps, effects and outcome.

Exit status: 0 all held, 1 a check failed, 2 a replica could not be started. Python 3 standard
library only.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_rig import REPO, READ, RESTART, SECRET, Executor, Server, audit_log, call, opening, write_config  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402

APPROVAL_TIMEOUT_S = 3


class Balancer:
    """Round robin over the replicas that accept a connection."""

    def __init__(self, servers):
        self.servers = servers
        self.lock = threading.Lock()
        self.next = 0

    def port(self):
        with self.lock:
            self.next += 1
            return self.servers[self.next % len(self.servers)].port

    def call(self, method, path, token, body=None, timeout=10):
        for _ in range(len(self.servers) * 3):
            try:
                return call(self.port(), method, path, token, body, timeout)
            except urllib.error.URLError as error:
                if not isinstance(error.reason, ConnectionRefusedError):
                    raise
                # That replica is down: nothing was sent, the next one takes it.
        raise ConnectionRefusedError("no replica accepts connections")


class Driver:
    """Agents and approvers; every 2xx answer is remembered."""

    def __init__(self, balancer, total):
        self.balancer = balancer
        self.total = total
        self.lock = threading.Lock()
        self.opened = set()
        self.started = 0
        self.steps = {}  # (incident, index) -> decision word or None
        self.refusals = {}  # status -> count (answers other than 2xx)

    def remember(self, incident, reply):
        step = reply.get("step") or {}
        decision = (step.get("decision") or {}).get("decision")
        with self.lock:
            self.steps[(incident, step["index"])] = decision

    def refused(self, status):
        with self.lock:
            self.refusals[status] = self.refusals.get(status, 0) + 1

    def take(self):
        with self.lock:
            if self.started >= self.total:
                return None
            self.started += 1
            return self.started - 1

    def agent(self):
        while (n := self.take()) is not None:
            incident = f"INC-CHAOS-{n}"
            try:
                self.drive(incident, n)
            except (OSError, ValueError, KeyError) as error:
                # A replica died under the request: what was acknowledged is what counts.
                self.refused(type(error).__name__)

    def drive(self, incident, n):
        for _ in range(20):
            status, _ = self.balancer.call("POST", "/v1/incidents", "agent-runtime", opening(incident))
            if status in (200, 201):
                break
            self.refused(status)
            time.sleep(0.1)
        else:
            return
        with self.lock:
            self.opened.add(incident)
        for body in (READ, READ, RESTART):
            status, text = self.balancer.call("POST", f"/v1/incidents/{incident}/events", "agent-runtime", body)
            if status == 200:
                self.remember(incident, json.loads(text))
            else:
                self.refused(status)
        status, text = self.balancer.call("GET", f"/v1/incidents/{incident}", "dashboards")
        pending = json.loads(text).get("pending") if status == 200 else None
        if not pending or n % 5 == 0:
            return  # left to time out
        if n % 5 == 1:
            verdicts = [("alice@contoso.com", {"verdict": "reject", "digest": pending["digest"], "comment": "not now"})]
        else:
            # Production asks two approvers.
            verdicts = [(name, {"verdict": "approve", "digest": pending["digest"]}) for name in ("alice@contoso.com", "bob@contoso.com")]
        for approver, body in verdicts:
            status, text = self.balancer.call("POST", f"/v1/incidents/{incident}/approvals", approver, body)
            if status == 200:
                self.remember(incident, json.loads(text))
            else:
                self.refused(status)


class Chaos:
    """Kills a random replica with SIGKILL now and then and starts it again."""

    def __init__(self, servers, rng):
        self.servers, self.rng = servers, rng
        self.stop = threading.Event()
        self.kills = 0
        self.failed = None

    def run(self):
        while not self.stop.wait(self.rng.uniform(0.5, 1.5)):
            server = self.rng.choice(self.servers)
            server.kill()
            self.kills += 1
            time.sleep(self.rng.uniform(0.2, 1.0))
            if not server.start():
                self.failed = f"a replica did not restart (log: {server.folder}/{server.log})"
                return


def incidents_view(port, ids):
    views = {}
    for incident in ids:
        status, text = call(port, "GET", f"/v1/incidents/{incident}", "dashboards")
        views[incident] = json.loads(text) if status == 200 else None
    return views


def settle(balancer, ids, executor):
    """Waits until no incident waits for its deadline past it and no effect is pending or
    delivered and unacknowledged (a dead replica's leases run out after 30 s)."""
    deadline = time.time() + 90
    while True:
        views = incidents_view(balancer.port(), ids)
        waiting = [i for i, view in views.items() if view and view["phase"] == "awaiting_approval"]
        unsettled = [e["id"] for view in views.values() if view for e in view["effects"] if e["delivery"] in ("pending", "delivered")]
        if (not waiting and not unsettled and executor.idle()) or time.time() > deadline:
            return views, waiting, unsettled
        time.sleep(0.5)


def check_steps(servers, driver):
    failures = []
    by_incident = {}
    for (incident, index), decision in driver.steps.items():
        by_incident.setdefault(incident, {})[index] = decision
    ids = sorted(driver.opened | set(by_incident))
    for server in servers:
        for incident, view in incidents_view(server.port, ids).items():
            if view is None:
                failures.append(f"{incident}: acknowledged, but replica :{server.port} does not know it")
                continue
            indices = [step["index"] for step in view["steps"]]
            if indices != list(range(len(indices))):
                failures.append(f"{incident}: step indices {indices} have a gap or a duplicate")
            for index, decision in by_incident.get(incident, {}).items():
                if index >= len(view["steps"]):
                    failures.append(f"{incident}: acknowledged step {index} is lost")
                elif (view["steps"][index].get("decision") or {}).get("decision") != decision:
                    failures.append(f"{incident}: step {index} was acknowledged as {decision}, now {view['steps'][index].get('decision')}")
    return failures


def check_deadlines(views, entries):
    failures = []
    outcomes = {}
    for entry in entries:
        if entry["type"] == "outcome":
            outcomes[entry["incident"]] = outcomes.get(entry["incident"], 0) + 1
    timed_out = 0
    for incident, view in views.items():
        if view is None:
            continue
        closed = view["phase"] == "closed"
        if outcomes.get(incident, 0) != (1 if closed else 0):
            failures.append(f"{incident}: {outcomes.get(incident, 0)} outcome entries in the audit log, phase {view['phase']}")
        deadline_effects = [e for e in view["effects"] if "/deadline/" in e["id"]]
        if closed and (view.get("outcome") or {}).get("reason") == "approval_timeout":
            timed_out += 1
            pages = [e for e in deadline_effects if e["type"] == "page"]
            if len(pages) != 1:
                failures.append(f"{incident}: timed out with {len(pages)} pages")
        elif deadline_effects:
            failures.append(f"{incident}: deadline effects {[e['id'] for e in deadline_effects]} without a timeout")
    return failures, timed_out


def check_effects(views, receiver, executor):
    failures = []
    with receiver.lock:
        received = dict(receiver.received)
        failures += [f"the receiver refused a delivery: {why}" for why in receiver.violations]
    with executor.lock:
        failures += list(executor.violations)
        acked = set(executor.acked)
    counted = 0
    for incident, view in views.items():
        for effect in (view or {}).get("effects", []):
            if effect["delivery"] == "agent":
                continue
            counted += 1
            if effect["delivery"] in ("pending", "delivered"):
                failures.append(f"effect {effect['id']} is {effect['delivery']} at the end")
            elif effect["delivery"] == "done" and (effect["id"] not in received or effect["id"] not in acked):
                failures.append(f"effect {effect['id']} is done but was never received and acknowledged")
    again = sum(1 for _, times in received.values() if times > 1)
    return failures, f"{counted} effects for the executor, {len(received)} received ({again} more than once, as at-least-once allows)"


def check_replays(balancer, views, rein, bundle, folder):
    recordings = os.path.join(folder, "recordings")
    os.makedirs(recordings, exist_ok=True)
    for incident in views:
        status, text = balancer.call("GET", f"/v1/incidents/{incident}/recording", "dashboards")
        if status != 200:
            return [f"{incident}: the recording answers {status}"]
        with open(os.path.join(recordings, f"{incident}.json"), "w") as handle:
            handle.write(text)
    replayed = subprocess.run(
        [rein, "replay", "--json", "--bundle", os.path.join(bundle, "policies"), "--bundle", os.path.join(bundle, "runbooks"), recordings],
        capture_output=True, text=True)
    if replayed.returncode != 0:
        return [f"rein replay failed: {replayed.stderr.strip()[:500]}"]
    failures = []
    seen = 0
    for line in replayed.stdout.splitlines():
        replay = json.loads(line)
        live = views.get(replay["incident"])
        if live is None:
            continue
        seen += 1
        live_effects = [{k: v for k, v in e.items() if k not in ("id", "delivery")} for e in live["effects"]]
        if live["steps"] != replay["steps"]:
            failures.append(f"{replay['incident']}: the replayed steps differ from the live ones")
        elif live["phase"] == "closed":
            if live_effects != replay["effects"] or live["outcome"]["outcome"] != replay["outcome"] or live["outcome"]["reason"] != replay["reason"]:
                failures.append(f"{replay['incident']}: the replayed effects or outcome differ from the live ones")
        elif replay["effects"][:len(live_effects)] != live_effects:
            failures.append(f"{replay['incident']}: the replayed effects differ from the live ones")
    if seen != len(views):
        failures.append(f"{len(views) - seen} recordings were not replayed")
    return failures


def main():
    parser = argparse.ArgumentParser(description="Chaos test of rein-serve replicas on one PostgreSQL database.")
    parser.add_argument("--database", default=os.environ.get("REIN_TEST_POSTGRES"), help="postgres://… (default $REIN_TEST_POSTGRES)")
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--agents", type=int, default=6)
    parser.add_argument("--bin", help="the folder of the built rein and rein-serve (default: swift build --show-bin-path)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    if not args.database:
        print("chaos-test: give --database postgres://… (or set REIN_TEST_POSTGRES)", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    binaries = args.bin or subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    binaries = os.path.abspath(binaries)
    serve, rein = os.path.join(binaries, "rein-serve"), os.path.join(binaries, "rein")
    folder = tempfile.mkdtemp(prefix="rein-chaos-")
    # The examples' bundle with approval timeouts of a few seconds.
    bundle = os.path.join(folder, "bundle")
    for part in ("policies", "runbooks"):
        shutil.copytree(os.path.join(REPO, part), os.path.join(bundle, part), ignore=shutil.ignore_patterns("incidents", "tests"))
    for name in os.listdir(os.path.join(bundle, "runbooks")):
        path = os.path.join(bundle, "runbooks", name)
        if name.endswith(".rein"):
            with open(path) as handle:
                text = handle.read()
            with open(path, "w") as handle:
                handle.write(re.sub(r"(?m)^(\s*timeout) \d+m$", rf"\1 {APPROVAL_TIMEOUT_S}s", text))
    schema = f"chaos_{seed}"
    database = args.database + ("&" if "?" in args.database else "?") + f"schema={schema}"
    servers = []
    balancer = Balancer(servers)
    executor = Executor(lambda: driver, port_of=balancer.port)
    receiver = Receiver(SECRET, fail_rate=0.2, on_effect=executor.on_effect)
    write_config(folder, receiver.start(), f'database: "{database}"\n')
    for n in range(args.replicas):
        server = Server(serve, folder, ["--bundle", os.path.join(bundle, "policies"), "--bundle", os.path.join(bundle, "runbooks")],
                        log=f"replica-{n}.log")
        servers.append(server)
        if not server.start():
            print(f"chaos-test: replica {n} did not start (log: {folder}/replica-{n}.log)", file=sys.stderr)
            return 2
    driver = Driver(balancer, args.incidents)
    chaos = Chaos(servers, rng)
    began = time.time()
    agents = [threading.Thread(target=driver.agent, daemon=True) for _ in range(args.agents)]
    chaos_thread = threading.Thread(target=chaos.run, daemon=True)
    chaos_thread.start()
    for thread in agents:
        thread.start()
    for thread in agents:
        thread.join()
    chaos.stop.set()
    chaos_thread.join()
    if chaos.failed:
        print(f"chaos-test: {chaos.failed}", file=sys.stderr)
        return 2
    driven = time.time() - began
    for server in servers:
        if server.process.poll() is not None and not server.start():
            print(f"chaos-test: a replica did not start (log: {folder}/{server.log})", file=sys.stderr)
            return 2
    receiver.fail_rate = 0.0
    ids = sorted(driver.opened | {incident for incident, _ in driver.steps})
    views, waiting, unsettled = settle(balancer, ids, executor)
    failures = [f"{incident}: still awaiting approval long after its deadline" for incident in waiting[:10]]
    failures += [f"effect {effect} is still {'pending or unacknowledged'} 90 s after the end" for effect in unsettled[:10]]
    failures += check_steps(servers, driver)
    lines, audit_failures = audit_log(balancer.port, rein, folder)
    entries = [json.loads(line) for line in lines]
    failures += audit_failures
    deadline_failures, timed_out = check_deadlines(views, entries)
    failures += deadline_failures
    effect_failures, effects = check_effects(views, receiver, executor)
    failures += effect_failures
    failures += check_replays(balancer, views, rein, bundle, folder)
    for server in servers:
        server.kill()
    refusals = ", ".join(f"{count} × {status}" for status, count in sorted(driver.refusals.items(), key=str)) or "none"
    print(f"chaos-test: seed {seed}: {args.replicas} replicas, {chaos.kills} killed with SIGKILL and restarted in {driven:.1f} s; "
          f"{len(driver.opened)} incidents, {len(driver.steps)} acknowledged steps (other answers: {refusals}); "
          f"{timed_out} deadlines fired; {effects}; audit {len(entries)} entries")
    for failure in failures[:50]:
        print(f"chaos-test: {failure}", file=sys.stderr)
    print(f"chaos-test: {len(failures)} problems" + ("" if not failures else f" (logs in {folder})"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
