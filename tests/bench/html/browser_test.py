"""The HTML report in a real browser: a short real run (every variant of error_paths.yaml,
against the embedded server on loopback) and a copy of its results with hostile strings are drawn
by `streambench report`, and headless Chromium opens the file with networking disabled. Through
the DevTools protocol (over a pipe, so no port is opened) the test checks what the browser
rendered: one chart per latency kind plus throughput, statuses and integrity; in each, a bar per
run and category holding the results file's number, drawn with a height when non-zero; every
run's charts over time (throughput peaking at the results file's peak, latency percentiles,
statuses) and a percentile plot per latency kind whose 50% points are the results' p50, each
line drawn with a width; the variants' spread charts with a whisker per bar; the second file
judged against the first by the gate's baseline comparison, failures first; no
console message, no exception, no request other than the file itself; the hostile strings shown
as text, not as elements; and a screenshot in which the bars are visible.

Usage: browser_test.py STREAMBENCH REPO_ROOT
Exit 77 (skipped, visibly) only when chromium is not installed.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
streambench, root = sys.argv[1], sys.argv[2]
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium is None:
    print("SKIPPED: chromium is not installed (.ci/setup.sh installs it)")
    sys.exit(SKIP)

HOSTILE = '<img id="injected" src=x>"\'&'
work = tempfile.mkdtemp(prefix="streambench-browser-")
results = os.path.join(work, "results.json")
run = subprocess.run(
    [streambench, "run", os.path.join(root, "scenarios/error_paths.yaml"), "--duration", "1500ms",
     "--warmup", "0s", "--quiet", "--out", results],
    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
# 1: an expectation failed on so short a run; the results are complete either way.
assert run.returncode in (0, 1), run.stderr
doc = json.load(open(results))
hostile = json.loads(json.dumps(doc))
hostile["scenario"] = HOSTILE
hostile["runs"][0]["variant"] = HOSTILE
hostile_path = os.path.join(work, "hostile.json")
json.dump(hostile, open(hostile_path, "w"))
report = os.path.join(work, "report.html")
subprocess.run([streambench, "report", results, hostile_path, "--html", report], check=True,
               stdout=subprocess.DEVNULL, timeout=60)


class Browser:
    """Chromium driven over --remote-debugging-pipe (commands on fd 3, answers on fd 4)."""

    def __init__(self):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The child sees the pipes as fds 3 and 4.
        def setup():
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--remote-debugging-pipe",
             "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
             "--user-data-dir=" + os.path.join(work, "profile"), "--window-size=1400,1000",
             "about:blank"],
            preexec_fn=setup, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=None, **params):
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self.to_browser, json.dumps(command).encode() + b"\0")
        while True:
            message = self.read_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, method, limit=10000):
        """Reads until the event `method` arrives; every event stays in self.events."""
        if any(e.get("method") == method for e in self.events):
            return
        # Bounded by messages, not time: the page sends a handful.
        for i in range(limit):
            event = self.read_message()
            self.events.append(event)
            if event.get("method") == method:
                return
        raise RuntimeError(f"no {method} in {limit} messages")

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        self.process.wait(timeout=30)


def png_distinct_colours(data):
    """Distinct RGB(A) pixels of an 8-bit non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            assert body[8] == 8 and body[12] == 0, "8-bit, non-interlaced"
            channels = {2: 3, 6: 4}[body[9]]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    previous, colours = bytearray(stride), set()
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        for x in range(0, stride, channels):
            colours.add(bytes(line[x:x + channels]))
        previous = line
    return colours


# What the page reports about itself once loaded: every chart's bars and lines with their
# rendered size.
# A long report opens only its first runs' charts over time (<details>); the probe opens them all.
PROBE = """document.querySelectorAll('details').forEach(d => { d.open = true; });
JSON.stringify({
  charts: [...document.querySelectorAll('figure.chart')].map(f => ({
    kind: f.className,
    title: f.querySelector('figcaption').textContent,
    lines: [...f.querySelectorAll('polyline')].map(p => ({
      series: p.dataset.series, points: Number(p.dataset.points), max: Number(p.dataset.max),
      width: p.getBoundingClientRect().width})),
    levels: [...f.querySelectorAll('circle.level')].map(c => ({
      series: c.dataset.series, percentile: Number(c.dataset.percentile),
      latency_us: Number(c.dataset.latencyUs)})),
    whiskers: f.querySelectorAll('line.spread').length,
    categories: [...f.querySelectorAll('text.category')].map(t => t.textContent),
    bars: [...f.querySelectorAll('rect.bar')].map(r => ({
      series: r.dataset.series, category: r.dataset.category, value: Number(r.dataset.value),
      height: r.getBoundingClientRect().height}))})),
  baseline: [...document.querySelectorAll('table.baseline tr[data-passed]')].map(
    r => r.dataset.passed),
  injected: document.querySelectorAll('#injected, img, script, iframe').length,
  heading: document.querySelector('h1').textContent,
})"""

