#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, a separate clang project) into build-fuzz/, replays
# the checked-in corpus, then fuzzes each target for a bounded time on a scratch copy of its
# corpus plus fresh inputs. Exits non-zero on any crash, hang or property violation, leaving the
# input in build-fuzz/crashes/ and printing it.
#
#   FUZZ_SECONDS   seconds of fuzzing per target (default 60; 0 = replay only)
#   FUZZ_TARGETS   space-separated subset of: scenario_loader overrides gate_parsers
#   FUZZ_JOBS      build parallelism (default: nproc)
#
# A new crash should be minimised, added to tests/fuzz/corpus/<target>/crash-<what>.yaml (it is
# then replayed by this script and by the gtest suite, tests/bench/scenario/hostile_corpus_test.cc)
# and fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"scenario_loader overrides gate_parsers"}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
BUILD_DIR=build-fuzz
CRASH_DIR=$BUILD_DIR/crashes

bash .ci/setup.sh
start=$(date +%s)
cmake -S tests/fuzz -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >/dev/null
targets=()
for target in $FUZZ_TARGETS; do targets+=(--target "fuzz_$target"); done
cmake --build "$BUILD_DIR" -j "$FUZZ_JOBS" "${targets[@]}" -- --no-print-directory >/dev/null
echo "fuzz: built in $(($(date +%s) - start)) s"

rm -rf "$CRASH_DIR" "$BUILD_DIR/work"
mkdir -p "$CRASH_DIR"

# Prints the input that failed and exits.
report_crash() {
  local target=$1 log=$2
  echo "fuzz: $target FAILED; last lines of $log:" >&2
  grep -a -E "property violated|ERROR:|SUMMARY:|Test unit written" "$log" | tail -n 8 >&2 || true
  # In the replay step the failing input is a checked-in file: the last one libFuzzer ran.
  grep -a "^Running: " "$log" | tail -n 1 >&2 || true
  local input
  for input in "$CRASH_DIR/$target-"*; do
    [[ -e "$input" ]] || continue
    echo "fuzz: input $input (base64):" >&2
    head -c 65536 "$input" | base64 -w 76 >&2
    echo "fuzz: as text:" >&2
    head -c 2000 "$input" | cat -v >&2
    echo >&2
  done
  exit 1
}

# Thresholds and tolerances are short; long lines only make each input slow (the metric
# suggestion compares every line with every metric name), so that target gets shorter inputs.
max_len_for() {
  if [[ $1 == gate_parsers ]]; then echo 2048; else echo 16384; fi
}

dict_for() {
  if [[ $1 == gate_parsers ]]; then echo tests/fuzz/gate.dict; else echo tests/fuzz/scenario.dict; fi
}

# -timeout: one input taking this long is a hang; -rss_limit_mb: a memory blow-up is a crash.
common=(-timeout=5 -rss_limit_mb=2048 -print_final_stats=0)

for target in $FUZZ_TARGETS; do
  binary=$BUILD_DIR/fuzz_$target
  corpus=tests/fuzz/corpus/$target
  log=$BUILD_DIR/fuzz_$target.log
  # 1. Replay every checked-in input (seeds and past crashes) once, whole (named files are run
  #    as they are; a corpus directory would be cut to -max_len).
  mapfile -t inputs < <(find "$corpus" -type f | sort)
  if ! "$binary" "${common[@]}" -artifact_prefix="$CRASH_DIR/$target-" "${inputs[@]}" \
      >"$log" 2>&1; then
    report_crash "$target" "$log"
  fi
  echo "fuzz: $target: replayed ${#inputs[@]} checked-in inputs"
  ((FUZZ_SECONDS > 0)) || continue
  # 2. Fuzz on a scratch copy, so new interesting inputs never touch the source tree.
  work=$BUILD_DIR/work/$target
  mkdir -p "$work"
  cp "$corpus"/* "$work"/
  if ! "$binary" "${common[@]}" -dict="$(dict_for "$target")" -max_len="$(max_len_for "$target")" \
      -max_total_time="$FUZZ_SECONDS" \
      -artifact_prefix="$CRASH_DIR/$target-" "$work" >"$log" 2>&1; then
    report_crash "$target" "$log"
  fi
  runs=$(grep -a -o -E '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  echo "fuzz: $target: ${FUZZ_SECONDS} s, ${runs:-?} executions, $(find "$work" -type f | wc -l) inputs in the working corpus, no crash"
done
echo "fuzz: all targets clean in $(($(date +%s) - start)) s"
