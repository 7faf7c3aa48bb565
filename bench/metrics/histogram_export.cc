#include "bench/metrics/histogram_export.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace streambench::metrics {

const std::vector<double>& LatencyBucketBoundsSeconds() {
  static const std::vector<double> bounds = {
      5e-6,  10e-6, 25e-6,  50e-6,  100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3,
      25e-3, 50e-3, 100e-3, 250e-3, 500e-3, 1.0,    2.5,    5.0,  10.0,   30.0, 60.0};
  return bounds;
}

prometheus::ClientMetric::Histogram RenderHistogram(const stats::LogLinearHistogram& histogram,
                                                    const std::vector<double>& bounds_s) {
  // Integer ns bounds, so the comparison with the (inclusive, integer) log-linear upper bounds is
  // exact rather than subject to floating-point rounding of e.g. 2.5e-6 * 1e9.
  std::vector<int64_t> bounds_ns;
  bounds_ns.reserve(bounds_s.size());
  for (double b : bounds_s) bounds_ns.push_back(static_cast<int64_t>(std::llround(b * 1e9)));

  // Per-`le` (non-cumulative) counts; the last slot is +Inf.
  std::vector<uint64_t> per_bound(bounds_ns.size() + 1, 0);
  uint64_t total = 0;
  size_t bound = 0;  // buckets arrive in increasing order, so the bound index only moves up
  histogram.ForEachBucket([&](int64_t upper_ns, uint64_t count) {
    while (bound < bounds_ns.size() && bounds_ns[bound] < upper_ns) ++bound;
    per_bound[bound] += count;
    total += count;
  });

  prometheus::ClientMetric::Histogram out;
  out.sample_count = total;
  // The mean is exact (kept beside the buckets), so the sum is too, up to double rounding.
  out.sample_sum = total == 0 ? 0.0 : histogram.MeanNs() * static_cast<double>(total) / 1e9;
  out.bucket.reserve(per_bound.size());
  uint64_t cumulative = 0;
  for (size_t i = 0; i < per_bound.size(); ++i) {
    cumulative += per_bound[i];
    prometheus::ClientMetric::Bucket b;
    b.cumulative_count = cumulative;
    b.upper_bound = i < bounds_s.size() ? bounds_s[i] : std::numeric_limits<double>::infinity();
    out.bucket.push_back(b);
  }
  return out;
}

}  // namespace streambench::metrics
