#!/usr/bin/env python3
"""Benchmark the CI tooling of issue 5, in one command.

    python3 Benchmarks/Tooling/run.py [--runs 5] [-n 1000] [--rein PATH] [--bench PATH]

Times, as one process each (median of the runs, peak RSS of all):
  - `rein check DIR` with every lint rule on, over the front-end benchmark's generated 1 MB
    bundle (written by `rein-bench --write DIR`);
  - `rein fmt --check DIR` over the same bundle (written in the canonical layout: nothing to change);
  - `rein diff --base BASE --head HEAD INCIDENTS` over N recorded incidents of the replay
    benchmark, where BASE is the repository's example bundle and HEAD the same with one rule
    tightened (so that steps change).
Targets: check and fmt --check ≤ 200 ms each, diff of 1,000 incidents ≤ 2 s. Python 3 standard
library only; builds rein and rein-bench as the other benchmarks do (static executables).
"""
import argparse
import importlib.util
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"check": 0.200, "fmt": 0.200, "diff": 2.0}


def replay_module():
    spec = importlib.util.spec_from_file_location("replay_bench", REPO / "Benchmarks/Replay/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(products):
    command = ["swift", "build", "-c", "release", "-Xswiftc", "-static-executable", "--scratch-path", ".build-bench"]
    for product in products:
        if subprocess.run(command + ["--product", product], cwd=REPO).returncode:
            sys.exit(f"swift build of {product} failed")
    folder = subprocess.run(command + ["--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    return [Path(folder) / product for product in products]


def measure(name, command, runs, ok_codes=(0,)):
    walls, rss = [], 0.0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v"] + command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - start)
        if done.returncode not in ok_codes:
            sys.exit(f"{name} exited {done.returncode}:\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        rss = max(rss, int(found.group(1)) / 1024 if found else 0)
    return statistics.median(walls), rss, done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-n", type=int, default=1000, help="recorded incidents for rein diff")
    parser.add_argument("--rein", help="a rein executable (default: build one)")
    parser.add_argument("--bench", help="a rein-bench executable (default: build one)")
    args = parser.parse_args()

    if args.rein and args.bench:
        rein, bench = Path(args.rein).resolve(), Path(args.bench).resolve()
    else:
        rein, bench = build(["rein", "rein-bench"])

    work = Path(tempfile.mkdtemp(prefix="rein-tooling-bench-"))
    try:
        bundle = work / "bundle"
        subprocess.run([str(bench), "--runs", "1", "--write", str(bundle)], check=True, stdout=subprocess.DEVNULL)
        size = sum(p.stat().st_size for p in bundle.rglob("*.rein"))

        head = work / "head"
        for folder in ("policies", "runbooks"):
            shutil.copytree(REPO / folder, head / folder, ignore=shutil.ignore_patterns("incidents"))
        runbook = head / "runbooks/aks_node_memory_pressure.rein"
        text = runbook.read_text(encoding="utf-8")
        tightened = re.sub(r"args\.replicas > (\d+)", lambda m: f"args.replicas > {int(m.group(1)) - 2}", text, count=1)
        if tightened == text:
            sys.exit("could not tighten a rule of runbooks/aks_node_memory_pressure.rein")
        runbook.write_text(tightened, encoding="utf-8")

        replay = replay_module()
        incidents = work / "incidents"
        incidents.mkdir()
        rng = random.Random(42)
        for i in range(args.n):
            (incidents / f"inc-{i:05d}.yaml").write_text(replay.incident(i, rng), encoding="utf-8")

        rows = []
        check = measure("rein check", [str(rein), "check", str(bundle)], args.runs)
        if not check[2].endswith("no problems\n"):
            sys.exit(f"rein check found problems in the generated bundle:\n{check[2][-1500:]}")
        rows.append(("check", f"`rein check` (all lint rules), {size / 1_048_576:.2f} MiB bundle", check))
        fmt = measure("rein fmt --check", [str(rein), "fmt", "--check", str(bundle)], args.runs)
        rows.append(("fmt", f"`rein fmt --check`, {size / 1_048_576:.2f} MiB bundle", fmt))
        diff = measure("rein diff", [str(rein), "diff", "--base", str(REPO), "--head", str(head), str(incidents)], args.runs,
                       ok_codes=(0, 1))
        summary = diff[2].strip().splitlines()[-1] if diff[2].strip() else ""
        rows.append(("diff", f"`rein diff`, {args.n:,} incidents ({summary})", diff))

        print(f"| what | runs | time (median) | target | peak RSS |\n|---|---|---|---|---|")
        for key, label, (wall, rss, _) in rows:
            target = TARGETS[key]
            met = "met" if wall <= target else "MISSED"
            print(f"| {label} | {args.runs} | {wall * 1000:.0f} ms | ≤ {target * 1000:.0f} ms ({met}) | {rss:.0f} MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
