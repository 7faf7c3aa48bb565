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
# Then it proves that the gate catches a regression: a candidate with a known injected regression
# (the reference server delays every answer by $REGRESSION_DELAY, about 10x the p50 measured here)
# is gated against the same baseline and must exit 1 with the latency check of each variant
# failed in its JUnit; the clean candidate above must exit 0.
# Exit status: streambench's for the clean candidate (0 pass, 1 a threshold or the baseline
# failed, 2 bad input, 3 could not run); 1 as well when the regressed candidate is not caught.
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
if ((rc == 1)); then
  # A 4 s run's tail can take one scheduling hiccup of a shared machine (seen: p99 10.6 ms against
  # 0.74 ms, then three clean reruns): a real regression fails twice in a row, a hiccup does not.
  echo "gate: the candidate failed; running it once more (a regression fails both times)" >&2
  rc=0
  "$BIN" run "$SCENARIO" --out "$OUT/results.json" --junit "$OUT/junit.xml" \
    --baseline "$baseline" "${TOLERANCES[@]}" || rc=$?
fi
echo "gate: exit $rc; results $OUT/results.json, JUnit $OUT/junit.xml"
if ((rc != 0)); then exit "$rc"; fi
if [[ -n "${UPDATE_BASELINE:-}" ]]; then
  cp "$OUT/results.json" "$OUT/baseline.json"
  echo "gate: baseline updated: $OUT/baseline.json"
fi

REGRESSION_DELAY=${REGRESSION_DELAY:-3ms}
echo "gate: a candidate with an injected regression (server_behavior.response_delay=$REGRESSION_DELAY)" \
  "must fail"
rrc=0
"$BIN" run "$SCENARIO" --quiet --out "$OUT/regressed.json" --junit "$OUT/regressed-junit.xml" \
  --set "server_behavior.response_delay=$REGRESSION_DELAY" --baseline "$baseline" \
  "${TOLERANCES[@]}" >"$OUT/regressed.log" 2>&1 || rrc=$?
if ((rrc != 1)); then
  echo "gate: the regressed candidate exited $rrc, not 1: the gate did not catch it" >&2
  cat "$OUT/regressed.log" >&2
  exit 1
fi
# The failed checks must name the regressed metric of each variant: a JUnit <failure> in a
# testcase whose name matches.
missing=()
for check in "bidi-open-loop.*message_latency[.]p50" "unary-closed-loop.*call_latency[.]p50"; do
  /usr/bin/python3 "$(dirname "$0")/junit_has_failure.py" "$OUT/regressed-junit.xml" "$check" ||
    missing+=("$check")
done
if ((${#missing[@]})); then
  echo "gate: the regressed candidate failed, but no failed check matched: ${missing[*]}" >&2
  cat "$OUT/regressed.log" >&2
  exit 1
fi
echo "gate: the regressed candidate was caught (exit 1, $(grep -c '<failure' \
  "$OUT/regressed-junit.xml") failed checks in $OUT/regressed-junit.xml)"
exit 0
