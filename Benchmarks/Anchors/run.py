#!/usr/bin/env python3
"""Benchmark `rein eval` against the anchor engines (issue 3), in one command.

    python3 Benchmarks/Anchors/run.py [--all] [--runs N] [--rein PATH] [-n N]

1. Workspace ${XDG_CACHE_HOME:-~/.cache}/rein-anchors: a copy of ../shared/bench (refreshed when
   a file there changes), a .venv with the pinned engines (pip runs only when one is missing),
   and the workload from gen.py (generated once; again only if gen.py changes).
2. rein: `swift build -c release --product rein` in the repository, unless --rein PATH.
3. Bundles: 23 tools = workload.rein (hand-written); 1,000 tools = policy_to_rein.py of
   policy_1000.json. Both must pass `rein check` with no problems. policy_to_rein.py of
   policy.json must decide exactly as workload.rein (decision and reason codes, every proposal).
4. Per workload, every engine RUNS times (median): `rein eval --bundle B --batch P` as a whole
   process (RUNS times, then twice more before every anchor run, so that it is sampled over the
   same minutes as the engines; its wall time is taken without the /usr/bin/time wrapper, which
   runs once more for the peak RSS); the plain-Python reference,
   regorus and Cedar (batches of 1000); with --all also
   OPA, rego-cpp and Invariant (on the first 20k / 10k / 100 proposals where README.md does).
   Wall clock is timed here around each child process; peak RSS comes from /usr/bin/time -v.
5. Every engine's decisions are compared with Rein's, proposal by proposal (decisions only:
   each engine spells reasons its own way). Prints a markdown table; exit 1 on any disagreement.
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BENCH_SRC = REPO.parent / "shared" / "bench"
WORKSPACE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rein-anchors"
OPA_PIN = "opa-golib-python-bindings==0.4.4"  # declares Python >= 3.14, works on 3.11

WORKLOADS = {  # key: (label, proposals, spec)
    "base": ("23 tools", "data/proposals.jsonl", "data/policy.json"),
    "1000": ("1,000 tools", "data/proposals_1000.jsonl", "data/policy_1000.json"),
}
# key, label, runner, extra args, in the default set, at most this many proposals per workload
ANCHORS = [
    ("reference", "plain-Python reference", "run_reference.py", [], True, {}),
    ("regorus", "regorus", "run_regorus.py", [], True, {}),
    ("cedar-batch", "Cedar, batches of 1000", "run_cedar.py", ["--batch", "1000"], True, {}),
    ("opa", "OPA (Go)", "run_opa.py", [], False, {}),
    ("regopy", "rego-cpp", "run_regopy.py", [], False, {"1000": 20000}),
    ("invariant", "Invariant", "run_invariant.py", [], False, {"base": 10000, "1000": 100}),
]


def log(msg):
    print(f"[anchors] {msg}", file=sys.stderr, flush=True)


def die(msg, code=2):
    print(f"run.py: error: {msg}", file=sys.stderr)
    sys.exit(code)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Workspace
# ---------------------------------------------------------------------------------------------

def sync_workspace(src, w):
    """Copy the bench files into w; returns True if gen.py changed (data must be regenerated)."""
    if not (src / "gen.py").is_file():
        die(f"no benchmark at {src} (gen.py missing)")
    w.mkdir(parents=True, exist_ok=True)
    gen_changed = False
    for f in sorted(src.rglob("*")):
        if not f.is_file() or "__pycache__" in f.parts:
            continue
        dst = w / f.relative_to(src)
        if dst.is_file() and dst.read_bytes() == f.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            dst.chmod(0o644)
        shutil.copyfile(f, dst)
        dst.chmod(0o644)
        gen_changed |= f.name == "gen.py"
    for d in ("data", "out"):
        (w / d).mkdir(exist_ok=True)
    return gen_changed


def installed(py, pins):
    """The pins (name==version) not installed at that version in the venv."""
    code = ("import importlib.metadata as m, json, sys\n"
            "bad = []\n"
            "for p in json.loads(sys.argv[1]):\n"
            "    n, v = p.split('==')\n"
            "    try:\n"
            "        ok = m.version(n) == v\n"
            "    except m.PackageNotFoundError:\n"
            "        ok = False\n"
            "    bad += [] if ok else [p]\n"
            "print(json.dumps(bad))\n")
    r = subprocess.run([str(py), "-c", code, json.dumps(pins)], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else pins


def setup_venv(w, with_opa):
    py = w / ".venv" / "bin" / "python"
    if not py.exists():
        log(f"creating {w / '.venv'}")
        subprocess.run([sys.executable, "-m", "venv", str(w / ".venv")], check=True)
    pins = [ln.split("#")[0].strip() for ln in (w / "requirements.txt").read_text().splitlines()]
    pins = [p for p in pins if "==" in p]
    missing = installed(py, pins)
    if missing:
        log(f"pip install -r requirements.txt (missing: {', '.join(missing)})")
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(w / "requirements.txt")], check=True)
    if with_opa and installed(py, [OPA_PIN]):
        log(f"pip install --ignore-requires-python {OPA_PIN}")
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--ignore-requires-python", OPA_PIN], check=True)
    return py


def generate(w, py, force):
    stamp = w / "data" / ".gen.sha256"
    files = [w / p for _, p, s in WORKLOADS.values()] + [w / s for _, p, s in WORKLOADS.values()]
    if not force and all(f.exists() for f in files) and stamp.exists() \
            and stamp.read_text().strip() == sha256(w / "gen.py"):
        return
    log("gen.py --dir data (100,000 proposals per workload)")
    subprocess.run([str(py), "gen.py", "--dir", "data"], cwd=w, check=True)
    stamp.write_text(sha256(w / "gen.py") + "\n")


def build_rein(path):
    if path:
        rein = Path(path).resolve()
        if not os.access(rein, os.X_OK):
            die(f"--rein {path}: not an executable")
        return rein
    # Built the way a command-line tool ships: one static executable (no dynamic linking at
    # start-up; the linker's notes about glibc's name-service functions do not apply, Rein does
    # not call them), in a scratch folder of its own so that the usual builds are not redone.
    build = ["swift", "build", "-c", "release", "-Xswiftc", "-static-executable", "--scratch-path", ".build-bench"]
    for product in ("rein", "rein-bench-decide"):
        log(" ".join(build + ["--product", product]))
        if subprocess.run(build + ["--product", product], cwd=REPO).returncode:
            die("swift build failed")
    bin_dir = subprocess.run(build + ["--show-bin-path"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
    return Path(bin_dir) / "rein"


# ---------------------------------------------------------------------------------------------
# Running and measuring
# ---------------------------------------------------------------------------------------------

def measure(cmd, stdout_path, cwd, with_rss=True):
    """Run cmd with stdout to a file: (exit code, wall s, peak RSS MB, stderr).

    Peak RSS comes from /usr/bin/time -v: a child's own ru_maxrss (os.wait4) would start at this
    script's high-water mark, which Linux carries across fork and exec. Without /usr/bin/time the
    wait4 figure is used: an upper bound (main() warns). with_rss=False runs cmd directly (no
    wrapper process in the wall time) and returns no RSS."""
    timed = with_rss and os.access("/usr/bin/time", os.X_OK)
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen((["/usr/bin/time", "-v"] if timed else []) + cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    rss = ru.ru_maxrss / 1024 if with_rss else None  # KiB on Linux
    if timed:
        m = re.search(r"\tCommand being timed:", stderr)
        kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        if m and kb:
            rss, stderr = int(kb.group(1)) / 1024, stderr[: m.start()]
    return p.returncode, wall, rss, stderr


def read_rein(path, n):
    """Rein's decision lines -> [(id, decision, [codes])]; checks there is one per proposal."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, ln in enumerate(f, 1):
            try:
                d = json.loads(ln)
                rows.append((d["id"], d["decision"], [r["code"] for r in d.get("reasons", [])]))
            except (ValueError, KeyError, TypeError) as e:
                die(f"{path}:{i}: not a decision line ({e}): {ln[:200]!r}")
    if len(rows) != n:
        die(f"{path}: {len(rows)} decision lines for {n} proposals")
    return rows


