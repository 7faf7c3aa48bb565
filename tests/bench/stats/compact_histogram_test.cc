#include "bench/stats/compact_histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace streambench::stats {
namespace {

LogLinearHistogram Sampled(uint32_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> latency_ns(12.0, 1.5);  // ~160 us median, a long tail
  LogLinearHistogram h;
  for (int i = 0; i < n; ++i) h.Record(static_cast<int64_t>(latency_ns(rng)));
  return h;
}

void ExpectSameHistogram(const LogLinearHistogram& a, const LogLinearHistogram& b) {
  EXPECT_EQ(a.Count(), b.Count());
  EXPECT_EQ(a.MinNs(), b.MinNs());
  EXPECT_EQ(a.MaxNs(), b.MaxNs());
  EXPECT_EQ(a.SumNs(), b.SumNs());
  for (double p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(a.ValueAtPercentileNs(p), b.ValueAtPercentileNs(p)) << p;
  }
  std::vector<std::pair<int64_t, uint64_t>> ab, bb;
  a.ForEachBucket([&](int64_t upper, uint64_t c) { ab.emplace_back(upper, c); });
  b.ForEachBucket([&](int64_t upper, uint64_t c) { bb.emplace_back(upper, c); });
  EXPECT_EQ(ab, bb);
}

TEST(CompactHistogramTest, RoundTripIsLossless) {
  const LogLinearHistogram original = Sampled(1, 20000);
  const CompactHistogram compact = Compact(original);
  EXPECT_EQ(compact.Count(), original.Count());
  LogLinearHistogram restored;
  std::string error;
  ASSERT_TRUE(ExpandInto(compact, &restored, &error)) << error;
  ExpectSameHistogram(original, restored);
}

TEST(CompactHistogramTest, ExtremesOfTheValueRangeSurvive) {
  LogLinearHistogram original;
  original.Record(1);
  original.Record(LogLinearHistogram::kMaxValueNs);
  original.Record(LogLinearHistogram::kMaxValueNs + 5);  // clamped into the top bucket
  LogLinearHistogram restored;
  std::string error;
  ASSERT_TRUE(ExpandInto(Compact(original), &restored, &error)) << error;
  ExpectSameHistogram(original, restored);
}

TEST(CompactHistogramTest, MergedCompactsEqualTheMergedHistogram) {
  const LogLinearHistogram a = Sampled(2, 5000);
  const LogLinearHistogram b = Sampled(3, 7000);
  LogLinearHistogram merged = a;
  merged.Merge(b);
  LogLinearHistogram from_compact;
  std::string error;
  ASSERT_TRUE(ExpandInto(MergeCompact(Compact(a), Compact(b)), &from_compact, &error)) << error;
  ExpectSameHistogram(merged, from_compact);
}

TEST(CompactHistogramTest, BadIndicesAreRefusedAndLeaveTheTargetAlone) {
  LogLinearHistogram target;
  std::string error;
  CompactHistogram out_of_range;
  out_of_range.buckets = {{5, 1}, {static_cast<uint32_t>(LogLinearHistogram::BucketCount()), 1}};
  EXPECT_FALSE(ExpandInto(out_of_range, &target, &error));
  EXPECT_NE(error.find("bucket 1: index 4608 out of range"), std::string::npos) << error;
  CompactHistogram unordered;
  unordered.buckets = {{9, 1}, {9, 2}};
  EXPECT_FALSE(ExpandInto(unordered, &target, &error));
  EXPECT_NE(error.find("not above the previous one"), std::string::npos) << error;
  EXPECT_EQ(target.Count(), 0u);
}

}  // namespace
}  // namespace streambench::stats
