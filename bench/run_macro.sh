#!/usr/bin/env bash
# Macro benchmarks: the generator measured against what it could at best achieve, each
# pair in the same run on the same machine, against one reference server:
#   1. streambench vs bare_client (a minimal callback-API client): throughput overhead, target <= 5%
#      (bidi ping-pong 64 B and 1 KiB on 2 connections x 8 streams; server-stream 1 MiB x 100).
#   2. streambench ping-pong p50 latency (1 connection, 1 stream, 64 B) vs raw TCP ping-pong p50
#      of the same payload: target <= 1.5x.
#   3. streambench server-stream bulk throughput (1 MiB messages) vs raw loopback TCP bandwidth:
#      target >= 50%.
#   4. the reference server's messages per CPU-second on each mode (its /proc/PID/stat CPU time
#      against its own message counter), and the generator's CPU per 100k messages.
#   6. the nghttp2 engine (bare_h2_client) beside other implementations, all against grpc-go's
#      benchmark server: grpc-go's benchmark client on bidi ping-pong (64 B 2x32: >= 1.5x its
#      round trips/s; 1 KiB 1x8 and 1x1: >= 1.2x and p50 no higher), h2load on unary 64 B 2x32
#      (>= 1.0x its calls/s); client CPU per 100k round trips <= 0.7x grpc-go's; TCP segments per
#      round trip beside each. Each run gets a fresh server (bench/macro/peer_run.sh), in a private
#      network namespace when `unshare -n` works, so the segment count is the run's own. Skipped
#      with a message when the peers are not built (bash ../shared/peers/build-go-bench.sh from
#      the project root builds them into $BUILD_DIR/peers and installs h2load).
#   7. the any-service path (a method driven from its .proto with dynamic messages, requests from
#      a template) against the compiled streambench.v1 driver, same server, same bidi ping-pong
#      (64 B and 1 KiB, 2x8 closed loop), alternating: >= 80% of its messages/s, CPU per message
#      <= 1.3x.
# A/B pairs are interleaved (the order alternates per repeat) and every figure is the median of
# REPEATS runs, to resist the noise of a shared machine. Prints one table (Markdown-compatible).
#
# Usage: bench/run_macro.sh [--rebuild]
# Environment: BUILD_DIR (default build, as .ci/build.sh makes it), REPEATS (3), DURATION (5s),
#   WARMUP (1s), KEEP=1 keeps the raw results directory, RUN_TIMEOUT (120, seconds per run);
#   SECTIONS ("reference any_service peers": sections 1-5 against the reference server, section 7
#   (any_service) against it too, then section 6
#   against grpc-go's; name one to run only it); PEERS_BIN (default $BUILD_DIR/peers/bin), H2LOAD,
#   H2_THREADS (1: bare_h2_client's event loops and h2load's threads); section 6 runs whole
#   seconds (DURATION and WARMUP rounded up);
#   STREAMBENCH, STREAMBENCH_SERVER, BARE_CLIENT, RAW_TCP_BENCH override single binaries;
#   STREAMBENCH_BASELINE=PATH also runs another build of the generator (e.g. the last release's)
#   on every configuration, interleaved with this one, and adds its ratios to the table (5.), so
#   "did this change slow the generator" is answered within one run.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
REPEATS=${REPEATS:-3}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-1s}
PY=/usr/bin/python3

GEN=${STREAMBENCH:-$BUILD_DIR/bench/streambench}
SERVER=${STREAMBENCH_SERVER:-$BUILD_DIR/server/streambench-server}
BARE=${BARE_CLIENT:-$BUILD_DIR/bench/macro/bare_client}
RAW=${RAW_TCP_BENCH:-$BUILD_DIR/bench/macro/raw_tcp_bench}
BARE_H2=${BARE_H2_CLIENT:-$BUILD_DIR/bench/macro/bare_h2_client}
SECTIONS=" ${SECTIONS:-reference any_service peers} "
BASELINE_GEN=${STREAMBENCH_BASELINE:-}
if [[ -n $BASELINE_GEN && ! -x $BASELINE_GEN ]]; then
  echo "run_macro.sh: STREAMBENCH_BASELINE=$BASELINE_GEN is not an executable" >&2
  exit 2
