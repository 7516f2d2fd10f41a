#!/usr/bin/env bash
# Checks that the reports `rein` writes are accepted by the tools that read them: SARIF
# (`rein check --format sarif`) against the OASIS SARIF 2.1.0 schema and GitHub code scanning's
# own requirements, every approval card of the example replays against Adaptive Cards 1.5, and
# the JUnit report of `rein test` against Jenkins' junit-10.xsd.
#
# Usage: Scripts/validate-reports.sh   (after `swift build`; run from anywhere)
# The schemas are read from ../shared/schemas beside the repository, or from $REIN_SCHEMAS.
# jsonschema and xmlschema are installed from PyPI into .venv-ci/ (git-ignored) on first use.
# Exit status: 0 every report valid, 1 a report is refused, 2 the check could not run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
schemas=${REIN_SCHEMAS:-$root/../shared/schemas}
venv=$root/.venv-ci
cd "$root"

die() { echo "validate-reports: $*" >&2; exit 2; }

for schema in sarif-schema-2.1.0.json adaptive-card-1.5.json junit-10.xsd; do
  [ -f "$schemas/$schema" ] || die "no $schema in $schemas (set REIN_SCHEMAS)"
done
rein="$(swift build --show-bin-path)/rein"
[ -x "$rein" ] || die "$rein is not built: run swift build first"

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || die "cannot create a virtualenv in $venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check jsonschema xmlschema \
  || die "cannot install jsonschema and xmlschema from PyPI"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/sarif" "$out/junit"

# Runs rein with stdout to FILE; exit status 0 and 1 are reports, anything else stops the check.
report() {
  local file=$1 status=0
  shift
  "$rein" "$@" > "$file" || status=$?
  [ "$status" -le 1 ] || die "rein $* exited $status"
}

# SARIF: the clean examples, the reporter bundles, every broken bundle of the corpus, and a
# file outside the repository (an absolute file:// URI, never ../).
report "$out/sarif/examples.sarif" check --format sarif
report "$out/sarif/reporters.sarif" check --format sarif Tests/Corpus/reporters/bundle
report "$out/sarif/lint.sarif" check --format sarif Tests/Corpus/reporters/lint-bundle
for case in Tests/Corpus/invalid/*; do
  case $case in *.expected) continue ;; esac
  report "$out/sarif/invalid-$(basename "$case" .rein).sarif" check --format sarif "$case"
done
mkdir "$out/outside"
cp Tests/Corpus/reporters/bundle/arg.rein "$out/outside/"
report "$out/sarif/outside.sarif" check --format sarif --srcroot "$root" "$out/outside"

# Approval cards: every one the example incidents send.
report "$out/replays.jsonl" replay --json runbooks/incidents

# JUnit: the examples (all pass) and the reporter fixtures (pass, fail, skipped, broken).
report "$out/junit/passing.xml" test --format junit
report "$out/junit/failing.xml" test --format junit Tests/Corpus/reporters/incidents 2> /dev/null

"$venv/bin/python" Scripts/validate_reports.py --schemas "$schemas" \
  --sarif "$out"/sarif/*.sarif \
  --replays "$out/replays.jsonl" \
  --junit-passing "$out/junit/passing.xml" \
  --junit-failing "$out/junit/failing.xml" \
  | sed "s|$out/||g"
