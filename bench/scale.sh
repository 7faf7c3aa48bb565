#!/usr/bin/env bash
# Stream scale: what one generator and the reference server pay per concurrent stream, on each
# engine. For each engine and stream count, fresh reference server processes and one
# `streambench run` of mostly idle bidi streams (an open-loop trickle of 64 B echoes spread over
# all streams), then a table of:
#   generator peak RSS per stream (its peak RSS less that of a run with one stream per
#   connection, over the added streams),
#   server RSS per stream (the servers' RSS at its peak during the run less before, over the
#   streams),
#   generator CPU (its CPU in the measured phase over the phase's length, as a share of one core:
#   flat when idle streams cost nothing), and that per stream (microseconds per stream-second),
#   the p99 of the few messages, whether every stream ended OK (it opened in the warm-up and
#   ended at the drain), and the messages received of those sent in the measured phase (an echo
#   of a message sent just before it began can make the first exceed the second by one or two).
# The shape grows with the count: 10 connections, or one per 1,000 streams beyond 10,000; one
# server process, or one per 10,000 streams, sharing the port (`--reuse-port`). gRPC 1.51 as
# Debian builds it runs all of a process's callback operations through one completion queue whose
# debug checks scan every outstanding operation at each completion, so one server process cannot
# serve 100,000 streams, and the generator's grpc engine holds them at several times the CPU of
# 10,000 (bench/RESULTS.md, "Stream scale").
# Not part of CI (the 10,000-stream case is, in tests/bench/runner/stream_scale_test.cc).
#
# Usage: bench/scale.sh
# Environment: BUILD_DIR (build), STREAMS ("1000 10000"; add 100000 for the large case), ENGINES
#   ("h2 grpc"), RATE (2000: messages/s over all streams), DURATION (5s), WARMUP (the streams
#   open during it; default 2 s, or 2 s per 10,000 streams above 20,000: the grpc engine takes
#   ~10 s to open 100,000), RUN_TIMEOUT (300 s per run), SERVER_KIND (reference | go: one
#   grpc-go benchmark server instead, whose streams cost a third of the reference server's, so a
#   million fit this machine's memory beside the generator: STREAMS=1000000 ENGINES=h2
#   SERVER_KIND=go; build it with ../shared/peers/build-go-bench.sh), GO_BENCHMARK_SERVER
#   (build/peers/bin/go_benchmark_server).
# Exit: 0 ran (the table says what passed), 2 bad usage, 3 a run could not be carried out.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
STREAMS=${STREAMS:-1000 10000}
ENGINES=${ENGINES:-h2 grpc}
RATE=${RATE:-2000}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
SERVER_KIND=${SERVER_KIND:-reference}
GEN=$BUILD_DIR/bench/streambench
case $SERVER_KIND in
  reference) SERVER=$BUILD_DIR/server/streambench-server ;;
  go) SERVER=${GO_BENCHMARK_SERVER:-build/peers/bin/go_benchmark_server} ;;
  *)
    echo "scale.sh: SERVER_KIND must be reference or go, not \"$SERVER_KIND\"" >&2
    exit 2
    ;;
esac
PY=/usr/bin/python3
source bench/listening_port.sh

# The shape of a run of N streams on ENGINE: connections, server processes, warm-up.
connections_for() { local n=$1; echo $((n > 10000 ? n / 1000 : 10)); }
server_processes_for() {
  local n=$1
  [[ $SERVER_KIND == go ]] && echo 1 || echo $((n > 10000 ? n / 10000 : 1))
}
warmup_for() {
  local n=$1 engine=$2 per_10k=1
  [[ $engine == grpc ]] && per_10k=2
  [[ -n $WARMUP ]] && echo "$WARMUP" || echo "$((n > 20000 ? n * per_10k / 10000 : 2))s"
}

for bin in "$GEN" "$SERVER"; do
  [[ -x $bin ]] || {
    echo "scale.sh: $bin is not built (BUILD_DIR=$BUILD_DIR bash .ci/build.sh; grpc-go's:" \
      "bash ../shared/peers/build-go-bench.sh)" >&2
    exit 2
  }
