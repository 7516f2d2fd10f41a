#!/usr/bin/env python3
"""Validates reports written by `rein` against the schemas of the tools that consume them.

Called by Scripts/validate-reports.sh, which produces the reports:
  --sarif FILE...          `rein check --format sarif`: the SARIF 2.1.0 schema, then what GitHub
                           code scanning requires beyond it
  --replays FILE...        `rein replay --json` (one object per line): every approval card
                           (effects of type send_approval_card) against Adaptive Cards 1.5
  --junit-passing FILE...  `rein test --format junit` on incidents that all pass
  --junit-failing FILE...  the same on incidents that fail: the schema, and failures counted

Prints each problem found, then how many reports of each kind are valid; exits 1 on any problem.
"""
import argparse
import json
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import xmlschema

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PRECISIONS = {"very-high", "high", "medium", "low"}
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}
# GitHub shows at most this many characters of a rule's short and full descriptions.
MAXIMUM_DESCRIPTION = 1024


class Report:
    """Counts what passed by kind and prints each problem as it is found."""

    def __init__(self):
        self.problems = 0
        self.passed = {}

    def fail(self, where, message):
        self.problems += 1
        print(f"FAIL  {where}: {message}")

    def ok(self, kind):
        self.passed[kind] = self.passed.get(kind, 0) + 1


