#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (README.md, "Reliability").
#
#   Scripts/fuzz.sh TARGET SECONDS    TARGET: parse, proposal, incident, or all (each in turn)
#
# Builds the fuzz targets (release, AddressSanitizer and libFuzzer, in .build-fuzz; later runs
# reuse it), seeds the working corpus .fuzz/corpus/TARGET from the repository, fuzzes for
# SECONDS and writes any input that crashes or fails an invariant to .fuzz/artifacts/TARGET/.
# Exit status: 0 nothing found; 1 a crash, failed invariant, timeout or memory blow-up was
# found; 2 bad usage or the build failed.
#
# Environment: FUZZ_FLAGS, extra libFuzzer flags (e.g. "-seed=1 -verbosity=2").
set -euo pipefail
cd "$(dirname "$0")/.."
# A crash must reach libFuzzer's handler, not the Swift runtime's backtracer. LeakSanitizer is
# off: Swift keeps enum tags in pointers' spare bits, which it cannot see through, so it reports
# objects that are still referenced (the example bundle's, loaded once).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

targets=(parse proposal incident)
usage() {
  echo "usage: Scripts/fuzz.sh parse|proposal|incident|all SECONDS" >&2
  exit 2
}
[[ $# -eq 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || usage
case $1 in
  all) selected=("${targets[@]}") ;;
  parse | proposal | incident) selected=("$1") ;;
  *) usage ;;
esac
seconds=$2

build() {
  # REIN_FUZZ declares the fuzz executables (Package.swift). SwiftPM's --sanitize flags
  # instrument the C modules (libyaml included) for coverage and AddressSanitizer and link
  # libFuzzer's main; but it passes them to swiftc as two -sanitize options, of which only the
  # last counts, so the Swift modules get both again in one.
  for target in "${selected[@]}"; do
    REIN_FUZZ=1 swift build -c release --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -g --product "rein-fuzz-$target" >&2 ||
      { echo "fuzz: the build of rein-fuzz-$target failed" >&2; exit 2; }
  done
}

# Seeds, one input per file, in .fuzz/seeds/TARGET: the repository's own examples and every
# regression input found before (Tests/Corpus/fuzz/TARGET).
seed() {
  local target=$1 dir=.fuzz/seeds/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  case $target in
    parse)
      # Benchmarks/Anchors/workload.rein is a whole bundle in one file: it checks clean, so lint,
      # compiling and deciding run on its mutants.
      find policies runbooks Tests/Corpus/valid Tests/Corpus/invalid Tests/Corpus/fmt Benchmarks/Anchors \
        -name '*.rein' | while read -r file; do cp "$file" "$dir/$(echo "$file" | tr / _)"; done
      ;;
    proposal)
      local n=0
      for file in Tests/Corpus/decisions/*.jsonl; do
        [[ $file == *.expected.jsonl ]] && continue
        while IFS= read -r line || [[ -n $line ]]; do
          n=$((n + 1))
          printf '%s' "$line" > "$dir/line-$n.json"
        done < "$file"
      done
      ;;
    incident)
      cp runbooks/incidents/* "$dir/"
      ;;
  esac
  if [[ -d Tests/Corpus/fuzz/$target ]]; then
    find "Tests/Corpus/fuzz/$target" -type f -exec cp {} "$dir/" \;
  fi
}

max_len() {
  case $1 in
    parse) echo 10240 ;;     # the example files are up to 10 KB
    proposal) echo 4096 ;;   # the corpus's longest line is 2 KB
    incident) echo 16384 ;;  # the example incidents are 1-3 KB
  esac
}

run() {
  local target=$1
  local corpus=.fuzz/corpus/$target artifacts=.fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seed "$target"
  echo "== fuzz $target for ${seconds}s (corpus $corpus, crashes in $artifacts/)" >&2
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
  ".build-fuzz/release/rein-fuzz-$target" "$corpus" ".fuzz/seeds/$target" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=25 -rss_limit_mb=2560 \
    -dict="Fuzz/Dictionaries/$target.dict" -artifact_prefix="$artifacts/" \
    -print_final_stats=1 ${FUZZ_FLAGS:-}
}

build
status=0
for target in "${selected[@]}"; do
  if ! run "$target"; then
    echo "fuzz: $target found a crash or a failed invariant: see .fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit $status
