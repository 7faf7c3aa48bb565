#!/usr/bin/env bash
# Stream scale: what one generator and the reference server pay per concurrent stream, on each
# engine. For each engine and stream count, a fresh reference server and one `streambench run` of
# mostly idle bidi streams (10 connections, an open-loop trickle of 64 B echoes spread over all
# streams), then a table of:
#   generator peak RSS per stream (its peak RSS less a 10-stream run's, over the added streams),
#   server RSS per stream (its RSS at the end of the run less its RSS before, over the streams),
#   generator CPU per stream-second (microseconds of CPU per stream per measured second),
#   the p99 of the few messages, and whether every stream ended OK (it opened in the warm-up and
#   ended at the drain) and every message came back.
# Not part of CI (the 10,000-stream case is, in tests/bench/runner/stream_scale_test.cc).
#
# Usage: bench/scale.sh
# Environment: BUILD_DIR (build), STREAMS ("1000 10000"; add 100000 for the large case), ENGINES
#   ("h2 grpc"), RATE (2000: messages/s over all streams), DURATION (5s), WARMUP (2s; the streams
#   open during it), RUN_TIMEOUT (300 s per run).
# Exit: 0 ran (the table says what passed), 2 bad usage, 3 a run could not be carried out.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
STREAMS=${STREAMS:-1000 10000}
ENGINES=${ENGINES:-h2 grpc}
RATE=${RATE:-2000}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-2s}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
GEN=$BUILD_DIR/bench/streambench
SERVER=$BUILD_DIR/server/streambench-server
PY=/usr/bin/python3
CONNECTIONS=10

for bin in "$GEN" "$SERVER"; do
  [[ -x $bin ]] || {
    echo "scale.sh: $bin is not built (BUILD_DIR=$BUILD_DIR bash .ci/build.sh)" >&2
    exit 2
  }
done
for n in $STREAMS; do
  [[ $n =~ ^[0-9]+$ ]] && ((n % CONNECTIONS == 0 && n >= CONNECTIONS)) || {
    echo "scale.sh: STREAMS entry \"$n\" is not a positive multiple of $CONNECTIONS" >&2
    exit 2
  }
done

WORK=$(mktemp -d /tmp/streambench-scale.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

SERVERS_STARTED=0
start_server() {
  # A file per server: the previous server's "listening on" must not be read as this one's.
  local out="$WORK/server-$SERVERS_STARTED.out" err="$WORK/server-$SERVERS_STARTED.err"
  SERVERS_STARTED=$((SERVERS_STARTED + 1))
  "$SERVER" --port 0 >"$out" 2>"$err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^listening on ' "$out" 2>/dev/null && break
    sleep 0.1
  done
  TARGET=$(sed -n 's/^listening on //p' "$out")
  [[ -n $TARGET ]] || {
    echo "scale.sh: the server did not start:" >&2
    cat "$err" >&2
    exit 3
  }
}
stop_server() {
  kill -INT "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# run ENGINE STREAMS -> "gen_peak_kib server_growth_kib result.json"
run_one() {
  local engine=$1 streams=$2 out="$WORK/result-$1-$2.json"
  start_server
  cat >"$WORK/scale.yaml" <<YAML
name: scale-$engine-$streams
target: $TARGET
mode: bidi
engine: $engine
connections: $CONNECTIONS
streams_per_connection: $((streams / CONNECTIONS))
load: {type: constant, rate: $RATE/s}
request: {payload_size: 64B}
server_behavior: {bidi: echo, response_size: 0B}
warmup: $WARMUP
duration: $DURATION
YAML
  local before
  before=$(rss_kib "$SERVER_PID")
  # The server's RSS is read at the end of the measured phase, while every stream is open: the
  # generator writes its results after the drain, so sample during the run instead.
  local peak_server=$before
  (
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      rss_kib "$SERVER_PID" >>"$WORK/server-rss" 2>/dev/null || true
      sleep 0.5
    done
  ) &
  local sampler=$!
  : >"$WORK/server-rss"
  if ! timeout "$RUN_TIMEOUT" /usr/bin/time -f '%M' -o "$WORK/gen-peak" \
    "$GEN" run "$WORK/scale.yaml" --out "$out" >"$WORK/gen.out" 2>"$WORK/gen.err"; then
    # A failed check (e.g. messages that never came back) is a finding, not a broken run.
    [[ -s $out ]] || {
      echo "scale.sh: the $engine run of $streams streams wrote no result:" >&2
      tail -5 "$WORK/gen.err" >&2
      kill "$sampler" 2>/dev/null || true
      stop_server
      exit 3
    }
  fi
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak_server=$(sort -n "$WORK/server-rss" | tail -1)
  stop_server
  echo "$(cat "$WORK/gen-peak") $((${peak_server:-$before} - before)) $out"
}

echo "stream scale: engines $ENGINES, streams $STREAMS, $RATE msg/s, warm-up $WARMUP, $DURATION" >&2
ROWS=()
for engine in $ENGINES; do
  echo "  $engine: 10-stream baseline" >&2
  read -r base_peak _ _ < <(run_one "$engine" "$CONNECTIONS")
  for streams in $STREAMS; do
    echo "  $engine: $streams streams" >&2
    read -r peak server_growth result < <(run_one "$engine" "$streams")
    ROWS+=("$engine $streams $base_peak $peak $server_growth $result")
  done
done

$PY - "${ROWS[@]}" <<'PYEOF'
import json, sys
print("| engine | streams | generator RSS per stream | server RSS per stream "
      "| generator CPU per stream-second | message p99 | streams ended OK | echoed |")
print("|---|---|---|---|---|---|---|---|")
for row in sys.argv[1:]:
    engine, streams, base_peak, peak, server_growth, path = row.split()
    streams = int(streams)
    run = json.load(open(path))["runs"][0]
    added = streams - 10
    gen_kib = (int(peak) - int(base_peak)) / added if added > 0 else float("nan")
    server_kib = int(server_growth) / streams
    cpu_us = run["generator"]["cpu_seconds"] * 1e6 / (streams * run["duration_s"])
    p99 = run["latency_us"].get("message", {}).get("p99")
    sent, got = run["messages"]["sent"], run["messages"]["received"]
    print(f"| {engine} | {streams:,} | {gen_kib:.1f} KiB | {server_kib:.1f} KiB | "
          f"{cpu_us:.2f} us | {'-' if p99 is None else f'{p99 / 1000:.2f} ms'} | "
          f"{run['calls']['by_code'].get('OK', 0):,} of {streams:,} | {got:,} of {sent:,} |")
PYEOF
