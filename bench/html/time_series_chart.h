// A chart of values over a run's measured phase as inline SVG: seconds along x, one line per
// series (linear or log y), constant references drawn dashed (an open-loop run's target rate), and
// shaded spans (outages). Long series are thinned by DownsampleMinMax, so a 1-hour run draws a few
// hundred points a line with every extreme kept. Each line is a
// `<polyline class="series" data-series=... data-points=N data-min=... data-max=...>` holding the
// exact extremes of what it draws, each reference a `<line class="reference" data-value=...>`,
// each span a `<rect class="span" data-start-s=... data-duration-s=...>`, for tests and readers.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "bench/html/downsample.h"

namespace streambench::html {

struct TimeSeries {
  std::string name;                 // shown in the legend (escaped when drawn)
  std::vector<SeriesPoint> points;  // in time order
};

// A constant drawn across the chart, dashed (e.g. "target rate").
struct Reference {
  std::string name;
  double value = 0;
};

// A period shaded behind the lines (e.g. an outage), in seconds of the measured phase.
struct TimeSpan {
  std::string name;  // the tooltip
  double start_s = 0, duration_s = 0;
};

struct TimeSeriesChart {
  std::string title;
  std::string y_label;  // with its unit
  bool log_scale = false;
  double end_s = 0;  // the x axis runs from 0 to here (at least the last point)
  std::vector<TimeSeries> series;
  std::vector<Reference> references;
  std::vector<TimeSpan> spans;
  std::string spans_label = "outages";            // what the shaded spans are, in the legend
  std::string (*format)(double value) = nullptr;  // y tick labels; nullptr = the exact number
  size_t buckets = 200;                           // DownsampleMinMax's buckets per line
};

// The chart as one `<figure class="chart timeseries">` holding an `<svg>` and its legend.
std::string RenderTimeSeriesChart(const TimeSeriesChart& chart);

}  // namespace streambench::html
