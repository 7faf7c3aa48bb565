// The latency distribution as an HDR-style percentile plot, inline SVG: percentile along x on a
// log axis of 1/(1-q) (labelled 50%, 90%, 99%, 99.9%, ...), so the tail gets the room it deserves,
// latency on a log y axis, one line per run or variant overlaid. The points are the histogram's
// own percentiles (stats::LogLinearHistogram::ValueAtPercentileNs), at the labelled levels and
// evenly along the log axis between them, up to the level the sample count resolves. Each
// labelled level is a `<circle class="level" data-series=... data-percentile=...
// data-latency-us=...>` holding the exact value, for tests and readers.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "bench/stats/histogram.h"

namespace streambench::html {

struct PercentilePoint {
  double percentile = 0;  // in [0, 100)
  double latency_us = 0;
  bool labelled = false;  // one of 50, 90, 99, 99.9, ... (drawn as a marker)
};

struct PercentileCurve {
  std::string name;                     // shown in the legend (escaped when drawn)
  std::vector<PercentilePoint> points;  // increasing percentile
};

// The curve of one histogram: percentiles from 0 to 1 - 1/count in steps of 1/20 decade of
// 1/(1-q), plus the labelled levels 50, 90, 99, 99.9, ... that the count resolves (1/(1-q) <=
// count). Empty for an empty histogram.
PercentileCurve PercentileCurveOf(std::string name, const stats::LogLinearHistogram& histogram);

struct PercentilePlot {
  std::string title;
  std::vector<PercentileCurve> curves;
};

// The chart as one `<figure class="chart percentiles">` holding an `<svg>` and its legend.
std::string RenderPercentilePlot(const PercentilePlot& plot);

}  // namespace streambench::html