fi
# Every run is bounded: a run that hangs is killed and the script fails.
RUN_TIMEOUT=${RUN_TIMEOUT:-120}

# --- build if needed --------------------------------------------------------------------------
need_build=0
[[ ${1:-} == --rebuild ]] && need_build=1
needed=("$GEN" "$SERVER")  # section 7 needs only these two
[[ $SECTIONS == *" reference "* || $SECTIONS == *" peers "* ]] && needed+=("$BARE" "$RAW" "$BARE_H2")
for bin in "${needed[@]}"; do [[ -x $bin ]] || need_build=1; done
if ((need_build)); then
  if [[ -f $BUILD_DIR/CMakeCache.txt ]]; then
    cmake --build "$BUILD_DIR" -j "$(nproc)" --target streambench streambench-server bare_client \
      raw_tcp_bench bare_h2_client -- --no-print-directory >/dev/null
  else
    BUILD_DIR=$BUILD_DIR bash .ci/build.sh
  fi
fi

WORK=$(mktemp -d /tmp/streambench-macro.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "raw results kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- the reference server (sections 1-5 and 7 share one) ---------------------------------------
start_reference_server() {
  [[ -z $SERVER_PID ]] || return 0
  "$SERVER" --port 0 --metrics-port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^metrics on ' "$WORK/server.out" 2>/dev/null && break
    sleep 0.1
  done
  TARGET=$(sed -n 's/^listening on //p' "$WORK/server.out")
  METRICS=$(sed -n 's/^metrics on //p' "$WORK/server.out")
  if [[ -z $TARGET || -z $METRICS ]]; then
    echo "run_macro.sh: the server did not start:" >&2
    cat "$WORK/server.err" >&2
    exit 3
  fi
}
CLK_TCK=$(getconf CLK_TCK)

# Server CPU seconds so far (utime + stime, fields 14 and 15 of /proc/PID/stat).
server_cpu_s() { awk -v hz="$CLK_TCK" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }
# Messages the server has handled so far (both directions, every method).
server_msgs() {
  curl -sf "http://$METRICS/metrics" |
    awk '/^streambench_server_messages_total[{ ]/ {s += $NF} END {printf "%.0f\n", s}'
}

# --- scenarios (written here so the run matches bare_client exactly) --------------------------
# config -> "mode connections streams payload"
declare -A CONFIG=(
  [bidi_64B]="bidi 2 8 64B"
  [bidi_1KiB]="bidi 2 8 1KiB"
  [server_stream_1MiB]="server_stream 1 1 64B"
  [latency_64B]="bidi 1 1 64B"
)
write_scenario() {  # config file
  read -r mode conns streams payload <<<"${CONFIG[$1]}"
  {
    echo "name: macro-$1"
    echo "mode: $mode"
    echo "target: $TARGET"
    echo "connections: $conns"
    echo "streams_per_connection: $streams"
    echo "load: {type: closed, outstanding: 1}"
    echo "request: {payload_size: $payload}"
    if [[ $mode == bidi ]]; then
      echo "server_behavior: {bidi: echo, response_size: 0B}"
    else
      echo "server_behavior: {response_size: 1MiB, response_count: 100, response_interval: 0s}"
    fi
    echo "warmup: $WARMUP"
    echo "duration: $DURATION"
  } >"$2"
}

# The same bidi workload as write_scenario's, driven as a method of any service: the run's
# streambench.v1.StreamBench/Bidi from its .proto, requests built by the dynamic-message path
# from a template ({{seq}}, a {{payload N}} of the configuration's size), echoed back at the same
# size (server_behavior left out: echo, response_size 0B), responses counted, not parsed.
declare -A ANY_SERVICE_PAYLOAD_BYTES=([bidi_64B]=64 [bidi_1KiB]=1024)
write_any_service_scenario() {  # config file
  read -r mode conns streams _ <<<"${CONFIG[$1]}"
  {
    echo "name: macro-any-service-$1"
    echo "service: streambench.v1.StreamBench"
    echo "method: Bidi"
    echo "proto: {files: [$PWD/proto/streambench/v1/streambench.proto], import_paths: [$PWD/proto]}"
    echo "target: $TARGET"
    echo "connections: $conns"
    echo "streams_per_connection: $streams"
    echo "load: {type: closed, outstanding: 1}"
    echo "request: {json: {seq: \"{{seq}}\", payload: \"{{payload ${ANY_SERVICE_PAYLOAD_BYTES[$1]}}}\"}}"
    echo "warmup: $WARMUP"
    echo "duration: $DURATION"
  } >"$2"
}

RESULTS=$WORK/results.jsonl
# One line per run: {"who", "config", "rep", "run": <tool's figures>, "server_cpu_s",
# "server_msgs", "process_cpu_s", "wall_s"}.
record() {  # who config rep json_file time_file cpu0 cpu1 msgs0 msgs1
  $PY - "$@" >>"$RESULTS" <<'EOF'
import json, sys
who, config, rep, out, timef, c0, c1, m0, m1 = sys.argv[1:]
if who in ("streambench", "baseline", "any_service"):
    run = json.load(open(out))["runs"][0]
else:
    run = json.loads(open(out).read().strip().splitlines()[-1])
user, sys_, wall = (float(x) for x in open(timef).read().split()[-3:])
print(json.dumps({"who": who, "config": config, "rep": int(rep), "run": run,
                  "server_cpu_s": float(c1) - float(c0), "server_msgs": int(m1) - int(m0),
                  "process_cpu_s": user + sys_, "wall_s": wall}))
EOF
}

run_generator() {  # who binary config rep
  local who=$1 bin=$2
  shift 2
  local yaml=$WORK/$who-$1.yaml out=$WORK/$who-$1-$2.json timef=$WORK/$who-$1-$2.time c0 m0
  if [[ $who == any_service ]]; then write_any_service_scenario "$1" "$yaml"; else
    write_scenario "$1" "$yaml"
  fi
  c0=$(server_cpu_s) m0=$(server_msgs)
  timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -f "%U %S %e" -o "$timef" "$bin" run "$yaml" --out "$out" --quiet \
    >"$WORK/$who-$1-$2.log" 2>&1 || {
    echo "run_macro.sh: $who ($bin) failed on $1:" >&2
    cat "$WORK/$who-$1-$2.log" >&2
    exit 3
  }
  record "$who" "$1" "$2" "$out" "$timef" "$c0" "$(server_cpu_s)" "$m0" "$(server_msgs)"
}
run_streambench() { run_generator streambench "$GEN" "$@"; }   # config rep
run_baseline() { [[ -z $BASELINE_GEN ]] || run_generator baseline "$BASELINE_GEN" "$@"; }

run_bare() {  # config rep
  local out=$WORK/bare-$1-$2.json timef=$WORK/bare-$1-$2.time c0 m0 extra=()
  read -r mode conns streams payload <<<"${CONFIG[$1]}"
  [[ $1 == latency_* ]] && extra=(--record-rtt true)
  c0=$(server_cpu_s) m0=$(server_msgs)
  timeout -k 5 "$RUN_TIMEOUT" /usr/bin/time -f "%U %S %e" -o "$timef" "$BARE" --target "$TARGET" --mode "$mode" \
    --connections "$conns" --streams "$streams" --payload "$payload" --response-size 1MiB \
    --response-count 100 --warmup "$WARMUP" --duration "$DURATION" "${extra[@]}" >"$out" ||
    {
      echo "run_macro.sh: bare_client failed on $1" >&2
      exit 3
    }
  record bare "$1" "$2" "$out" "$timef" "$c0" "$(server_cpu_s)" "$m0" "$(server_msgs)"
}

run_raw() {  # rep
  local out=$WORK/raw-$1.jsonl
  timeout -k 5 "$RUN_TIMEOUT" "$RAW" --mode pingpong --payload 64B --round-trips 50000 \
    --duration 2s >"$out"
  timeout -k 5 "$RUN_TIMEOUT" "$RAW" --mode bulk --write-size 1MiB --duration 2s >>"$out"
  $PY -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.dumps({"who": "raw_tcp", "config": json.loads(line)["mode"], "rep": int(sys.argv[2]),
                      "run": json.loads(line)}))' "$out" "$1" >>"$RESULTS"
}

