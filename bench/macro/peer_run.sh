#!/usr/bin/env bash
# One measured run of a client against a fresh grpc-go benchmark server, for bench/run_macro.sh's
# comparison with other implementations (section 6). Prints one JSON line:
#   {"who", "mode", "round_trips_per_s", "p50_us" (null for h2load, which reports none),
#    "client_cpu_s_per_100k", "server_cpu_s_per_100k", "segments_per_round_trip", "window_s"}
# The client's rate and p50 are its own report over its measured phase. CPU (utime + stime from
# /proc/PID/stat, both processes) and TCP segments sent (OutSegs of /proc/net/snmp: on loopback
# both ends' segments) are sampled over a window inside the measured phase (a quarter second in
# from each end), as rates, and divided by the round-trip rate. Run it in a private network
# namespace (unshare -n) and OutSegs counts only this run; otherwise the whole machine's.
#
# Usage: peer_run.sh WHO MODE CONNECTIONS STREAMS PAYLOAD_BYTES THREADS WARMUP_S DURATION_S WORKDIR
#   WHO: sb (the streambench generator on engine h2) | sbgrpc (on engine grpc) |
#        h2 (bare_h2_client) | go (grpc-go's benchmark client) | h2load
#   MODE: bidi (StreamingCall ping-pong) | unary (UnaryCall)
# Environment: STREAMBENCH, BARE_H2_CLIENT, GO_BENCHMARK_SERVER, GO_BENCHMARK_CLIENT, H2LOAD
#   (the binaries),
#   RUN_TIMEOUT (seconds, default 120).
# Exit: 0 ran, 2 bad usage, 3 the run could not be carried out.
set -euo pipefail
if (($# != 9)); then
  sed -n '13,15p' "$0" >&2
  exit 2
fi
WHO=$1 MODE=$2 CONNS=$3 STREAMS=$4 PAYLOAD=$5 THREADS=$6 WARMUP_S=$7 DURATION_S=$8 WORK=$9
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
PY=/usr/bin/python3
source "$(dirname "$0")/../listening_port.sh"
case $WHO/$MODE in
  sb/bidi | sb/unary | sbgrpc/bidi | sbgrpc/unary | h2/bidi | h2/unary | go/bidi | go/unary | \
    h2load/unary) ;;
  *)
    echo "peer_run.sh: unknown client/mode $WHO/$MODE" >&2
    exit 2
    ;;
esac
for n in "$CONNS" "$STREAMS" "$PAYLOAD" "$THREADS" "$WARMUP_S" "$DURATION_S"; do
  [[ $n =~ ^[0-9]+$ ]] || {
    echo "peer_run.sh: \"$n\" is not a whole number" >&2
    exit 2
  }
done
((DURATION_S >= 1)) || {
  echo "peer_run.sh: DURATION_S must be >= 1" >&2
  exit 2
}

# In a fresh network namespace loopback starts down, without its address.
if ! ip -o addr show lo up | grep -q 127.0.0.1; then
  ip link set lo up
fi

RUN=$(mktemp -d "$WORK/run.XXXXXX")
SERVER_PID= TIMEOUT_PID=
cleanup() {
  [[ -z $TIMEOUT_PID ]] || kill "$TIMEOUT_PID" 2>/dev/null || true
  if [[ -n $SERVER_PID ]]; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# grpc-go's tools write their profiles to /tmp/NAME.cpu|.mem; keep them inside the run folder.
profile_name() { realpath --relative-to=/tmp "$RUN/$1"; }
"$GO_BENCHMARK_SERVER" -bind_host=127.0.0.1 -port=0 -test_name="$(profile_name server)" \
  >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 200); do
  PORT=$(listening_port "$SERVER_PID")
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
if [[ -z $PORT ]]; then
  echo "peer_run.sh: the grpc-go benchmark server did not start:" >&2
  cat "$RUN/server.log" >&2
  exit 3
fi

case $WHO in
  sb | sbgrpc)
    # A closed-loop run of grpc.testing.BenchmarkService, the shape grpc-go's client drives.
    cat >"$RUN/scenario.yaml" <<YAML
name: peer-$MODE
service: grpc.testing.BenchmarkService
target: 127.0.0.1:$PORT
mode: $MODE
engine: $([[ $WHO == sb ]] && echo h2 || echo grpc)
connections: $CONNS
streams_per_connection: $STREAMS
load: {type: closed, outstanding: 1}
request: {payload_size: ${PAYLOAD}B}
server_behavior: {response_size: ${PAYLOAD}B}
warmup: ${WARMUP_S}s
duration: ${DURATION_S}s
YAML
    cmd=("$STREAMBENCH" run "$RUN/scenario.yaml" --out "$RUN/result.json")
    ;;
  h2)
    cmd=("$BARE_H2_CLIENT" --target "127.0.0.1:$PORT" --mode "$MODE" --connections "$CONNS"
      --streams "$STREAMS" --threads "$THREADS" --payload "${PAYLOAD}B" --warmup "${WARMUP_S}s"
      --duration "${DURATION_S}s")
    ;;
  go)
    cmd=("$GO_BENCHMARK_CLIENT" -host=127.0.0.1 -port="$PORT" -rpc_type="${MODE/bidi/streaming}"
      -c "$CONNS" -r "$STREAMS" -req "$PAYLOAD" -resp "$PAYLOAD" -w "$WARMUP_S" -d "$DURATION_S"
      -test_name="$(profile_name client)")
    ;;
  h2load)
    # The same framed SimpleRequest bare_h2_client sends, as a gRPC unary POST.
    "$BARE_H2_CLIENT" --payload "${PAYLOAD}B" --write-request-body "$RUN/request.bin"
    cmd=("$H2LOAD" -c "$CONNS" -m "$STREAMS" -t "$THREADS" -D "$DURATION_S"
      --warm-up-time "$WARMUP_S" -d "$RUN/request.bin" -H 'content-type: application/grpc'
      -H 'te: trailers' "http://127.0.0.1:$PORT/grpc.testing.BenchmarkService/UnaryCall")
    ;;
