// A capacity search's latency-throughput curve as inline SVG: every step at (achieved rate,
// latency percentile), on a linear rate axis and a log latency axis, joined in rate order, one
// line per searched run, with the objective's limit drawn across. Every point is a
// `<circle class="step" data-series=... data-rate=... data-latency-us=... data-sustained=...>`
// and the limit a `<line class="objective" data-value=...>`, holding the exact values for tests.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace streambench::html {

struct CurvePoint {
  double rate_per_s = 0;
  double latency_us = 0;
  bool sustained = false;
};

struct CurveSeries {
  std::string name;  // shown in the legend (escaped when drawn)
  std::vector<CurvePoint> points;
};

struct CurveChart {
  std::string title;
  std::string y_label;      // e.g. "message latency p99 (log scale)"
  double objective_us = 0;  // the limit drawn across; 0 = none
  std::vector<CurveSeries> series;
};

// The chart as one `<figure class="chart curve">` holding an `<svg>` and its legend.
std::string RenderCurveChart(const CurveChart& chart);

}  // namespace streambench::html
