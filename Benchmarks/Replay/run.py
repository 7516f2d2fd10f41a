#!/usr/bin/env python3
"""Benchmark `rein replay` (issue 4), in one command.

    python3 Benchmarks/Replay/run.py [-n 10000] [--runs 3] [--rein PATH]

Generates N recorded incidents of about 20 events each (seeded, deterministic) under
${XDG_CACHE_HOME:-~/.cache}/rein-replay-bench, against the repository's example bundle:
investigation calls, tool output, a denied proposal and its correction, a remediation, approvals
(some to be ignored), and a result or a timeout. Then times, as one process each,
`rein replay --json --audit LOG FOLDER` (every decision, card, PIM request, KQL rendering and
audit entry) and reports incidents per second (median of the runs) and peak RSS. Python 3
standard library only; builds rein as the anchors benchmark does (one static executable).
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rein-replay-bench"
SUB = "3f2c9a1e-4b7d-4e8f-9a06-1c2d3e4f5a6b"
NAMESPACES = ["payments", "checkout", "search", "ledger", "orders", "catalog"]
PEOPLE = ["alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com"]


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def incident(i, rng):
    t = 1_778_300_000 + i * 3_600
    ns = rng.choice(NAMESPACES)
    env = rng.choice(["prod", "staging"])
    dep = f"{ns}-worker"
    events = []

    def add(dt, body):
        nonlocal t
        t += dt
        events.append(f"  - at: {stamp(t)}\n    {body}\n")

    # Seven proposals in all: under the runbook's limit of 8, so the session reaches the card,
    # the approvals, the elevation and the execution.
    for k in range(4):
        add(rng.randint(5, 40), f'propose: {{thought: "Look at {ns} memory ({k}).", tool: get_top_pods_by_memory, args: {{namespace: {ns}}}}}')
        add(2, f'observe: {{output: "{dep}-{k} {rng.randint(300, 3900)}Mi"}}')
    add(30, f'propose: {{thought: "Describe {dep}.", tool: describe_deployment, args: {{namespace: {ns}, deployment: {dep}}}}}')
    add(2, 'observe: {output: "replicas 9/9"}')
    add(20, f'propose: {{thought: "Scale {dep} to 8.", remediate: scale_deployment, args: {{namespace: {ns}, deployment: {dep}, replicas: 8}}}}')
    replicas = rng.randint(2, 6)
    add(20, f'propose: {{thought: "Denied; scale to {replicas}.", remediate: scale_deployment, args: {{namespace: {ns}, deployment: {dep}, replicas: {replicas}}}}}')
    add(5, 'observe: {output: "card sent to sre-oncall"}')
    add(60, "approve: {by: mallory@example.net}")
    first, second = rng.sample(PEOPLE, 2)
    add(60, f"approve: {{by: {first}}}")
    add(5, 'observe: {output: "waiting for a second approver"}')
    add(30, f"approve: {{by: {first.upper()}}}")
    add(5, 'observe: {output: "still waiting"}')
    if rng.random() < 0.8:
        add(60, f"approve: {{by: {second}}}")
        add(30, f"result: {{status: {'succeeded' if rng.random() < 0.9 else 'failed'}}}")
    else:
        add(1_200, 'observe: {output: "(no answer)"}')
    return (f"incident: INC-BENCH-{i:05d}\ncontext: {{environment: {env}}}\nalert:\n  schemaId: azureMonitorCommonAlertSchema\n"
            f"  data:\n    essentials:\n      alertRule: aks-node-memory-high\n      severity: Sev1\n      monitorCondition: Fired\n"
            f"      alertTargetIDs: [/subscriptions/{SUB}/resourceGroups/rg-{ns}/providers/Microsoft.ContainerService/managedClusters/aks-{ns}]\n"
            "events:\n" + "".join(events))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rein", help="a rein executable (default: build one)")
    a = ap.parse_args()

    folder = WORK / f"incidents_v2_{a.n}"
    if not folder.is_dir():
        tmp = WORK / "tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        rng = random.Random(42)
        for i in range(a.n):
            (tmp / f"inc-{i:05d}.yaml").write_text(incident(i, rng), encoding="utf-8")
        tmp.rename(folder)
    events = sum(len(re.findall(r"^  - at:", p.read_text(encoding="utf-8"), re.M)) for p in list(folder.iterdir())[:200]) / 200
    print(f"[replay-bench] {a.n} incidents, about {events:.0f} events each, in {folder}", file=sys.stderr)

    rein = Path(a.rein).resolve() if a.rein else None
    if rein is None:
        build = ["swift", "build", "-c", "release", "-Xswiftc", "-static-executable", "--scratch-path", ".build-bench"]
        if subprocess.run(build + ["--product", "rein"], cwd=REPO).returncode:
            sys.exit("swift build failed")
        rein = Path(subprocess.run(build + ["--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True)
                    .stdout.strip()) / "rein"

    walls, rss = [], 0.0
    for run in range(a.runs):
        log = WORK / "audit.jsonl"
        log.unlink(missing_ok=True)
        cmd = ["/usr/bin/time", "-v", str(rein), "replay", "--json", "--audit", str(log), str(folder)]
        with open(WORK / "replay.jsonl", "wb") as out:
            t0 = time.perf_counter()
            done = subprocess.run(cmd, cwd=REPO, stdout=out, stderr=subprocess.PIPE, text=True)
            wall = time.perf_counter() - t0
        if done.returncode:
            sys.exit(f"rein replay exited {done.returncode}:\n{done.stderr[-2000:]}")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        rss = max(rss, int(m.group(1)) / 1024 if m else 0)
        walls.append(wall)
        print(f"[replay-bench] run {run + 1}: {wall:.2f} s, {a.n / wall:,.0f} incidents/s", file=sys.stderr)
    with open(WORK / "replay.jsonl", encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    if lines != a.n:
        sys.exit(f"{lines} replay objects for {a.n} incidents")
    wall = statistics.median(walls)
    print(f"| incidents | events each | runs | time (median) | incidents/s | peak RSS |\n|---|---|---|---|---|---|\n"
          f"| {a.n:,} | ~{events:.0f} | {a.runs} | {wall:.2f} s | {a.n / wall:,.0f} | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
