"""The HTML report at scale: a results file of a real run, stretched to a long run of many
variants, for measuring `streambench report` (file size, generation time; bench/RESULTS.md,
"HTML report size and generation time").

Each run of the output is a copy of a run of the input (cycled), renamed `variant-N`, whose
per-second series is the input's intervals repeated, renumbered, until it lasts SECONDS; the
totals, latencies and histograms are the input run's. The numbers are a real run's; only the
length and the number of variants are made up, which is what the measurement is about.

Usage: /usr/bin/python3 bench/html_report_scale.py RESULTS.json SECONDS VARIANTS OUT.json
"""
import copy
import json
import sys

if len(sys.argv) != 5:
    sys.exit(__doc__)
source, seconds, variants, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
doc = json.load(open(source))
runs = [r for r in doc["runs"] if r.get("series")]
if not runs:
    sys.exit(f"{source}: no run has a per-second series (results of an older streambench?)")
stretched = []
for n in range(variants):
    run = copy.deepcopy(runs[n % len(runs)])
    intervals = [p for p in run["series"] if p["duration_s"] >= 0.99] or run["series"]
    series = []
    for t in range(seconds):
        point = copy.deepcopy(intervals[t % len(intervals)])
        point["t_s"] = t
        series.append(point)
    run["series"] = series
    run["variant"] = f"variant-{n + 1}"
    run["duration_s"] = float(seconds)
    stretched.append(run)
doc["runs"] = stretched
doc.pop("comparison", None)
json.dump(doc, open(out, "w"))
print(f"wrote {out}: {variants} runs x {seconds} s")
