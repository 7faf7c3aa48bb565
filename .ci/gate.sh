#!/usr/bin/env bash
# CI gate: runs scenarios/ci_gate.yaml on a built tree (${BUILD_DIR:-build}) with its thresholds
# (integrity, error rate, generous latency and throughput floors), writes the results and JUnit
# XML into $BUILD_DIR/gate/, and compares the run with a baseline:
#   - $BASELINE if set, else $BUILD_DIR/gate/baseline.json if it exists;
#   - otherwise a same-run A/B: the scenario runs twice and the second run is gated against the
#     first (this still checks thresholds, the comparison, JUnit and exit codes end to end).
# The tolerances are wide because CI machines are noisy and shared: throughput may drop to 1/3,
# p50/p99 latency may triple, p99.9 may grow 6x; error rate and integrity errors may not grow at
# all. UPDATE_BASELINE=1 copies a passing run's results to $BUILD_DIR/gate/baseline.json (e.g. on
# the main branch) for later runs to gate against.
# Exit status: streambench's (0 pass, 1 a threshold or the baseline failed, 2 bad input, 3 could
# not run).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
BIN="$BUILD_DIR/bench/streambench"
SCENARIO=${SCENARIO:-scenarios/ci_gate.yaml}
OUT="$BUILD_DIR/gate"
TOLERANCES=(
  --tolerance 200%
  --tolerance throughput.messages_per_s=67%
  --tolerance throughput.calls_per_s=67%
  --tolerance throughput.bytes_sent_per_s=67%
  --tolerance throughput.bytes_received_per_s=67%
  --tolerance message_latency.p999=500%
  --tolerance call_latency.p999=500%
)

if [[ ! -x "$BIN" ]]; then
  echo "gate: $BIN is not built (run .ci/build.sh first)" >&2
  exit 3
fi
mkdir -p "$OUT"

baseline=${BASELINE:-}
if [[ -z "$baseline" && -f "$OUT/baseline.json" ]]; then baseline="$OUT/baseline.json"; fi
if [[ -z "$baseline" ]]; then
  echo "gate: no baseline ($OUT/baseline.json); same-run A/B, the first run is the baseline"
  "$BIN" run "$SCENARIO" --quiet --out "$OUT/first.json" --junit "$OUT/first-junit.xml"
  baseline="$OUT/first.json"
fi

echo "gate: $SCENARIO against $baseline"
rc=0
"$BIN" run "$SCENARIO" --out "$OUT/results.json" --junit "$OUT/junit.xml" \
  --baseline "$baseline" "${TOLERANCES[@]}" || rc=$?
echo "gate: exit $rc; results $OUT/results.json, JUnit $OUT/junit.xml"
if ((rc == 0)) && [[ -n "${UPDATE_BASELINE:-}" ]]; then
  cp "$OUT/results.json" "$OUT/baseline.json"
  echo "gate: baseline updated: $OUT/baseline.json"
fi
exit "$rc"