def validator(schema_path):
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(report, where, validate, document):
    errors = sorted(validate.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors[:5]:
        # An anyOf/oneOf failure says little at its own level: show the closest alternative's.
        error = jsonschema.exceptions.best_match([error])
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        report.fail(where, f"schema: at {path}: {error.message[:300]}")
    if len(errors) > 5:
        report.fail(where, f"schema: {len(errors) - 5} more errors")
    return not errors


def text_of(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    return value.get("text") if isinstance(value, dict) else None


def check_uri(report, where, location):
    """An artifact location code scanning can resolve: a relative path with a base and no `..`
    segment, or an absolute file:// URI (a file outside the repository)."""
    artifact = (location.get("physicalLocation") or {}).get("artifactLocation") or {}
    uri = artifact.get("uri", "")
    if ".." in uri.split("/"):
        report.fail(where, f"artifact URI `{uri}` has a `..` segment no repository can resolve")
    elif SCHEME.match(uri):
        if not uri.startswith("file:///") or "uriBaseId" in artifact:
            report.fail(where, f"absolute artifact URI `{uri}` is not a file:/// URI without uriBaseId")
    elif "uriBaseId" not in artifact:
        report.fail(where, f"relative artifact URI `{uri}` has no uriBaseId")


def check_github(report, where, sarif):
    """What GitHub code scanning requires or recommends that the SARIF schema does not."""
    results = 0
    for run in sarif.get("runs", []):
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules", [])
        ids = [rule.get("id") for rule in rules]
        for rule in rules:
            here = f"{where}: rule {rule.get('id')}"
            for key in ("shortDescription", "fullDescription"):
                text = text_of(rule, key)
                if not text:
                    report.fail(here, f"no {key}.text")
                elif len(text) > MAXIMUM_DESCRIPTION:
                    report.fail(here, f"{key}.text is {len(text)} characters, over {MAXIMUM_DESCRIPTION}")
            help_ = rule.get("help") or {}
            if not help_.get("text") or not help_.get("markdown"):
                report.fail(here, "help needs both text and markdown")
            if not SCHEME.match(rule.get("helpUri", "")):
                report.fail(here, f"helpUri `{rule.get('helpUri')}` is not an absolute URI")
            properties = rule.get("properties") or {}
            if properties.get("precision") not in PRECISIONS:
                report.fail(here, f"properties.precision `{properties.get('precision')}` is not one of {sorted(PRECISIONS)}")
            if properties.get("problem.severity") not in PROBLEM_SEVERITIES:
                report.fail(here, f"properties.problem.severity `{properties.get('problem.severity')}` is not one of {sorted(PROBLEM_SEVERITIES)}")
        seen = set()
        for number, result in enumerate(run.get("results", []), start=1):
            results += 1
            here = f"{where}: result {number} ({result.get('ruleId')})"
            if result.get("ruleId") not in ids:
                report.fail(here, "its ruleId is not a rule of the driver")
            fingerprints = result.get("partialFingerprints")
            if not isinstance(fingerprints, dict) or not fingerprints:
                report.fail(here, "no partialFingerprints")
            else:
                key = (result.get("ruleId"), json.dumps(fingerprints, sort_keys=True))
                if key in seen:
                    report.fail(here, "its partialFingerprints repeat an earlier result's (the alerts would merge)")
                seen.add(key)
            for location in result.get("locations", []) + result.get("relatedLocations", []):
                check_uri(report, here, location)
    return results


def check_sarif(report, validate, path):
    try:
        sarif = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as error:
        report.fail(path, f"not JSON: {error}")
        return
    before = report.problems
    schema_errors(report, path, validate, sarif)
    results = check_github(report, path, sarif)
    if report.problems == before:
        report.ok("SARIF reports valid (schema and code scanning)")
        report.passed["SARIF results"] = report.passed.get("SARIF results", 0) + results


def cards(value):
    """Every card of send_approval_card effects, wherever they are in a replay object."""
    if isinstance(value, dict):
        if value.get("type") == "send_approval_card" and "card" in value:
            yield value["card"]
        for item in value.values():
            yield from cards(item)
    elif isinstance(value, list):
        for item in value:
            yield from cards(item)


def check_replays(report, validate, path):
    count = 0
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            replay = json.loads(line)
        except ValueError as error:
            report.fail(f"{path}:{number}", f"not JSON: {error}")
            continue
        for index, card in enumerate(cards(replay), start=1):
            count += 1
            where = f"{path}:{number} ({replay.get('incident')}, card {index})"
            if schema_errors(report, where, validate, card):
                report.ok("approval cards valid (Adaptive Cards 1.5)")
    if count == 0:
        report.fail(path, "no approval card to validate")


def check_junit(report, schema, path, failing):
    errors = list(schema.iter_errors(path))
    for error in errors[:5]:
        report.fail(path, f"schema: {error.reason or error.message} at {error.path}")
    if errors:
        return
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = sum(int(suite.get("tests", "0")) for suite in suites)
    failed = sum(int(suite.get("failures", "0")) + int(suite.get("errors", "0")) for suite in suites)
    cases = len(list(root.iter("testcase")))
    if tests == 0 or cases != tests:
        report.fail(path, f"{tests} tests counted, {cases} testcase elements")
    elif failing and failed == 0:
        report.fail(path, "the report of failing incidents shows no failure or error")
    elif not failing and failed > 0:
        report.fail(path, f"the report of passing incidents shows {failed} failures or errors")
    else:
        report.ok("JUnit reports valid (junit-10.xsd)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schemas", required=True, help="the folder of the consumers' schemas")
    parser.add_argument("--sarif", nargs="*", default=[])
    parser.add_argument("--replays", nargs="*", default=[])
    parser.add_argument("--junit-passing", nargs="*", default=[])
    parser.add_argument("--junit-failing", nargs="*", default=[])
    args = parser.parse_args()
    schemas = Path(args.schemas)
    report = Report()
    sarif = validator(schemas / "sarif-schema-2.1.0.json")
    for path in args.sarif:
        check_sarif(report, sarif, path)
    card = validator(schemas / "adaptive-card-1.5.json")
    for path in args.replays:
        check_replays(report, card, path)
    junit = xmlschema.XMLSchema(str(schemas / "junit-10.xsd"))
    for path in args.junit_passing:
        check_junit(report, junit, path, failing=False)
    for path in args.junit_failing:
        check_junit(report, junit, path, failing=True)
    for kind, count in report.passed.items():
        print(f"ok    {count} {kind}")
    if report.problems:
        print(f"{report.problems} problems: a consumer would refuse or degrade these reports")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