if [[ $SECTIONS == *" reference "* ]]; then
start_reference_server
echo "streambench macro benchmarks: server $TARGET, $REPEATS repeats, warmup $WARMUP," \
  "duration $DURATION per run" >&2
for rep in $(seq "$REPEATS"); do
  for config in bidi_64B bidi_1KiB server_stream_1MiB latency_64B; do
    echo "  repeat $rep/$REPEATS: $config" >&2
    if ((rep % 2)); then
      run_streambench "$config" "$rep"
      run_baseline "$config" "$rep"
      run_bare "$config" "$rep"
    else
      run_bare "$config" "$rep"
      run_baseline "$config" "$rep"
      run_streambench "$config" "$rep"
    fi
  done
  run_raw "$rep"
done

# --- the table --------------------------------------------------------------------------------
$PY - "$RESULTS" "$(nproc)" "$(uname -r)" "$DURATION" "$REPEATS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cores, kernel, duration, repeats = sys.argv[2:]

def runs(who, config):
    return [r for r in rows if r["who"] == who and r["config"] == config]

def med(values):
    return statistics.median(values) if values else float("nan")

def gen_msgs_per_s(r): return r["run"]["throughput"]["messages_per_s"]
def gen_bytes_per_s(r): return r["run"]["throughput"]["bytes_received_per_s"]
def gen_cpu_measured(r):
    # Prefer the generator's own measurement of its measured phase when it reports one.
    g = r["run"].get("generator")
    if g and "cpu_seconds" in g:
        return g["cpu_seconds"], False
    # Otherwise the whole process (warm-up, start, drain) scaled to the measured phase.
    return r["process_cpu_s"] * r["run"]["duration_s"] / r["wall_s"], True

