#!/usr/bin/env python3
"""The MCP tool schemas and Rein's own arg checks agree.

    python3 Scripts/check-tool-schemas.py [--rein PATH]

For every runbook of the example bundle, takes the tools an MCP client would list
(`rein render tools RUNBOOK`), checks each inputSchema is a valid JSON Schema 2020-12, and
builds a corpus of arguments per tool: a valid base, then each argument replaced in turn by
values of every kind (good, out of bounds, wrong type, broken names, forbidden namespaces,
malformed durations, …), an extra argument, and each required one left out. Each set of
arguments is validated with `jsonschema` (from PyPI) and decided by `rein eval`; they must
agree on whether the arguments are acceptable: the schema accepts exactly what Rein's arg
checks accept, with two known exceptions: JSON Schema counts 5.0 as an integer, Rein does not;
and a duration's bounds cannot be written as a pattern, so the schema states them in its
description, and Rein alone refuses a duration outside them.

Exit status: 0 they agree, 1 a disagreement, 2 the check could not run.
"""
import argparse
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("check-tool-schemas: needs jsonschema (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARG_CODES = {"unknown_arg", "missing_arg", "duplicate_arg", "type_mismatch", "out_of_bounds", "invalid_name",
             "pattern_mismatch", "forbidden_namespace"}
POOL = [
    "payments", "ledger-worker", "ledger-worker-7d9f8b6c5-x2x4q", "a", "ab", "abc", "pool1", "x1", "", " ", "A", "Payments",
    "kube-system", "gatekeeper-system", "default", "-a", "a-", "a.b", "a..b", "a_b", "a/b", "ab\n", "é", "x" * 12, "x" * 13,
    "x" * 63, "x" * 64, "x" * 253, "y" * 254, "z" * 1024, "z" * 1025, "info", "warn", "15m", "90s", "1h30m", "1d", "0s",
    "2d", "30d", "PT15M", "1m30", "1h_30m", "1_0m", "10", 0, 1, 2, 5, 10, 20, 21, 50, 51, 100, 1000, -1, 2 ** 53, 2 ** 63,
    1.5, 5.0, True, False, None, [], {},
]


def rein_decisions(rein, proposals):
    lines = "".join(json.dumps(p) + "\n" for p in proposals)
    done = subprocess.run([rein, "eval", "--batch", "-"], input=lines, capture_output=True, text=True, cwd=REPO)
    if done.returncode not in (0, 1):
        print(done.stderr, file=sys.stderr)
        sys.exit(2)
    return [json.loads(line) for line in done.stdout.splitlines()]


def arg_problems(decision):
    return [r["code"] for r in decision.get("reasons", []) if r["code"] in ARG_CODES]


def seconds(text):
    """A duration in Rein's notation, in seconds; None when it is not one."""
    match = re.fullmatch(r"(?:(\d(?:_?\d)*)d)?(?:(\d(?:_?\d)*)h)?(?:(\d(?:_?\d)*)m)?(?:(\d(?:_?\d)*)s)?", text) if isinstance(text, str) else None
    if not text or not match:
        return None
    return sum(int((group or "0").replace("_", "")) * size for group, size in zip(match.groups(), (86400, 3600, 60, 1)))


def duration_bounds(prop):
    """The (low, high) seconds a duration property's description states, or None."""
    found = re.search(r"from (\S+) to (\S+)$", prop.get("description", ""))
    return (seconds(found.group(1)), seconds(found.group(2))) if found else None


def outside_duration_bounds(prop, value):
    bounds = duration_bounds(prop)
    return bounds is not None and seconds(value) is not None and not bounds[0] <= seconds(value) <= bounds[1]


def known_exception(args, tool_schema):
    """JSON Schema's integer includes 5.0; a duration's bounds are only in its description."""
    props = tool_schema["properties"]
    return any(isinstance(v, float) and v.is_integer() and props.get(k, {}).get("type") == "integer" for k, v in args.items()) or \
        any(outside_duration_bounds(props.get(k, {}), v) for k, v in args.items())


def main():
    parser = argparse.ArgumentParser(description="The MCP tool schemas and Rein's arg checks agree.")
    parser.add_argument("--rein", help="the rein binary (default: swift build --show-bin-path)/rein")
    args = parser.parse_args()
    rein = args.rein or os.path.join(
        subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip(), "rein")
    runbooks = sorted(name[: -len(".tools.json")] for name in os.listdir(os.path.join(REPO, "Tests", "Corpus", "mcp")))
    cases = []
    for runbook in runbooks:
        listed = subprocess.run([rein, "render", "tools", runbook], capture_output=True, text=True, cwd=REPO)
        if listed.returncode != 0:
            print(listed.stderr, file=sys.stderr)
            return 2
        for tool in json.loads(listed.stdout)["tools"]:
            schema = tool["inputSchema"]
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            props = schema["properties"]
            base = {}
            for name in props:
                if name == "reason" and name not in schema["required"]:
                    continue
                sub = jsonschema.Draft202012Validator(props[name])
                good = [v for v in POOL if sub.is_valid(v) and not outside_duration_bounds(props[name], v)]
                if not good:
                    print(f"check-tool-schemas: {tool['name']}.{name}: no value of the pool fits its schema", file=sys.stderr)
                    return 2
                base[name] = good[0]
            variants = [dict(base)]
            for name in base:
                for value in POOL:
                    variant = dict(base)
                    variant[name] = value
                    variants.append(variant)
                if name in schema["required"]:
                    variants.append({k: v for k, v in base.items() if k != name})
            variants.append(dict(base, unexpected="x"))
            for variant in variants:
                cases.append((runbook, tool, validator, variant))
    proposals = [{"id": str(i), "runbook": runbook, "kind": "remediation" if tool["annotations"]["readOnlyHint"] is False else "tool_call",
                  "tool": tool["name"], "args": variant, "context": {"environment": "dev"}, "at": "2026-06-03T11:30:00Z"}
                 for i, (runbook, tool, _, variant) in enumerate(cases)]
    decisions = rein_decisions(rein, proposals)
    disagreements, known = [], 0
    for (runbook, tool, validator, variant), decision in zip(cases, decisions):
        schema_ok = validator.is_valid(variant)
        rein_ok = not arg_problems(decision)
        if schema_ok == rein_ok:
            continue
        if known_exception(variant, tool["inputSchema"]):
            known += 1
            continue
        disagreements.append(f"{runbook}/{tool['name']} {json.dumps(variant)[:200]}: schema {'accepts' if schema_ok else 'refuses'}, "
                             f"Rein {'accepts' if rein_ok else 'refuses: ' + ', '.join(arg_problems(decision))}")
    for line in disagreements[:30]:
        print(f"check-tool-schemas: {line}", file=sys.stderr)
    print(f"check-tool-schemas: {len(runbooks)} runbooks, {len(cases)} argument sets: schema and Rein agree on "
          f"{len(cases) - len(disagreements) - known}, {known} known (5.0 is an integer to JSON Schema; a duration outside its bounds), {len(disagreements)} disagree")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
