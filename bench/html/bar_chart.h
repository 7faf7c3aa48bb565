// A grouped bar chart as inline SVG: categories along x (e.g. p50, p90, p99), one bar per series
// in each (e.g. one per run), a y axis labelled with its unit, linear or logarithmic. Written by
// the project so the report needs no script and no network. Every bar is a
// `<rect class="bar" data-series=... data-category=... data-value=...>` holding the exact value,
// so tests (and readers of the source) can check the numbers.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace streambench::html {

struct BarSeries {
  std::string name;            // shown in the legend (escaped when drawn)
  std::vector<double> values;  // one per category, in the chart's unit
  // Optional, one per category: the lowest and highest value the bar summarizes (e.g. a median's
  // repeats), drawn as a whisker `<line class="spread" data-min=... data-max=...>`.
  std::vector<std::pair<double, double>> spread;
};

struct BarChart {
  std::string title;                    // drawn above the chart
  std::string y_label;                  // the axis label, with its unit ("latency (us)")
  bool log_scale = false;               // log10 y axis; non-positive values draw no bar
  std::vector<std::string> categories;  // x groups
  std::vector<BarSeries> series;
  // Formats a value for the tick labels and bar tooltips, in the chart's unit.
  std::string (*format)(double value) = nullptr;
};

// The chart as one `<figure class="chart">` holding an `<svg>` and its legend.
std::string RenderBarChart(const BarChart& chart);

}  // namespace streambench::html
