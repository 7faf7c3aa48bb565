// Rendering of a merged stats::LogLinearHistogram as a Prometheus histogram. The log-linear
// buckets (≤1% wide) are much finer than Prometheus `le` bounds, so each log-linear bucket is
// assigned whole to the first `le` bound >= its upper bound; a value can therefore appear one
// Prometheus bucket higher than exact only when its log-linear bucket straddles a bound (≤1%
// error, the histogram's own resolution).
// Thread-safety: stateless free functions, safe to call from any thread. Rendering a histogram
// that is being recorded into still yields cumulative, self-consistent buckets (each count is
// read once), just a moment stale.
#pragma once

#include <prometheus/client_metric.h>

#include <vector>

#include "bench/stats/histogram.h"

namespace streambench::metrics {

// Prometheus `le` bounds in seconds of every exported latency histogram: increasing, without the
// +Inf bound (always added by the render). 5 µs … 60 s in 1-2.5-5 steps, which covers loopback
// message latencies (tens of µs) through whole streams (seconds).
const std::vector<double>& LatencyBucketBoundsSeconds();

// Renders `histogram` (values in ns) with the `le` bounds `bounds_s` (seconds, increasing; +Inf
// appended). Buckets carry cumulative counts; sample_count equals the +Inf bucket; sample_sum is
// in seconds (count × mean).
prometheus::ClientMetric::Histogram RenderHistogram(const stats::LogLinearHistogram& histogram,
                                                    const std::vector<double>& bounds_s);

}  // namespace streambench::metrics