browser = Browser()
try:
    target = browser.call("Target.getTargets")["targetInfos"]
    page = next(t for t in target if t["type"] == "page")
    session = browser.call("Target.attachToTarget", targetId=page["targetId"],
                           flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(domain + ".enable", session)
    url = "file://" + report
    browser.call("Page.navigate", session, url=url)
    browser.wait_for("Page.loadEventFired")
    page_state = json.loads(browser.call("Runtime.evaluate", session, expression=PROBE,
                                         returnByValue=True)["result"]["value"])
    # The first bar chart in view: the screenshot must show the first run's bars.
    browser.call("Runtime.evaluate", session,
                 expression="document.querySelector('figure.chart').scrollIntoView()")
    shot = base64.b64decode(browser.call("Page.captureScreenshot", session, format="png")["data"])
    open(os.path.join(work, "report.png"), "wb").write(shot)
    events = browser.events
finally:
    browser.close()

problems = []
# The charts drawn from the series and histograms (lines, not bars) are checked apart, below; so
# are the bar charts of each compared figure's median and spread.
SPREAD = ": median of the repeats, whisker min–max"
line_charts = [c for c in page_state["charts"] if c["kind"] != "chart"]
spread_charts = [c for c in page_state["charts"] if c["title"].endswith(SPREAD)]
page_state["charts"] = [c for c in page_state["charts"]
                        if c["kind"] == "chart" and not c["title"].endswith(SPREAD)]
for chart in page_state["charts"]:
    for bar in chart["bars"]:
        for key in ("series", "category"):
            if bar.get(key) is None:
                problems.append(f"{chart['title']}: a bar without data-{key}")
                bar[key] = ""
complaints = [e for e in events if e.get("method") in
              ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")]
problems += [f"console: {json.dumps(e['params'])[:300]}" for e in complaints]
requests = [e["params"]["request"]["url"] for e in events
            if e.get("method") == "Network.requestWillBeSent"]
problems += [f"request other than the report: {u}" for u in requests if u != url]

runs = [(results, doc, r) for r in doc["runs"]] + [
    (hostile_path, hostile, r) for r in hostile["runs"]]
kinds = {k for _, _, r in runs for k in r["latency_us"]}
codes = {c for _, _, r in runs for c in r["calls"]["by_code"]}
titles = [c["title"] for c in page_state["charts"]]
RATIOS = "variants: median / first variant's median"
compared = [(results, row) for row in doc.get("comparison", [])] + [
    (hostile_path, row) for row in hostile.get("comparison", [])]
expected = sorted([k + " latency" for k in kinds] + ["throughput", "integrity errors"] +
                  (["finished calls by status"] if codes else []) +
                  ([RATIOS] if compared else []))
if sorted(titles) != expected:
    problems.append(f"charts {sorted(titles)}, expected {expected}")
for chart in page_state["charts"]:
    bars = chart["bars"]
    series = len(compared) if chart["title"] == RATIOS else len(runs)
    if len(bars) != len(chart["categories"]) * series or not bars:
        problems.append(f"{chart['title']}: {len(bars)} bars for {len(chart['categories'])} "
                        f"categories x {series} runs or variants")
    for bar in bars:
        if bar["value"] is None:
            problems.append(f"{chart['title']} {bar['series']!r}: no number in data-value")
            bar["value"] = float("nan")
        elif (bar["value"] > 0) != (bar["height"] > 0):
            problems.append(f"{chart['title']} {bar['series']} {bar['category']}: value "
                            f"{bar['value']} drawn {bar['height']}px high")
# The numbers drawn are the results file's: every run's latency percentiles, status counts.
for chart in page_state["charts"]:
    if chart["title"] == RATIOS:
        for i, bar in enumerate(chart["bars"]):
            label, row = compared[i % len(compared)]
            want = row["ratio"].get(bar["category"])
            if want is not None and abs(bar["value"] - want) > 1e-9 * max(1, abs(want)):
                problems.append(f"{RATIOS} bar {i} ({bar['series']}): {bar['value']}, "
                                f"results file {want}")
        continue
    for i, bar in enumerate(chart["bars"]):
        label, result, run_doc = runs[i % len(runs)]
        kind = chart["title"][:-len(" latency")] if chart["title"].endswith(" latency") else None
        if kind:
            want = run_doc["latency_us"].get(kind, {}).get(bar["category"], 0)
        elif chart["title"] == "finished calls by status":
            want = run_doc["calls"]["by_code"].get(bar["category"], 0)
        elif chart["title"] == "throughput":
            want = run_doc["throughput"].get(bar["category"], 0)
        else:
            want = run_doc["integrity"].get(bar["category"], 0)
        if abs(bar["value"] - want) > 1e-9 * max(1, abs(want)):
            problems.append(f"{chart['title']} bar {i} ({bar['series']}, {bar['category']}): "
                            f"{bar['value']}, results file {want}")
        if not bar["series"].startswith(label + ": "):
            problems.append(f"{chart['title']} bar {i} is {bar['series']!r}, expected {label}")
# Over time: throughput, latency percentiles and statuses for every run with a series, each line
# drawn with a width and holding points; the results file's peak rate kept by the thinning.
with_series = [(label, r) for label, _, r in runs if r.get("series")]
over_time = [c for c in line_charts if "timeseries" in c["kind"]]
# Throughput for every run with a series; a latency chart per kind and statuses where the seconds
# hold any.
expected_over_time = sum(
    1 + len({kind for p in r["series"] for kind, l in p["latency_us"].items() if l["count"]}) +
    any(p["calls_by_code"] for p in r["series"]) for _, r in with_series)
if len(over_time) != expected_over_time or not with_series:
    problems.append(f"{len(over_time)} charts over time, expected {expected_over_time} for "
                    f"{len(with_series)} runs with a series")
for chart in line_charts:
    if not chart["lines"]:
        problems.append(f"{chart['title']}: no line")
    for line in chart["lines"]:
        if not line["points"] > 0 or (line["points"] > 1 and not line["width"] > 0):
            problems.append(f"{chart['title']} {line['series']}: {line['points']} points drawn "
                            f"{line['width']}px wide")
for (label, r), chart in zip(with_series, [c for c in over_time
                                           if c["title"] == "throughput over time"]):
    sent = [p["messages_sent"] / p["duration_s"] for p in r["series"] if p["duration_s"] > 0]
    drawn = [l["max"] for l in chart["lines"] if l["series"] == "sent"]
    if drawn != [max(sent)]:
        problems.append(f"{label}: throughput over time peaks at {drawn}, results file {max(sent)}")
# The distributions: one percentile plot per kind with histograms, every run's 50% point its
# results file's p50.
histogram_kinds = {k for _, _, r in runs for k in r.get("histograms", {})}
plots = [c for c in line_charts if "percentiles" in c["kind"]]
if len(plots) != len(histogram_kinds):
    problems.append(f"{len(plots)} percentile plots for kinds {sorted(histogram_kinds)}")
for chart in plots:
    kind = chart["title"][:-len(" latency distribution")]
    medians = [l["latency_us"] for l in chart["levels"] if l["percentile"] == 50]
    want = [r["latency_us"][kind]["p50"] for _, _, r in runs if kind in r.get("histograms", {})]
    if medians != want:
        problems.append(f"{chart['title']}: medians {medians}, results file {want}")
for chart in spread_charts:
    if chart["whiskers"] != len(chart["bars"]) or not chart["bars"]:
        problems.append(f"{chart['title']}: {chart['whiskers']} whiskers, {len(chart['bars'])} bars")
# `report A B`: B judged against A by the gate. The hostile copy renamed A's first variant, so
# that variant is missing from B: a failed check, listed before every passed one.
verdicts = page_state["baseline"]
if "false" not in verdicts or verdicts != sorted(verdicts):
    problems.append(f"baseline checks {verdicts}: expected a failure (a missing variant) first")
if page_state["injected"]:
    problems.append(f"{page_state['injected']} injected elements in the DOM")
if HOSTILE not in page_state["heading"]:
    problems.append(f"heading {page_state['heading']!r} does not show the name as text")
colours = png_distinct_colours(shot)
# The first run's bars are drawn in #0072b2; the first screen holds the first latency chart.
if not any(c[:3] == bytes((0x00, 0x72, 0xB2)) for c in colours):
    problems.append(f"the screenshot ({len(colours)} colours) shows no bar of the first run")

bars = sum(len(c["bars"]) for c in page_state["charts"])
print(f"browser_test: {len(page_state['charts'])} bar charts, {bars} bars, "
      f"{len(line_charts)} line charts, {len(spread_charts)} spread charts, {len(runs)} runs, "
      f"{len(requests)} request(s), {len(colours)} colours in the screenshot ({work})")
for p in sorted(set(problems), key=problems.index)[:20]:
    print("FAIL:", p)
if len(problems) > 20:
    print(f"FAIL: ... and {len(problems) - 20} more")
if problems:
    sys.exit(1)
shutil.rmtree(work)
