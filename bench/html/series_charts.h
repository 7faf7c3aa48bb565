// A run's per-second series (RunResult::series) as charts over time: throughput by direction with
// an open-loop run's target rate, message latency percentiles (p50, p90, p99, p99.9) of each
// second from its lossless histogram, finished calls by status, and the run's outages shaded on
// each; plus a plain table of every line's minimum, mean and maximum, so the numbers read without
// the charts.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "bench/html/time_series_chart.h"
#include "bench/report/result.h"

namespace streambench::html {

// The charts of one run, each with every point of the series (the renderer thins them); none
// when the run has no series (results written before it existed).
std::vector<TimeSeriesChart> SeriesChartsOf(const report::RunResult& run);

// The charts drawn, then the table of their lines (`<table class="series-summary">`, each cell's
// exact number in data-value).
std::string RenderSeriesCharts(const std::vector<TimeSeriesChart>& charts);

}  // namespace streambench::html
