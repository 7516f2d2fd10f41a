#!/usr/bin/env python3
"""Crash test of `rein-serve`: what it acknowledged survives `kill -9`.

    python3 Scripts/crash-test.py [--rounds N] [--bin DIR]

Starts the built `rein-serve` on a loopback port over a fresh database, drives agents, an
approver and an executor against it from several threads (incidents opened, tools read, a
remediation proposed, approved and its result posted), and kills the server with SIGKILL at a
random moment, mid-request, with effects on their way to the webhook (a strict receiver that
refuses a share of the attempts, Scripts/webhook_receiver.py, and an executor on it that
acknowledges each effect and posts the result once the execution is received). Then it
restarts the server on the same database and checks:
- every acknowledged step is there, at its index, with its decision;
- no incident has a gap or a duplicate in its step indices;
- every acknowledged incident exists;
- the audit log (GET /v1/audit) and the --audit file verify with `rein audit verify`, and are
  the same chain;
- every effect left undelivered is delivered after the restart, every effect shown delivered
  was received, each correctly signed and keyed, and no `execute` arrived before its
  `activate_role` was acknowledged.

Repeats for --rounds rounds on the same database. Exit status: 0 all held, 1 a check failed,
2 the server could not be started. Python 3 standard library only.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_rig import REPO, SECRET, READ, RESTART, Executor, Server, audit_log, call, opening, write_config  # noqa: E402
from webhook_receiver import Receiver  # noqa: E402


class Driver:
    """Agents, an approver and an executor; every 2xx answer is remembered."""

    def __init__(self, round_number):
        self.round = round_number
        self.lock = threading.Lock()
        self.opened = set()
        self.steps = {}  # (incident, index) -> decision word or None
        self.stop = threading.Event()

    def remember(self, incident, reply):
        step = reply.get("step") or {}
        decision = (step.get("decision") or {}).get("decision")
        with self.lock:
            self.steps[(incident, step["index"])] = decision

    def agent(self, port, worker):
        n = 0
        while not self.stop.is_set():
            incident = f"INC-CRASH-{self.round}-{worker}-{n}"
            n += 1
            try:
                status, _ = call(port, "POST", "/v1/incidents", "agent-runtime", opening(incident))
                if status not in (200, 201):
                    continue
                with self.lock:
                    self.opened.add(incident)
                for body in (READ, READ, RESTART):
                    status, text = call(port, "POST", f"/v1/incidents/{incident}/events", "agent-runtime", body)
                    if status == 200:
                        self.remember(incident, json.loads(text))
                status, text = call(port, "GET", f"/v1/incidents/{incident}", "dashboards")
                pending = json.loads(text).get("pending") if status == 200 else None
                if pending:
                    # Production asks two approvers.
                    for approver in ("alice@contoso.com", "bob@contoso.com"):
                        status, text = call(port, "POST", f"/v1/incidents/{incident}/approvals", approver,
                                            {"verdict": "approve", "digest": pending["digest"]})
                        if status == 200:
                            self.remember(incident, json.loads(text))
            except (OSError, ValueError, KeyError):
                # The server died under us: what was acknowledged is what counts.
                pass


def check_effects(port, driver, receiver, executor):
    """After the restart: every effect is delivered (none left pending), what shows delivered
    was received, and the receiver and executor saw nothing out of order."""
    receiver.fail_rate = 0.0
    incidents = sorted(driver.opened)
    deadline = time.time() + 30
    while True:
        pending, shown = [], []
        for incident in incidents:
            status, text = call(port, "GET", f"/v1/incidents/{incident}", "dashboards")
            if status == 200:
                for effect in json.loads(text)["effects"]:
                    if effect["delivery"] == "pending":
                        pending.append(effect["id"])
                    elif effect["delivery"] in ("delivered", "done"):
                        shown.append(effect["id"])
        if (not pending and executor.idle()) or time.time() > deadline:
            break
        time.sleep(0.2)
    failures = [f"effect {effect_id} is still pending 30 s after the restart" for effect_id in pending[:10]]
    with receiver.lock:
        received = dict(receiver.received)
        violations = list(receiver.violations)
    failures += [f"effect {effect_id} shows delivered but was never received" for effect_id in shown if effect_id not in received]
    failures += [f"the receiver refused a delivery: {why}" for why in violations]
    with executor.lock:
        failures += list(executor.violations)
    redelivered = sum(1 for _, times in received.values() if times > 1)
    kinds = {}
    for kind, _ in received.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return failures, f"{len(received)} effects received so far ({summary}; {redelivered} more than once, as at-least-once allows)"


def check(port, driver, rein, folder):
    failures = []
    by_incident = {}
    for (incident, index), decision in driver.steps.items():
        by_incident.setdefault(incident, {})[index] = decision
    for incident in sorted(driver.opened | set(by_incident)):
        status, text = call(port, "GET", f"/v1/incidents/{incident}", "dashboards")
        if status != 200:
            failures.append(f"{incident}: acknowledged, but GET answers {status}")
            continue
        steps = json.loads(text)["steps"]
        indices = [step["index"] for step in steps]
        if indices != list(range(len(indices))):
            failures.append(f"{incident}: step indices {indices} have a gap or a duplicate")
        for index, decision in by_incident.get(incident, {}).items():
            if index >= len(steps):
                failures.append(f"{incident}: acknowledged step {index} is lost")
            elif (steps[index].get("decision") or {}).get("decision") != decision:
                failures.append(f"{incident}: step {index} was acknowledged as {decision}, now {steps[index].get('decision')}")
    lines, audit_failures = audit_log(lambda: port, rein, folder)
    failures += audit_failures
    # The --audit file: the same chain, caught up at the restart.
    audit_file = os.path.join(folder, "audit-file.jsonl")
    verified = subprocess.run([rein, "audit", "verify", audit_file], capture_output=True, text=True)
    if verified.returncode != 0:
        failures.append(f"the audit file does not verify: {verified.stdout.strip()} {verified.stderr.strip()}")
    with open(audit_file) as handle:
        if [line for line in handle.read().split("\n") if line] != lines:
            failures.append("the audit file is not the server's audit log")
    return failures, len(lines)


def main():
    parser = argparse.ArgumentParser(description="Crash test of rein-serve: kill -9 and restart.")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--bin", help="the folder of the built rein and rein-serve (default: swift build --show-bin-path)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    binaries = args.bin or subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    binaries = os.path.abspath(binaries)
    serve, rein = os.path.join(binaries, "rein-serve"), os.path.join(binaries, "rein")
    folder = tempfile.mkdtemp(prefix="rein-crash-")
    current = {"driver": None}
    executor = Executor(lambda: current["driver"])
    receiver = Receiver(SECRET, fail_rate=0.3, on_effect=executor.on_effect)
    hook_port = receiver.start()
    write_config(folder, hook_port)
    server = Server(serve, folder, [
        "--bundle", os.path.join(REPO, "policies"), "--bundle", os.path.join(REPO, "runbooks"),
        "--data", os.path.join(folder, "data"), "--audit", os.path.join(folder, "audit-file.jsonl")])
    all_failures = []
    acknowledged = 0
    for round_number in range(args.rounds):
        if not server.start():
            print(f"crash-test: rein-serve did not start (log: {folder}/server.log)", file=sys.stderr)
            return 2
        driver = Driver(round_number)
        current["driver"] = driver
        executor.port = server.port
        receiver.fail_rate = 0.3
        threads = [threading.Thread(target=driver.agent, args=(server.port, worker), daemon=True) for worker in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.kill()
        driver.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        if not server.start():
            print(f"crash-test: rein-serve did not restart (log: {folder}/server.log)", file=sys.stderr)
            return 2
        executor.port = server.port
        effect_failures, deliveries = check_effects(server.port, driver, receiver, executor)
        failures, entries = check(server.port, driver, rein, folder)
        failures += effect_failures
        acknowledged += len(driver.steps)
        print(f"crash-test: round {round_number + 1}: {len(driver.opened)} incidents, {len(driver.steps)} acknowledged steps, "
              f"killed mid-flight; after restart {'all there' if not failures else f'{len(failures)} problems'}, audit {entries} entries, "
              f"{deliveries}")
        all_failures += failures
        if round_number == args.rounds - 1:
            # The last one ends as an operator ends it: SIGTERM, and exit status 0.
            server.process.send_signal(signal.SIGTERM)
            status = server.process.wait(timeout=30)
            if status != 0:
                all_failures.append(f"rein-serve exited {status} on SIGTERM, not 0")
        else:
            server.kill()
    for failure in all_failures[:50]:
        print(f"crash-test: {failure}", file=sys.stderr)
    print(f"crash-test: {args.rounds} rounds, {acknowledged} acknowledged steps, {len(all_failures)} problems")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
