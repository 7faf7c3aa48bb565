#!/usr/bin/env bash
# Merge cost at scale: 100 shard files of a 10-minute run, merged by `streambench merge`.
# The files are synthesised from one real result (a 10 s run of scenarios/bidi_open_loop.yaml,
# 2k messages/s each way): every shard gets that run's real histograms and its real per-second
# intervals repeated to 600 seconds, so their bucket spreads are what a loaded shard writes.
# Prints the files' size, the merge's wall time and peak memory (GNU time).
# Usage: bench/merge_bench.sh [SHARDS] [SECONDS]   (defaults 100 and 600)
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-100}
seconds=${2:-600}
bin=${BUILD_DIR:-build}/bench/streambench
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" run scenarios/bidi_open_loop.yaml --duration 10s --warmup 1s --shard 0/1 --quiet \
  --out "$dir/real.json" >/dev/null || [[ $? -eq 1 ]]
/usr/bin/python3 - "$dir" "$shards" "$seconds" <<'PY'
import copy, json, sys
d, shards, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
real = json.load(open(f"{d}/real.json"))
series = real["runs"][0]["series"]
full = [series[k % len(series)] for k in range(seconds)]
for i in range(shards):
    doc = copy.deepcopy(real)
    doc["shard"]["index"] = i
    doc["shard"]["count"] = shards
    run = doc["runs"][0]
    run["series"] = [dict(p, t_s=t) for t, p in enumerate(full)]
    with open(f"{d}/shard-{i:03d}.json", "w") as f:
        json.dump(doc, f, indent=2)
PY
echo "files: $shards x $(du -k "$dir/shard-000.json" | cut -f1) KiB ($seconds s of series each)"
/usr/bin/time -f "merge: %e s wall, %M KiB peak RSS" "$bin" merge "$dir"/shard-*.json \
  --out "$dir/all.json" --quiet
echo "merged: $(du -k "$dir/all.json" | cut -f1) KiB"
