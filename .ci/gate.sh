#!/usr/bin/env bash
# CI gate: runs scenarios/ci_gate.yaml on a built tree (${BUILD_DIR:-build}) with its thresholds
# (integrity, error rate, generous latency and throughput floors), writes the results and JUnit
# XML into $BUILD_DIR/gate/, and compares the run with a baseline:
#   - $BASELINE if set, else $BUILD_DIR/gate/baseline.json if it exists;
#   - otherwise a same-run A/B: the scenario runs again and is gated against the
#     quieter of two first runs (this still checks thresholds, the comparison, JUnit and exit
#     codes end to end).
# The tolerances are wide because CI machines are noisy and shared: throughput may drop to 1/3,
# median latency may triple, the tails (p99, p99.9) may grow 30x (why: below); error rate and
# integrity errors may not grow at all. UPDATE_BASELINE=1 copies a passing run's results to
# $BUILD_DIR/gate/baseline.json (e.g. on the main branch) for later runs to gate against.
# Then it proves that the gate catches a regression: a candidate with a known injected regression
# (the reference server delays every answer by $REGRESSION_DELAY: 50 ms, x25 the worst bidi
# median measured here and x200 the usual one, so it clears the wide tolerances below)
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
  --tolerance message_latency.p50=1400%
  --tolerance message_latency.p99=10000%
  --tolerance call_latency.p99=3000%
  --tolerance message_latency.p999=10000%
  --tolerance call_latency.p999=3000%
)
# Why the tails are all but open here: on a shared 2-core VM the tail of a 4 s run is one
# scheduling hiccup away from 40x. Ten alternating runs of this scenario, this build and the
# build of two sessions ago alike, gave bidi message p99 0.50-21 ms and p50 0.25-1.6 ms; in one CI
# run three clean candidates in a row measured bidi message p50 0.92-2.29 ms and p99 16-20 ms
# against a 0.215 ms / 0.442 ms baseline (x4-x11, x37-x45), and the next run of the same build
# passed. So the bidi open-loop message latency gets x15 at the median and x100 in the
# tail; unary closed loop (call latency, 200% at the median) and throughput (67%) are the tight
# comparison. A baseline from a dedicated runner deserves tighter tolerances.

if [[ ! -x "$BIN" ]]; then
  echo "gate: $BIN is not built (run .ci/build.sh first)" >&2
  exit 3
fi
mkdir -p "$OUT"

baseline=${BASELINE:-}
if [[ -z "$baseline" && -f "$OUT/baseline.json" ]]; then baseline="$OUT/baseline.json"; fi
if [[ -z "$baseline" ]]; then
  echo "gate: no baseline ($OUT/baseline.json); same-run A/B, the quieter of two first runs is" \
    "the baseline"
  # A baseline caught in a hiccup (median latency 5x its usual) would let the injected regression
  # below pass as within tolerance, so the baseline is the run with the lower medians of two.
  "$BIN" run "$SCENARIO" --quiet --out "$OUT/first-a.json" --junit "$OUT/first-junit.xml"
  "$BIN" run "$SCENARIO" --quiet --out "$OUT/first-b.json" --junit "$OUT/first-junit.xml"
  quieter=$(/usr/bin/python3 - "$OUT/first-a.json" "$OUT/first-b.json" <<'PY'
import json, sys
def medians(path):
    return sum(run["latency_us"]["message"]["p50"] for run in json.load(open(path))["runs"])
print(min(sys.argv[1:], key=medians))
PY
  )
  cp "$quieter" "$OUT/first.json"
  baseline="$OUT/first.json"
fi

echo "gate: $SCENARIO against $baseline"
rc=0
"$BIN" run "$SCENARIO" --out "$OUT/results.json" --junit "$OUT/junit.xml" \
  --baseline "$baseline" "${TOLERANCES[@]}" || rc=$?
# A 4 s run can fall into a hiccup of a shared machine that lasts seconds (seen: median 0.25 ms
# then 1.6 ms, same binary): a real regression fails every attempt, a hiccup not three in a row.
for attempt in 2 3; do
  if ((rc != 1)); then break; fi
  echo "gate: the candidate failed; attempt $attempt of 3 (a regression fails every time)" >&2
  rc=0
  "$BIN" run "$SCENARIO" --out "$OUT/results.json" --junit "$OUT/junit.xml" \
    --baseline "$baseline" "${TOLERANCES[@]}" || rc=$?
done
echo "gate: exit $rc; results $OUT/results.json, JUnit $OUT/junit.xml"
if ((rc != 0)); then exit "$rc"; fi
if [[ -n "${UPDATE_BASELINE:-}" ]]; then
  cp "$OUT/results.json" "$OUT/baseline.json"
  echo "gate: baseline updated: $OUT/baseline.json"
fi

REGRESSION_DELAY=${REGRESSION_DELAY:-50ms}
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
