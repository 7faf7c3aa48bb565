#!/usr/bin/env bash
# Soak test: runs scenarios/soak.yaml (10 minutes, every mode) against a
# streambench-server child on a loopback port, samples both processes' resident memory (VmRSS from
# /proc/PID/status) every few seconds, and reports each one's growth after warm-up: the first
# sample taken --after seconds in, against the last sample. Target: under 5%. Not part of CI.
# Also printed, as information: the anonymous part of each (RssAnon: what the allocators hold), the
# medians of the first and the last minute (robust to the allocator's sawtooth), and the second
# half of the run on its own.
#
# Usage: bench/soak.sh [--build DIR] [--scenario FILE] [--interval SECONDS] [--after SECONDS]
#                      [--limit PERCENT] [--out DIR] [--duration D]
#   --build     build directory holding bench/streambench and server/streambench-server (build)
#   --scenario  scenario file (scenarios/soak.yaml)
#   --interval  seconds between memory samples (5)
#   --after     warm-up: growth is measured from the first sample at or after this (60)
#   --limit     allowed growth in percent (5)
#   --out       where rss.csv, results.json and the logs go (a new temp directory)
#   --duration  passed to `streambench run --duration` (every variant's measured phase), for a
#               quick check of the script
# Exit: 0 both processes grew less than --limit, 1 one did not, 2 usage, 3 could not run.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="$here/build"
scenario="$here/scenarios/soak.yaml"
interval=5
after=60
limit=5
out=""
duration=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --after) after="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

generator="$build/bench/streambench"
server_bin="$build/server/streambench-server"
for bin in "$generator" "$server_bin"; do
  [[ -x "$bin" ]] || { echo "soak.sh: $bin not found (build it, or pass --build)" >&2; exit 3; }
done
[[ -f "$scenario" ]] || { echo "soak.sh: no scenario $scenario" >&2; exit 2; }
[[ -n "$out" ]] || out="$(mktemp -d /tmp/streambench-soak.XXXXXX)"
mkdir -p "$out"