table = []
def add(figure, measured, target, ok):
    table.append((figure, measured, target, "" if ok is None else ("PASS" if ok else "MISS")))

def fmt_rate(v, unit):
    for div, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:.2f} {prefix}{unit}"
    return f"{v:.1f} {unit}"

# 1. Throughput overhead against the bare client.
for config, label, metric, unit in (
        ("bidi_64B", "bidi ping-pong 64 B, 2x8 streams", gen_msgs_per_s, "msg/s"),
        ("bidi_1KiB", "bidi ping-pong 1 KiB, 2x8 streams", gen_msgs_per_s, "msg/s"),
        ("server_stream_1MiB", "server-stream 1 MiB x 100, 1 stream", gen_bytes_per_s, "B/s")):
    gen = med([metric(r) for r in runs("streambench", config)])
    bare_metric = "messages_per_s" if unit == "msg/s" else "bytes_received_per_s"
    bare = med([r["run"][bare_metric] for r in runs("bare", config)])
    overhead = (bare - gen) / bare * 100
    add(f"1. overhead vs bare client, {label}",
        f"{overhead:+.1f}% ({fmt_rate(gen, unit)} vs {fmt_rate(bare, unit)})", "<= 5%",
        overhead <= 5)
    # Each repeat's own A/B pair, to show how much of the figure is noise.
    pairs = []
    for g in runs("streambench", config):
        b = [r for r in runs("bare", config) if r["rep"] == g["rep"]]
        if b:
            pairs.append((b[0]["run"][bare_metric] - metric(g)) / b[0]["run"][bare_metric] * 100)
    add("   (info) overhead per A/B pair", ", ".join(f"{p:+.1f}%" for p in pairs), "", None)

# 2. Latency against raw TCP.
gen_p50 = med([r["run"]["latency_us"]["message"]["p50"] for r in runs("streambench", "latency_64B")])
bare_p50 = med([r["run"]["rtt_us"]["p50"] for r in runs("bare", "latency_64B")])
raw_p50 = med([r["run"]["rtt_us"]["p50"] for r in runs("raw_tcp", "pingpong")])
add("2. ping-pong p50, 64 B, 1x1: streambench / raw TCP",
    f"{gen_p50 / raw_p50:.2f}x ({gen_p50:.1f} us vs {raw_p50:.1f} us)", "<= 1.5x",
    gen_p50 / raw_p50 <= 1.5)
