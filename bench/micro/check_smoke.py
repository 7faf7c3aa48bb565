"""The micro-benchmarks' smoke test: runs every benchmark once, briefly, and fails unless each
benchmark family defined in bench/micro/*.cc reported a run with iterations and a time, and none
reported an error. Not a timed test: no figure is compared with anything.

Usage: check_smoke.py BINARY SOURCE_DIR
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

binary, source_dir = sys.argv[1], pathlib.Path(sys.argv[2])
families = set()
for source in source_dir.glob("*.cc"):
    families.update(re.findall(r"^BENCHMARK\((BM_\w+)\)", source.read_text(), re.MULTILINE))
if not families:
    sys.exit(f"check_smoke: no BENCHMARK(...) found in {source_dir}")

with tempfile.NamedTemporaryFile(suffix=".json") as out:
    subprocess.run([binary, "--benchmark_min_time=0.001", f"--benchmark_out={out.name}",
                    "--benchmark_out_format=json"], check=True, stdout=subprocess.DEVNULL)
    runs = json.load(open(out.name))["benchmarks"]

problems = []
seen = set()
for run in runs:
    family = run["name"].split("/")[0]
    seen.add(family)
    if run.get("error_occurred"):
        problems.append(f"{run['name']}: error: {run.get('error_message', '')}")
    elif run.get("iterations", 0) <= 0 or run.get("real_time", 0) <= 0:
        problems.append(f"{run['name']}: no iterations or no time")
for family in sorted(families - seen):
    problems.append(f"{family}: defined but did not run")
if problems:
    sys.exit("check_smoke:\n  " + "\n  ".join(problems))
print(f"check_smoke: {len(runs)} runs of {len(families)} benchmark families, each with a result")