def write_tsv(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        for pid, decision, codes in rows:
            f.write(f"{pid}\t{decision}\t{','.join(sorted(codes))}\n")


def rein_eval(rein, bundle, proposals, out, n, timed=True):
    cmd = [str(rein), "eval", "--bundle", str(bundle), "--batch", str(proposals)]
    rc, wall, rss, err = measure(cmd, out, WORKSPACE, timed)
    if rc != 0:
        die(f"rein eval --bundle {bundle} exited {rc}:\n{err[-3000:]}")
    return wall, rss


def rein_check(rein, bundle):
    r = subprocess.run([str(rein), "check", str(bundle)], capture_output=True, text=True)
    if r.returncode != 0 or "no problems" not in r.stdout:
        die(f"rein check {bundle} is not clean (exit {r.returncode}):\n{r.stdout[-3000:]}{r.stderr[-1000:]}", 1)


def has_eval(rein):
    r = subprocess.run([str(rein), "eval", "--help"], capture_output=True, text=True)
    return r.returncode == 0 and "--batch" in r.stdout + r.stderr


def run_anchor(py, key, runner, extra, wl, proposals, n, i):
    out = WORKSPACE / "out" / f"{key}_{wl}.tsv"
    cmd = [str(py), runner, proposals, "-n", str(n), "-o", str(out)] + extra
    rc, wall, rss, err = measure(cmd, os.devnull, WORKSPACE)
    if rc != 0:
        die(f"{' '.join(cmd)} exited {rc}:\n{err[-3000:]}")
    m = re.search(r"^STATS (.*)$", err, re.M)
    if not m:
        die(f"{runner}: no STATS line on stderr:\n{err[-2000:]}")
    stats = json.loads(m.group(1))
    log(f"  {key:<12} run {i + 1}: eval {stats['eval_s']:.2f} s, process {wall:.2f} s, {rss:.0f} MB")
    return out, {"eval_s": stats["eval_s"], "load_s": stats["load_s"], "wall_s": wall, "rss_mb": rss,
                 "engine": stats["engine"], "n": stats["proposals"]}


def compare(rein_rows, tsv, n, proposals_path):
    """Decisions of another engine (TSV) against Rein's: (mismatch count, examples)."""
    lines = Path(tsv).read_text(encoding="utf-8").splitlines()
    bad = []
    if len(lines) != n:
        bad.append((None, f"{len(lines)} decision lines for {n} proposals"))
    for i, (ln, (pid, decision, codes)) in enumerate(zip(lines, rein_rows)):
        f = ln.split("\t")
        if f[0] != pid or len(f) < 2 or f[1] != decision:
            bad.append((i, f"rein {pid} {decision} {','.join(codes) or '-'} | other {ln!r}"))
    examples = []
    if bad:
        with open(proposals_path, encoding="utf-8") as p:
            props = p.readlines()
        for i, what in bad[:5]:
            examples.append(what + ("" if i is None else f"\n      proposal {props[i].strip()[:300]}"))
    return len(bad), examples


def ratio(x):
    return f"{x:.2f}" if x < 1 else f"{x:.1f}" if x < 10 else f"{x:,.0f}"


def median(rs, k):
    return statistics.median(r[k] for r in rs)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="also OPA, rego-cpp and Invariant (slow: ~30 min more)")
    ap.add_argument("--runs", type=int, default=3, help="runs per engine and workload; the median is reported")
    ap.add_argument("--rein", help="a built rein executable (default: swift build -c release here)")
    ap.add_argument("-n", type=int, default=100000, help="proposals per workload (default: all 100,000)")
    ap.add_argument("--workload", choices=list(WORKLOADS), action="append",
                    help="only this workload (repeatable; default: both)")
    a = ap.parse_args()
    if a.runs < 1 or a.n < 1:
        die("--runs and -n must be at least 1")

    if not os.access("/usr/bin/time", os.X_OK):
        log("no /usr/bin/time: peak RSS falls back to wait4, which includes this script's own high-water mark")
    gen_changed = sync_workspace(BENCH_SRC, WORKSPACE)
    py = setup_venv(WORKSPACE, a.all)
    generate(WORKSPACE, py, gen_changed)
    rein = build_rein(a.rein)
    if not has_eval(rein):
        die(f"{rein} has no `eval` subcommand with --batch (CLI.md); build a rein that does")
    out = WORKSPACE / "out"
    anchors = [x for x in ANCHORS if a.all or x[4]]

    # Bundles: the hand-written one, and the converter's output for both specs.
    bundles = {"base": HERE / "workload.rein", "1000": out / "policy_1000.rein"}
    converted_base = out / "policy_base.rein"
    for spec, dst in (("data/policy.json", converted_base), ("data/policy_1000.json", bundles["1000"])):
        subprocess.run([sys.executable, str(HERE / "policy_to_rein.py"), str(WORKSPACE / spec), "-o", str(dst)],
                       check=True)
    for b in (bundles["base"], converted_base, bundles["1000"]):
        rein_check(rein, b)
    log("rein check: workload.rein, policy_base.rein, policy_1000.rein clean")

    failures = []
    results = []  # (wl, key, label, rows, agreement)
    for wl in a.workload or list(WORKLOADS):
        label, proposals, _ = WORKLOADS[wl]
        full = WORKSPACE / proposals
        with open(full, encoding="utf-8") as f:
            lines = f.readlines()
        n = min(a.n, len(lines))
        rein_input = full
        if n < len(lines):
            rein_input = out / f"proposals_{wl}_first{n}.jsonl"
            rein_input.write_text("".join(lines[:n]), encoding="utf-8")
        log(f"{label}: {n} proposals")

        # Rein: one run under /usr/bin/time -v for the peak RSS (it also warms the page cache),
        # then timed runs without the wrapper: RUNS now, and two more before each anchor run,
        # so that Rein is sampled across the same minutes as the engines it is compared with
        # (this shared machine's speed drifts). Every run must write the same bytes.
        rein_out = out / f"rein_{wl}.jsonl"
        _, rss = rein_eval(rein, bundles[wl], rein_input, rein_out, n)
        rein_runs, digests = [], {sha256(rein_out)}

        def time_rein(count):
            for _ in range(count):
                wall, _ = rein_eval(rein, bundles[wl], rein_input, rein_out, n, timed=False)
                digests.add(sha256(rein_out))
                rein_runs.append({"wall_s": wall, "rss_mb": rss, "n": n})
                log(f"  {'rein':<12} run {len(rein_runs)}: process {wall:.3f} s, {rss:.0f} MB")

        time_rein(a.runs)
        rein_rows = read_rein(rein_out, n)
        write_tsv(rein_rows, out / f"rein_{wl}.tsv")
        results.append((wl, "rein", "Rein (`rein eval --batch`, whole process)", rein_runs, "-"))

        if wl == "base":  # the converter must decide exactly as the hand-written bundle
            conv_out = out / "rein_base_converted.jsonl"
            rein_eval(rein, converted_base, rein_input, conv_out, n)
            conv_rows = read_rein(conv_out, n)
            diff = [(x, y) for x, y in zip(rein_rows, conv_rows) if x != y]
            if diff:
                failures.append(f"policy_to_rein.py(policy.json) decides differently from workload.rein on "
                                f"{len(diff)} proposals, e.g. " + "; ".join(f"{x} vs {y}" for x, y in diff[:3]))
            log(f"  converted policy.json vs workload.rein: {len(diff)} differences (decision + reason codes)")

        for key, name, runner, extra, _, limits in anchors:
            m = min(n, limits.get(wl, n))
            runs, tsv = [], None
            for i in range(a.runs):
                time_rein(2)
                tsv, r = run_anchor(py, key, runner, extra, wl, proposals, m, i)
                runs.append(r)
            bad, examples = compare(rein_rows[:m], tsv, m, full)
            agreement = f"{m - bad}/{m}" if bad else "all"
            if bad:
                failures.append(f"{label}, {name}: {bad} decisions differ from Rein's\n    " + "\n    ".join(examples))
            results.append((wl, key, name, runs, agreement))
        if len(digests) != 1:
            failures.append(f"{label}: rein eval wrote different output in different runs")

    # In-process latency (rein-bench-decide beside the rein executable): decode and decide
    # measured separately, per call.
    latency = []
    bench_decide = rein.parent / "rein-bench-decide"
    if os.access(bench_decide, os.X_OK):
        for wl in a.workload or list(WORKLOADS):
            label, proposals, _ = WORKLOADS[wl]
            done = subprocess.run([str(bench_decide), "--bundle", str(bundles[wl]), "--proposals",
                                   str(WORKSPACE / proposals)], capture_output=True, text=True)
            if done.returncode:
                failures.append(f"{label}: rein-bench-decide failed: {done.stderr.strip()}")
                continue
            rows = [ln for ln in done.stdout.splitlines() if ln.startswith("| decode") or ln.startswith("| decide")]
            latency += [f"| {label} " + ln for ln in rows]
    else:
        log(f"no {bench_decide}: in-process latency skipped (build the rein-bench-decide product)")

    # Table
    head = ("| workload | engine | N | runs | eval s | process s | µs/decision | peak RSS MB | "
            "× Rein (eval) | × Rein (process) | agrees with Rein |")
    md = [head, "|---|---|---|---|---|---|---|---|---|---|---|"]
    raw = []
    rein_us = {}
    for wl, key, name, runs, agreement in results:
        n = runs[0]["n"]
        wall, rss = median(runs, "wall_s"), median(runs, "rss_mb")
        proc_us = wall / n * 1e6
        if key == "rein":
            rein_us[wl] = proc_us
            md.append(f"| {WORKLOADS[wl][0]} | {name} | {n:,} | {len(runs)} | — | {wall:.3f} | {proc_us:,.2f} | "
                      f"{rss:.0f} | 1 | 1 | — |")
        else:
            ev = median(runs, "eval_s")
            us = ev / n * 1e6
            md.append(f"| {WORKLOADS[wl][0]} | {name} | {n:,} | {len(runs)} | {ev:.2f} | {wall:.2f} | {us:,.1f} | "
                      f"{rss:.0f} | {ratio(us / rein_us[wl])} | {ratio(proc_us / rein_us[wl])} | {agreement} |")
        raw.append({"workload": wl, "engine": key, "label": name, "agreement": agreement, "runs": runs})
    table = "\n".join(md) + "\n"
    if latency:
        table += ("\nIn process (`rein-bench-decide`: one call at a time, 3 timed passes after a warm-up):\n\n"
                  "| workload | step | samples | p50 µs | p99 µs | mean µs |\n|---|---|---|---|---|---|\n"
                  + "\n".join(latency) + "\n")
    notes = ("\nRein: `rein eval --bundle B --batch P` as one process (start-up, bundle parse and check, "
             "reading P, every decision, writing JSON lines); µs/decision = process time / N.\n"
             "Anchors: eval s = the runner's own STATS eval_s (parse each line, engine call, format; "
             "no start-up, policy load or file I/O); µs/decision and × Rein (eval) use it; process s is "
             "the whole Python process. × Rein compares µs per decision. Medians of the runs (Rein's are "
             "spread over the anchors' runs, after one under /usr/bin/time -v that gives its peak RSS); peak RSS "
             "from /usr/bin/time -v.\n")
    (out / "anchors.md").write_text(table + notes, encoding="utf-8")
    (out / "anchors.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    print(table + notes)
    print(f"(also in {out / 'anchors.md'}; raw runs in {out / 'anchors.json'})")
    if failures:
        print("\nDISAGREEMENTS:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        sys.exit(1)
    print("All engines agree with Rein on every decision they made.")


if __name__ == "__main__":
    main()