add("   (info) bare gRPC client p50 / raw TCP", f"{bare_p50 / raw_p50:.2f}x ({bare_p50:.1f} us)",
    "", None)
add("   (info) streambench p50 / bare gRPC client p50", f"{gen_p50 / bare_p50:.2f}x", "", None)

# 3. Bulk throughput against raw TCP bandwidth.
gen_bulk = med([gen_bytes_per_s(r) for r in runs("streambench", "server_stream_1MiB")])
bare_bulk = med([r["run"]["bytes_received_per_s"] for r in runs("bare", "server_stream_1MiB")])
raw_bulk = med([r["run"]["bytes_per_s"] for r in runs("raw_tcp", "bulk")])
add("3. server-stream 1 MiB bytes/s: streambench / raw TCP",
    f"{gen_bulk / raw_bulk * 100:.0f}% ({fmt_rate(gen_bulk, 'B/s')} vs {fmt_rate(raw_bulk, 'B/s')})",
    ">= 50%", gen_bulk / raw_bulk >= 0.5)
add("   (info) bare gRPC client / raw TCP", f"{bare_bulk / raw_bulk * 100:.0f}%", "", None)

# 4. Server throughput per core; generator CPU per 100k messages.
for config, label in (("bidi_64B", "bidi 64 B"), ("bidi_1KiB", "bidi 1 KiB"),
                      ("server_stream_1MiB", "server-stream 1 MiB"), ("latency_64B", "bidi 64 B 1x1")):
    per_core = med([r["server_msgs"] / r["server_cpu_s"]
                    for r in runs("streambench", config) + runs("bare", config)
                    if r["server_cpu_s"] > 0])
    add(f"4. server msgs per CPU-second, {label}", fmt_rate(per_core, "msg/s"), "", None)
approx = False
for config, label in (("bidi_64B", "bidi 64 B"), ("bidi_1KiB", "bidi 1 KiB"),
                      ("server_stream_1MiB", "server-stream 1 MiB")):
    gen, bare = [], []
    for r in runs("streambench", config):
        cpu, a = gen_cpu_measured(r)
        approx |= a
        m = r["run"]["messages"]["sent"] + r["run"]["messages"]["received"]
        gen.append(cpu / m * 1e5)
    for r in runs("bare", config):
        m = r["run"]["messages_sent"] + r["run"]["messages_received"]
        bare.append(r["run"]["cpu_seconds"] / m * 1e5)
    add(f"4. generator CPU per 100k msgs, {label}",
        f"{med(gen):.3f} s (bare client {med(bare):.3f} s)", "", None)

# 5. This build against another build of the generator (STREAMBENCH_BASELINE), when one ran.
for config, label in (("bidi_64B", "bidi 64 B, 2x8"), ("bidi_1KiB", "bidi 1 KiB, 2x8"),
                      ("server_stream_1MiB", "server-stream 1 MiB"), ("latency_64B", "bidi 64 B 1x1")):
    base = runs("baseline", config)
    if not base:
        continue
    this = runs("streambench", config)
    rate = gen_bytes_per_s if config.startswith("server_stream") else gen_msgs_per_s
    ratio = med([rate(r) for r in this]) / med([rate(r) for r in base])
    add(f"5. this build / baseline build, throughput, {label}", f"{ratio:.3f}x", "", None)
    p50 = lambda r: r["run"]["latency_us"]["message"]["p50"]
    add(f"5. this build / baseline build, message p50, {label}",
        f"{med([p50(r) for r in this]) / med([p50(r) for r in base]):.3f}x", "", None)
    cpu = lambda r: gen_cpu_measured(r)[0] / (r["run"]["messages"]["sent"] +
                                              r["run"]["messages"]["received"])
    add(f"5. this build / baseline build, CPU per message, {label}",
        f"{med([cpu(r) for r in this]) / med([cpu(r) for r in base]):.3f}x", "", None)

print(f"\nstreambench macro benchmarks: {cores} cores, Linux {kernel}, {duration} per run, "
      f"median of {repeats}\n")
w = [max(len(str(row[i])) for row in table + [("Figure", "Measured", "Target", "Result")])
     for i in range(4)]