done
for n in $STREAMS; do
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 10 && n % $(connections_for "$n") == 0)) || {
    echo "scale.sh: STREAMS entry \"$n\" is not a multiple of its connections" \
      "($(connections_for "${n//[^0-9]/0}"))" >&2
    exit 2
  }
done

WORK=$(mktemp -d /tmp/streambench-scale.XXXXXX)
SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The summed RSS (KiB) of the server processes.
servers_rss_kib() {
  local pid total=0
  for pid in "${SERVER_PIDS[@]}"; do
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

SERVERS_STARTED=0
# start_servers N: N reference server processes sharing one port; sets TARGET.
start_servers() {
  local count=$1 port=0 i share=()
  ((count > 1)) && share=(--reuse-port)
  for ((i = 0; i < count; i++)); do
    # A file per server: an earlier server's "listening on" must not be read as this one's.
    local out="$WORK/server-$SERVERS_STARTED.out" err="$WORK/server-$SERVERS_STARTED.err"
    SERVERS_STARTED=$((SERVERS_STARTED + 1))
    if [[ $SERVER_KIND == go ]]; then
      # grpc-go's tool writes profiles to /tmp/NAME.cpu|.mem: keep them in the work folder.
      "$SERVER" -bind_host=127.0.0.1 -port=0 \
        -test_name="$(realpath --relative-to=/tmp "$WORK/go-$SERVERS_STARTED")" >"$out" 2>"$err" &
    else
      "$SERVER" --port "$port" "${share[@]}" >"$out" 2>"$err" &
    fi
    SERVER_PIDS+=($!)
    # Up to 30 s: a loaded machine (or servers of the last run still exiting) can be slow.
    TARGET=
    for _ in $(seq 300); do
      if [[ $SERVER_KIND == go ]]; then
        local port_found
        port_found=$(listening_port "${SERVER_PIDS[-1]}")
        [[ -z $port_found ]] || TARGET=127.0.0.1:$port_found
      else
        TARGET=$(sed -n 's/^listening on //p' "$out" 2>/dev/null)
      fi
      [[ -n $TARGET ]] && break
      sleep 0.1
    done
    [[ -n $TARGET ]] || {
      echo "scale.sh: the server did not start:" >&2
      cat "$err" >&2
      stop_servers # run_one runs in a subshell, where the EXIT trap does not reach them
      exit 3
    }
    port=${TARGET##*:}
  done
}
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}

# run ENGINE STREAMS CONNECTIONS -> "gen_peak_kib server_growth_kib result.json"
run_one() {
  local engine=$1 streams=$2 connections=$3 out="$WORK/result-$1-$2.json"
  start_servers "$(server_processes_for "$streams")"
  local service="" behavior="{bidi: echo, response_size: 0B}"
  if [[ $SERVER_KIND == go ]]; then
    service="service: grpc.testing.BenchmarkService"
    behavior="{response_size: 64B}"
  fi
  cat >"$WORK/scale.yaml" <<YAML
name: scale-$engine-$streams
target: $TARGET
$service
mode: bidi
engine: $engine
connections: $connections
streams_per_connection: $((streams / connections))
load: {type: constant, rate: $RATE/s}
request: {payload_size: 64B}
server_behavior: $behavior
warmup: $(warmup_for "$streams" "$engine")
duration: $DURATION
YAML
  local before
  before=$(servers_rss_kib)
  # The servers' RSS is sampled during the run, while every stream is open: the generator writes
  # its results after the drain, when the streams have ended.
  : >"$WORK/server-rss"
  (
    while :; do
      servers_rss_kib >>"$WORK/server-rss"
      sleep 0.5
    done
  ) &
  local sampler=$!
  if ! timeout "$RUN_TIMEOUT" /usr/bin/time -f '%M' -o "$WORK/gen-peak" \
    "$GEN" run "$WORK/scale.yaml" --out "$out" >"$WORK/gen.out" 2>"$WORK/gen.err"; then
    # A failed check (e.g. messages that never came back) is a finding, not a broken run.
    [[ -s $out ]] || {
      echo "scale.sh: the $engine run of $streams streams wrote no result:" >&2
      tail -5 "$WORK/gen.err" >&2
      kill "$sampler" 2>/dev/null || true
      stop_servers
      exit 3
    }
  fi
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak_server
  peak_server=$(sort -n "$WORK/server-rss" | tail -1)
  stop_servers
  # time(1) writes "Command exited with non-zero status N" above the figure when the run fails.
  echo "$(tail -1 "$WORK/gen-peak") $((${peak_server:-$before} - before)) $out"
}

echo "stream scale: engines $ENGINES, streams $STREAMS, $RATE msg/s, $DURATION measured," \
  "$SERVER_KIND server" >&2
ROWS=()
for engine in $ENGINES; do
  declare -A base_peak_of=()
  for streams in $STREAMS; do
    connections=$(connections_for "$streams")
    if [[ -z ${base_peak_of[$connections]:-} ]]; then
      echo "  $engine: baseline, one stream on each of $connections connections" >&2
      read -r base_peak_of[$connections] _ _ < <(run_one "$engine" "$connections" "$connections")
    fi
    echo "  $engine: $streams streams, $connections connections," \
      "$(server_processes_for "$streams") server process(es)" >&2
    read -r peak server_growth result < <(run_one "$engine" "$streams" "$connections")
    processes=$(server_processes_for "$streams")
    ROWS+=("$engine $streams $connections $processes ${base_peak_of[$connections]} $peak"\
" $server_growth $result")
  done
  unset base_peak_of
done

$PY - "${ROWS[@]}" <<'PYEOF'
import json, sys
print("| engine | streams | connections | server processes | generator RSS per stream "
      "| server RSS per stream | generator CPU | generator CPU per stream-second | message p99 "
      "| streams ended OK | received of sent |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for row in sys.argv[1:]:
    engine, streams, connections, processes, base_peak, peak, server_growth, path = row.split()
    streams = int(streams)
    run = json.load(open(path))["runs"][0]
    added = streams - int(connections)
    gen_kib = (int(peak) - int(base_peak)) / added if added > 0 else float("nan")
    server_kib = int(server_growth) / streams
    cores = run["generator"]["cpu_seconds"] / run["duration_s"]
    cpu_us = cores * 1e6 / streams
    p99 = run["latency_us"].get("message", {}).get("p99")
    sent, got = run["messages"]["sent"], run["messages"]["received"]
    print(f"| {engine} | {streams:,} | {connections} | {processes} | {gen_kib:.1f} KiB | {server_kib:.1f} KiB | "
          f"{cores * 100:.1f}% of a core | {cpu_us:.2f} us | {'-' if p99 is None else f'{p99 / 1000:.2f} ms'} | "
          f"{run['calls']['by_code'].get('OK', 0):,} of {streams:,} | {got:,} of {sent:,} |")
PYEOF
