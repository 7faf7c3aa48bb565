#include "bench/metrics/histogram_export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace streambench::metrics {
namespace {

TEST(LatencyBucketBounds, IncreasingFromMicrosecondsToSeconds) {
  const auto& b = LatencyBucketBoundsSeconds();
  ASSERT_GE(b.size(), 10u);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_EQ(std::adjacent_find(b.begin(), b.end()), b.end());
  EXPECT_LE(b.front(), 10e-6);
  EXPECT_GE(b.back(), 10.0);
}

TEST(RenderHistogram, EmptyHasZeroCountsAndInfBucket) {
  stats::LogLinearHistogram h;
  const auto out = RenderHistogram(h, {1e-3, 1.0});
  EXPECT_EQ(out.sample_count, 0u);
  EXPECT_EQ(out.sample_sum, 0.0);
  ASSERT_EQ(out.bucket.size(), 3u);
  EXPECT_EQ(out.bucket[0].upper_bound, 1e-3);
  EXPECT_EQ(out.bucket[1].upper_bound, 1.0);
  EXPECT_TRUE(std::isinf(out.bucket[2].upper_bound));
  for (const auto& b : out.bucket) EXPECT_EQ(b.cumulative_count, 0u);
}

TEST(RenderHistogram, PlacesValuesWellInsideBoundsExactly) {
  stats::LogLinearHistogram h;
  h.RecordN(3'000, 5);            // 3 us   -> le 10us
  h.RecordN(40'000, 7);           // 40 us  -> le 100us (beyond 10us)
  h.RecordN(2'000'000, 11);       // 2 ms   -> le 10ms
  h.RecordN(20'000'000'000, 13);  // 20 s   -> +Inf only
  const std::vector<double> bounds = {10e-6, 100e-6, 10e-3, 1.0};
  const auto out = RenderHistogram(h, bounds);
  ASSERT_EQ(out.bucket.size(), 5u);
  EXPECT_EQ(out.bucket[0].cumulative_count, 5u);
  EXPECT_EQ(out.bucket[1].cumulative_count, 12u);
  EXPECT_EQ(out.bucket[2].cumulative_count, 23u);
  EXPECT_EQ(out.bucket[3].cumulative_count, 23u);
  EXPECT_EQ(out.bucket[4].cumulative_count, 36u);
  EXPECT_EQ(out.sample_count, 36u);
  // The sum comes from the histogram's exact mean.
  const double expected_sum_s = (5 * 3e3 + 7 * 4e4 + 11 * 2e6 + 13 * 2e10) / 1e9;
  EXPECT_NEAR(out.sample_sum, expected_sum_s, expected_sum_s * 1e-9);
}

// Property over random data: each Prometheus cumulative count is bracketed by the exact count of
// values <= le / 1.01 (the log-linear resolution) and the exact count of values <= le.
TEST(RenderHistogram, CumulativeCountsBracketExactCounts) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(200e3), 2.0);  // around 200 us, wide
  std::vector<int64_t> values;
  stats::LogLinearHistogram h;
  for (int i = 0; i < 200'000; ++i) {
    const int64_t v = std::clamp<int64_t>(static_cast<int64_t>(dist(rng)), 1, 3'600'000'000'000);
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  const auto& bounds = LatencyBucketBoundsSeconds();
  const auto out = RenderHistogram(h, bounds);
  ASSERT_EQ(out.bucket.size(), bounds.size() + 1);
  uint64_t previous = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    const double le_ns = bounds[i] * 1e9;
    const auto at_most = [&](double limit_ns) {
      return static_cast<uint64_t>(std::upper_bound(values.begin(), values.end(),
                                                    static_cast<int64_t>(std::floor(limit_ns))) -
                                   values.begin());
    };
    const uint64_t c = out.bucket[i].cumulative_count;
    EXPECT_GE(c, previous) << "not cumulative at le=" << bounds[i];
    EXPECT_LE(c, at_most(le_ns)) << "le=" << bounds[i];
    EXPECT_GE(c, at_most(le_ns / 1.01)) << "le=" << bounds[i];
    previous = c;
  }
  EXPECT_EQ(out.bucket.back().cumulative_count, values.size());
  EXPECT_EQ(out.sample_count, values.size());
}

}  // namespace
}  // namespace streambench::metrics