line = lambda c: "| " + " | ".join(str(c[i]).ljust(w[i]) for i in range(4)) + " |"
print(line(("Figure", "Measured", "Target", "Result")))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for row in table:
    print(line(row))
if approx:
    print("\n(generator CPU: whole-process CPU scaled to the measured phase; the generator did not"
          " report its own)")
EOF
fi  # sections 1-5

# --- 7. the any-service (dynamic message) path against the compiled streambench.v1 driver -------
if [[ $SECTIONS == *" any_service "* ]]; then
start_reference_server
echo "section 7: any-service vs compiled driver, bidi ping-pong 2x8 closed loop, server $TARGET," \
  "$REPEATS repeats, warmup $WARMUP, duration $DURATION per run" >&2
REFERENCE_RESULTS=$RESULTS
RESULTS=$WORK/any_service.jsonl
for rep in $(seq "$REPEATS"); do
  for config in bidi_64B bidi_1KiB; do
    echo "  repeat $rep/$REPEATS: $config" >&2
    if ((rep % 2)); then
      run_generator streambench "$GEN" "$config" "$rep"
      run_generator any_service "$GEN" "$config" "$rep"
    else
      run_generator any_service "$GEN" "$config" "$rep"
      run_generator streambench "$GEN" "$config" "$rep"
    fi
  done
done
$PY - "$RESULTS" "$(nproc)" "$DURATION" "$REPEATS" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cores, duration, repeats = sys.argv[2:]

def runs(who, config):
    return [r for r in rows if r["who"] == who and r["config"] == config]

def msgs_per_s(r): return r["run"]["throughput"]["messages_per_s"]
def cpu_per_msg(r):
    m = r["run"]["messages"]["sent"] + r["run"]["messages"]["received"]
    return r["run"]["generator"]["cpu_seconds"] / m

table = []
def add(figure, measured, target="", ok=None):
    table.append((figure, measured, target, "" if ok is None else ("PASS" if ok else "MISS")))

for config, label in (("bidi_64B", "64 B"), ("bidi_1KiB", "1 KiB")):
    a, b = runs("streambench", config), runs("any_service", config)
    rate_a, rate_b = (statistics.median(msgs_per_s(r) for r in x) for x in (a, b))
    cpu_a, cpu_b = (statistics.median(cpu_per_msg(r) for r in x) for x in (a, b))
    add(f"7. bidi {label} 2x8: any-service / compiled msgs/s",
        f"{rate_b / rate_a * 100:.0f}% ({rate_b / 1e3:.1f}k vs {rate_a / 1e3:.1f}k)", ">= 80%",
        rate_b / rate_a >= 0.8)
    pairs = []
    for x in b:
        y = [r for r in a if r["rep"] == x["rep"]]
        if y:
            pairs.append(msgs_per_s(x) / msgs_per_s(y[0]) * 100)
    add("   (info) msgs/s per A/B pair", ", ".join(f"{p:.0f}%" for p in pairs))
    add(f"7. bidi {label} 2x8: any-service / compiled CPU per message",
        f"{cpu_b / cpu_a:.2f}x ({cpu_b * 1e6:.2f} us vs {cpu_a * 1e6:.2f} us)", "<= 1.3x",
        cpu_b / cpu_a <= 1.3)

print(f"\nsection 7: any-service (dynamic messages from the .proto) vs the compiled streambench.v1 "
      f"driver, same server and workload; {cores} cores, {duration} per run, median of {repeats}; "
      "CPU per message = the generator's own CPU in its measured phase / (sent + received)\n")
w = [max(len(str(row[i])) for row in table + [("Figure", "Measured", "Target", "Result")])
     for i in range(4)]
line = lambda c: "| " + " | ".join(str(c[i]).ljust(w[i]) for i in range(4)) + " |"
print(line(("Figure", "Measured", "Target", "Result")))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for row in table:
    print(line(row))
EOF
RESULTS=$REFERENCE_RESULTS
fi  # section 7