esac

CLK_TCK=$(getconf CLK_TCK)
# "wall_ns client_cpu_ticks server_cpu_ticks out_segments"; the comm field of /proc/PID/stat ends
# with ") ", after which utime and stime are fields 12 and 13.
sample() {
  local client server segs
  client=$(sed 's/^.*) //' "/proc/$CLIENT_PID/stat" | awk '{print $12 + $13}')
  server=$(sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}')
  segs=$(awk '/^Tcp:/ {if (!h) {for (i = 1; i <= NF; i++) if ($i == "OutSegs") c = i; h = 1}
                       else print $c}' /proc/net/snmp)
  echo "$(date +%s%N) $client $server $segs"
}
sleep_until() {  # epoch ns
  local left_ns=$(($1 - $(date +%s%N)))
  ((left_ns <= 0)) ||
    sleep "$(printf '%d.%09d' $((left_ns / 1000000000)) $((left_ns % 1000000000)))"
}

launch_ns=$(date +%s%N)
timeout -k 5 "$RUN_TIMEOUT" "${cmd[@]}" >"$RUN/client.out" 2>"$RUN/client.err" &
TIMEOUT_PID=$!
CLIENT_PID=
for _ in $(seq 200); do
  CLIENT_PID=$(pgrep -P "$TIMEOUT_PID" | head -1) && [[ -n $CLIENT_PID ]] && break
  sleep 0.01
done
margin_ns=250000000
sleep_until $((launch_ns + WARMUP_S * 1000000000 + margin_ns))
first=$(sample)
sleep_until $((launch_ns + (WARMUP_S + DURATION_S) * 1000000000 - margin_ns))
second=$(sample)
rc=0
wait "$TIMEOUT_PID" || rc=$?
TIMEOUT_PID=
if ((rc != 0)); then
  echo "peer_run.sh: $WHO exited $rc:" >&2
  cat "$RUN/client.out" "$RUN/client.err" >&2
  exit 3
fi

$PY - "$WHO" "$MODE" "$RUN/client.out" "$CLK_TCK" "$first" "$second" <<'EOF'
import json, re, sys
who, mode, out, clk_tck = sys.argv[1:5]
t0, c0, s0, o0 = (float(x) for x in sys.argv[5].split())
t1, c1, s1, o1 = (float(x) for x in sys.argv[6].split())
text = open(out).read()

def go_duration_us(s):
    m = re.fullmatch(r"([0-9.]+)(ns|µs|us|ms|s)", s)
    scale = {"ns": 1e-3, "µs": 1, "us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]
    return float(m.group(1)) * scale

def fail(why):
    sys.exit(f"peer_run.sh: {who}: {why}:\n{text}")

p50 = None
if who in ("sb", "sbgrpc"):
    run = json.load(open(out.replace("client.out", "result.json")))["runs"][0]
    if run["calls"].get("by_code", {"OK": 1}).keys() - {"OK"}:
        fail("calls did not all end OK")
    rate = (run["throughput"]["messages_received_per_s"] if mode == "bidi"
            else run["throughput"]["calls_per_s"])
    p50 = run["latency_us"]["message"]["p50"]
elif who == "h2":
    run = json.loads(text.strip().splitlines()[-1])
    rate, p50 = run["round_trips_per_s"], run["rtt_us"]["p50"]
elif who == "go":
    m = re.search(r"^qps: ([0-9.e+]+)$", text, re.M) or fail("no qps line")
    rate = float(m.group(1))
    m = re.search(r"^Latency: \(50/90/99 %ile\): (\S+?)/", text, re.M) or fail("no latency line")
    p50 = go_duration_us(m.group(1))
else:  # h2load: every request must have succeeded with a 2xx
    m = re.search(r"^finished in \S+, ([0-9.]+) req/s", text, re.M) or fail("no finished line")
    rate = float(m.group(1))
    m = re.search(r"^requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", text, re.M) or fail("no requests")
    if int(m.group(4)) or int(m.group(5)) or int(m.group(6)) or m.group(2) != m.group(3):
        fail("requests failed")
if rate <= 0:
    fail("no round trips")
window_s = (t1 - t0) / 1e9
per_rt = lambda delta: delta / window_s / rate
print(json.dumps({
    "who": who, "mode": mode, "round_trips_per_s": rate, "p50_us": p50,
    "client_cpu_s_per_100k": per_rt((c1 - c0) / float(clk_tck)) * 1e5,
    "server_cpu_s_per_100k": per_rt((s1 - s0) / float(clk_tck)) * 1e5,
    "segments_per_round_trip": per_rt(o1 - o0), "window_s": window_s}))
EOF
