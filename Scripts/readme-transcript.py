#!/usr/bin/env python3
"""The README's MCP transcript is what the demo prints.

    python3 Scripts/readme-transcript.py [--bin DIR] [--write]

Runs `examples/mcp/demo.py` (which exits 0 only when the run went as scripted) and compares its
standard output with the fenced block between `<!-- transcript: python3 examples/mcp/demo.py -->`
and `<!-- end transcript -->` in README.md. With --write, the block is rewritten from this run
instead (read the diff before committing). Exit status: 0 the same (or written), 1 the demo
failed or the README differs (the difference is printed), 2 it could not run.
"""
import argparse
import difflib
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(REPO, "README.md")
START = "<!-- transcript: python3 examples/mcp/demo.py -->"
END = "<!-- end transcript -->"


def main():
    parser = argparse.ArgumentParser(description="Check (or write) the README's MCP demo transcript.")
    parser.add_argument("--bin", default=".build/debug", help="the folder of the built rein and rein-serve")
    parser.add_argument("--write", action="store_true", help="rewrite the README's block from this run")
    args = parser.parse_args()
    run = subprocess.run([sys.executable, os.path.join(REPO, "examples", "mcp", "demo.py"), "--bin", args.bin], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        print(f"readme-transcript: the demo exited {run.returncode}:\n{run.stdout}\n{run.stderr}", file=sys.stderr)
        return 1
    with open(README) as handle:
        text = handle.read()
    if START not in text or END not in text:
        print(f"readme-transcript: README.md has no `{START}` … `{END}` block", file=sys.stderr)
        return 2
    before, rest = text.split(START, 1)
    block, after = rest.split(END, 1)
    fresh = "\n```text\n" + run.stdout.rstrip("\n") + "\n```\n"
    if args.write:
        with open(README, "w") as handle:
            handle.write(before + START + fresh + END + after)
        print("readme-transcript: README.md rewritten")
        return 0
    if block == fresh:
        print("readme-transcript: the README's transcript is what the demo printed")
        return 0
    print("readme-transcript: the README's transcript differs from what the demo printed:", file=sys.stderr)
    sys.stderr.writelines(difflib.unified_diff(block.splitlines(True), fresh.splitlines(True), "README.md", "demo.py"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