# --- 6. the nghttp2 engine beside grpc-go's benchmark client and h2load -------------------------
if [[ $SECTIONS == *" peers "* ]]; then
PEERS_BIN=${PEERS_BIN:-$BUILD_DIR/peers/bin}
export STREAMBENCH=$GEN BARE_H2_CLIENT=$BARE_H2 GO_BENCHMARK_SERVER=$PEERS_BIN/go_benchmark_server
export GO_BENCHMARK_CLIENT=$PEERS_BIN/go_benchmark_client
export H2LOAD=${H2LOAD:-$(command -v h2load || true)}
export RUN_TIMEOUT
missing=()
for bin in "$GO_BENCHMARK_SERVER" "$GO_BENCHMARK_CLIENT" "$H2LOAD"; do
  [[ -n $bin && -x $bin ]] || missing+=("${bin:-h2load}")
done
if ((${#missing[@]})); then
  echo "run_macro.sh: section 6 skipped: ${missing[*]} not found; build the peers with" \
    "'bash ../shared/peers/build-go-bench.sh' from the project root" >&2
else
  whole_s() { # "1500ms" / "5s" -> whole seconds, rounded up, at least 1
    "$PY" -c '
import math, re, sys
m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", sys.argv[1])
print(max(1, math.ceil(float(m[1]) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[m[2]])))' "$1"
  }
  PEER_WARMUP_S=$(whole_s "$WARMUP") PEER_DURATION_S=$(whole_s "$DURATION")
  H2_THREADS=${H2_THREADS:-1}
  NETNS=()
  if unshare -n true 2>/dev/null; then NETNS=(unshare -n); fi
  # config -> "mode connections streams payload_bytes clients..."
  declare -A PEER_CONFIG=(
    [bidi_64B_2x32]="bidi 2 32 64 sb go sbgrpc h2"
    [bidi_1KiB_1x8]="bidi 1 8 1024 sb go sbgrpc h2"
    [bidi_1KiB_1x1]="bidi 1 1 1024 sb go sbgrpc h2"
    [unary_64B_2x32]="unary 2 32 64 sb h2load go sbgrpc h2"
  )
  PEER_RESULTS=$WORK/peers.jsonl
  echo "section 6: streambench (engines h2, grpc), bare_h2_client, grpc-go and h2load, $REPEATS" \
    "repeats, ${PEER_WARMUP_S}s +" \
    "${PEER_DURATION_S}s per run${NETNS:+, each in a private network namespace}" >&2
  for rep in $(seq "$REPEATS"); do
    for config in bidi_64B_2x32 bidi_1KiB_1x8 bidi_1KiB_1x1 unary_64B_2x32; do
      read -r mode conns streams payload clients <<<"${PEER_CONFIG[$config]}"
      read -ra order <<<"$clients"
      # Alternate which client goes first.
      ((rep % 2)) || mapfile -t order < <(printf '%s\n' "${order[@]}" | tac)
      for who in "${order[@]}"; do
        echo "  repeat $rep/$REPEATS: $config $who" >&2
        line=$("${NETNS[@]}" bash bench/macro/peer_run.sh "$who" "$mode" "$conns" "$streams" \
          "$payload" "$H2_THREADS" "$PEER_WARMUP_S" "$PEER_DURATION_S" "$WORK") || {
          echo "run_macro.sh: $who failed on $config" >&2
          exit 3
        }
        echo "{\"config\": \"$config\", \"rep\": $rep, \"run\": $line}" >>"$PEER_RESULTS"
      done
    done
  done
  $PY - "$PEER_RESULTS" "$REPEATS" "$PEER_WARMUP_S" "$PEER_DURATION_S" "$H2_THREADS" \
    "${#NETNS[@]}" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
repeats, warmup_s, duration_s, threads, netns = sys.argv[2:]
names = {"sb": "streambench h2", "sbgrpc": "streambench grpc", "h2": "bare h2",
         "go": "grpc-go", "h2load": "h2load"}

def runs(who, config):
    return [r for r in rows if r["run"]["who"] == who and r["config"] == config]

def fig(who, config, key):
    values = [r["run"][key] for r in runs(who, config)]
    return statistics.median(values) if values else float("nan")

table = []
def add(figure, measured, target="", ok=None):
    table.append((figure, measured, target, "" if ok is None else ("PASS" if ok else "MISS")))

def pair_ratios(a, b, config, key):
    out = []
    for x in runs(a, config):
        y = [r for r in runs(b, config) if r["rep"] == x["rep"]]
        if y:
            out.append(x["run"][key] / y[0]["run"][key])
    return ", ".join(f"{v:.2f}x" for v in out)

for config, label, peer, target in (
        ("bidi_64B_2x32", "bidi 64 B 2x32", "go", 1.5),
        ("bidi_1KiB_1x8", "bidi 1 KiB 1x8", "go", 1.2),
        ("bidi_1KiB_1x1", "bidi 1 KiB 1x1", "go", 1.2),
        ("unary_64B_2x32", "unary 64 B 2x32", "h2load", 1.0)):
    # The targets hold the generator itself (sb: streambench on engine h2); the grpc engine and
    # the bare nghttp2 client are shown beside it.
    sb, other = fig("sb", config, "round_trips_per_s"), fig(peer, config, "round_trips_per_s")
    add(f"6. {label}: streambench h2 / {names[peer]} round trips/s",
        f"{sb / other:.2f}x ({sb / 1e3:.1f}k vs {other / 1e3:.1f}k)", f">= {target}x",
        sb / other >= target)
    add("   (info) ratio per A/B pair", pair_ratios("sb", peer, config, "round_trips_per_s"))
    for who in ("sbgrpc", "h2"):
        x = fig(who, config, "round_trips_per_s")
        add(f"   (info) {label}: {names[who]} / {names[peer]} round trips/s",
            f"{x / other:.2f}x ({x / 1e3:.1f}k)")
    if config.startswith("bidi_1KiB"):
        p, q = fig("sb", config, "p50_us"), fig("go", config, "p50_us")
        add(f"6. {label}: streambench h2 / grpc-go p50",
            f"{p / q:.2f}x ({p:.0f} us vs {q:.0f} us)", "<= 1.0x", p <= q)
    if peer != "go":
        g = fig("go", config, "round_trips_per_s")
        add(f"   (info) {label}: streambench h2 / grpc-go round trips/s",
            f"{sb / g:.2f}x ({g / 1e3:.1f}k)")
    c, d = fig("sb", config, "client_cpu_s_per_100k"), fig("go", config, "client_cpu_s_per_100k")
    add(f"6. {label}: client CPU per 100k, streambench h2 / grpc-go",
        f"{c / d:.2f}x ({c:.3f} s vs {d:.3f} s)", "<= 0.7x", c / d <= 0.7)
    add(f"   (info) {label}: client CPU per 100k",
        ", ".join(f"{names[w]} {fig(w, config, 'client_cpu_s_per_100k'):.3f} s"
                  for w in ("sbgrpc", "h2")))
    whos = ["sb", "sbgrpc", "h2", "go"] + (["h2load"] if peer == "h2load" else [])
    if peer == "h2load":
        add(f"   (info) {label}: h2load client CPU per 100k",
            f"{fig('h2load', config, 'client_cpu_s_per_100k'):.3f} s")
    add(f"   (info) {label}: TCP segments per round trip",
        ", ".join(f"{names[w]} {fig(w, config, 'segments_per_round_trip'):.2f}" for w in whos))
    add(f"   (info) {label}: server CPU per 100k",
        ", ".join(f"{names[w]} {fig(w, config, 'server_cpu_s_per_100k'):.3f} s" for w in whos))

print(f"\nsection 6: streambench (engine h2, one event loop per core; engine grpc) and "
      f"bare_h2_client ({threads} event loop(s)) vs grpc-go 1.33's benchmark client "
      f"and h2load, against grpc-go's benchmark server; {warmup_s} s + {duration_s} s per run, "
      f"median of {repeats}; TCP segments "
      + ("counted per run in a private network namespace (both ends)" if netns != "0"
         else "machine-wide (no private network namespace: other traffic included)") + "\n")
w = [max(len(str(row[i])) for row in table + [("Figure", "Measured", "Target", "Result")])
     for i in range(4)]
line = lambda c: "| " + " | ".join(str(c[i]).ljust(w[i]) for i in range(4)) + " |"
print(line(("Figure", "Measured", "Target", "Result")))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for row in table:
    print(line(row))
EOF
fi
fi  # section 6