server_pid=""
generator_pid=""
cleanup() {
  # Only the two processes this script started.
  [[ -n "$generator_pid" ]] && kill "$generator_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

# The server on an ephemeral loopback port; its first line says which.
"$server_bin" --port 0 > "$out/server.out" 2> "$out/server.err" &
server_pid=$!
address=""
for _ in $(seq 1 100); do
  address="$(sed -n 's/^listening on //p' "$out/server.out" | head -n1)"
  [[ -n "$address" ]] && break
  sleep 0.1
done
[[ -n "$address" ]] || { echo "soak.sh: the server did not start (see $out/server.err)" >&2; exit 3; }

run_args=(run "$scenario" --target "$address" --quiet --out "$out/results.json")
[[ -n "$duration" ]] && run_args+=(--duration "$duration")
"$generator" "${run_args[@]}" > "$out/generator.out" 2> "$out/generator.err" &
generator_pid=$!

# VmRSS, then its two parts: RssAnon (heap, stacks, allocator arenas) and RssFile (pages of the
# binary and shared libraries, faulted in as code paths are first used), comma-separated.
rss_kib() {
  awk '/^VmRSS:/ {t = $2} /^RssAnon:/ {a = $2} /^RssFile:/ {f = $2}
       END { if (t != "") print t "," a "," f }' "/proc/$1/status" 2>/dev/null || true
}

header="elapsed_s,generator_rss_kib,server_rss_kib,generator_anon_kib,generator_file_kib"
echo "$header,server_anon_kib,server_file_kib" > "$out/rss.csv"
start=$(date +%s)
echo "soak: server $address (pid $server_pid), generator pid $generator_pid, samples in $out/rss.csv"
while kill -0 "$generator_pid" 2>/dev/null; do
  g="$(rss_kib "$generator_pid")"
  s="$(rss_kib "$server_pid")"
  if [[ -n "$g" && -n "$s" ]]; then
    IFS=, read -r g_rss g_anon g_file <<<"$g"
    IFS=, read -r s_rss s_anon s_file <<<"$s"
    echo "$(($(date +%s) - start)),$g_rss,$s_rss,$g_anon,$g_file,$s_anon,$s_file" >> "$out/rss.csv"
  fi
  sleep "$interval"
done
set +e
wait "$generator_pid"
generator_exit=$?
set -e
generator_pid=""
kill -TERM "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# Growth per process: first sample at or after --after seconds vs the last sample.
report="$(awk -F, -v after="$after" -v limit="$limit" '
  # Median of the values v[i] whose time t[i] is in [from, to).
  function median_window(t, v, n, from, to,    i, k, w, j, x) {
    k = 0
    for (i = 1; i <= n; i++) if (t[i] >= from && t[i] < to) w[++k] = v[i]
    for (i = 2; i <= k; i++) { x = w[i]; for (j = i - 1; j >= 1 && w[j] > x; j--) w[j + 1] = w[j]; w[j + 1] = x }
    return k == 0 ? 0 : (k % 2 ? w[(k + 1) / 2] : (w[k / 2] + w[k / 2 + 1]) / 2)
  }
  NR == 1 { next }
  { n++; ts[n] = $1; gs[n] = $2; ss[n] = $3
    last_t = $1; last_g = $2; last_s = $3; last_ga = $4; last_sa = $6
    if (!have && $1 >= after) { have = 1; t0 = $1; g0 = $2; s0 = $3; ga0 = $4; sa0 = $6 } }
  END {
    if (!have) { print "no sample after " after " s (run too short; lower --after)"; exit 3 }
    gg = 100 * (last_g - g0) / g0; sg = 100 * (last_s - s0) / s0
    printf "generator RSS %d KiB at %d s -> %d KiB at %d s: %+.2f%%\n", g0, t0, last_g, last_t, gg
    printf "server    RSS %d KiB at %d s -> %d KiB at %d s: %+.2f%%\n", s0, t0, last_s, last_t, sg
    # Anonymous memory alone (information): what the allocators hold, without library pages
    # that are faulted in the first time a code path runs.
    printf "anonymous part: generator %d -> %d KiB (%+d KiB), server %d -> %d KiB (%+d KiB)\n",
           ga0, last_ga, last_ga - ga0, sa0, last_sa, last_sa - sa0
    # Medians of the first minute after warm-up and of the last minute (information): robust
    # to the allocator sawtooth, which moves a single sample by a megabyte either way.
    gm0 = median_window(ts, gs, n, t0, t0 + 60); gm1 = median_window(ts, gs, n, last_t - 59, last_t + 1)
    sm0 = median_window(ts, ss, n, t0, t0 + 60); sm1 = median_window(ts, ss, n, last_t - 59, last_t + 1)
    printf "minute medians: generator %d -> %d KiB (%+.2f%%), server %d -> %d KiB (%+.2f%%)\n",
           gm0, gm1, 100 * (gm1 - gm0) / gm0, sm0, sm1, 100 * (sm1 - sm0) / sm0
    # The second half of the run on its own: a leak grows there as fast as before, while caches
    # and allocator high-water marks settle in the first half (information, not the verdict).
    for (i = 1; i <= n && ts[i] < last_t / 2; i++) {}
    if (i <= n && ts[i] > t0) {
      printf "second half: generator %+.2f%%, server %+.2f%% (%d s -> %d s)\n",
             100 * (last_g - gs[i]) / gs[i], 100 * (last_s - ss[i]) / ss[i], ts[i], last_t
    }
    exit (gg < limit && sg < limit) ? 0 : 1
  }' "$out/rss.csv")" && verdict=0 || verdict=$?
echo "$report"
echo "generator exit code $generator_exit; results $out/results.json"
if [[ $verdict -eq 0 ]]; then
  echo "soak: PASS (both under ${limit}% growth after warm-up)"
elif [[ $verdict -eq 1 ]]; then
  echo "soak: FAIL (growth of ${limit}% or more after warm-up)"
fi
exit "$verdict"
