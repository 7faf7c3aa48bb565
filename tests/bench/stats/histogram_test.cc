#include "bench/stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

namespace streambench::stats {
namespace {

// The exact nearest-rank percentile of `sorted`, with the histogram's rank formula.
int64_t ExactPercentile(const std::vector<int64_t>& sorted, double percentile) {
  const double n = static_cast<double>(sorted.size());
  uint64_t rank = static_cast<uint64_t>(std::ceil(percentile * n / 100.0));
  rank = std::clamp<uint64_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void ExpectAccurate(std::vector<int64_t> values) {
  LogLinearHistogram h;
  for (int64_t v : values) h.Record(v);
  std::sort(values.begin(), values.end());
  ASSERT_EQ(h.Count(), values.size());
  EXPECT_EQ(h.MinNs(), values.front());
  EXPECT_EQ(h.MaxNs(), values.back());
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const int64_t exact = ExactPercentile(values, p);
    const int64_t got = h.ValueAtPercentileNs(p);
    // Highest equivalent value: never below the exact value, at most 1% above it.
    EXPECT_GE(got, exact) << "p" << p;
    EXPECT_LE(static_cast<double>(got - exact), 0.01 * static_cast<double>(exact)) << "p" << p;
  }
}

TEST(LogLinearHistogramTest, AccurateOnUniformData) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> dist(1'000, 50'000'000);  // 1 us .. 50 ms
  std::vector<int64_t> values(100'000);
  for (auto& v : values) v = dist(rng);
  ExpectAccurate(values);
}

TEST(LogLinearHistogramTest, AccurateOnLogNormalData) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> dist(std::log(200'000.0), 1.5);  // median 200 us, wide tail
  std::vector<int64_t> values(100'000);
  for (auto& v : values) {
    v = std::clamp<int64_t>(std::llround(dist(rng)), 1, LogLinearHistogram::kMaxValueNs);
  }
  ExpectAccurate(values);
}

TEST(LogLinearHistogramTest, AccurateOnBimodalData) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> fast(50'000, 5'000);          // 50 us
  std::normal_distribution<double> slow(80'000'000, 8'000'000);  // 80 ms, 2% of the values
  std::bernoulli_distribution is_slow(0.02);
  std::vector<int64_t> values(100'000);
  for (auto& v : values) {
    v = std::max<int64_t>(1, std::llround(is_slow(rng) ? slow(rng) : fast(rng)));
  }
  ExpectAccurate(values);
}

TEST(LogLinearHistogramTest, AccurateOnSmallAndHugeValues) {
  std::vector<int64_t> values;
  for (int64_t v = 1; v < 2000; ++v) values.push_back(v);
  for (int64_t v = 1; v < LogLinearHistogram::kMaxValueNs; v = v * 3 + 7) values.push_back(v);
  values.push_back(LogLinearHistogram::kMaxValueNs);
  ExpectAccurate(values);
}

TEST(LogLinearHistogramTest, BucketsAreContiguousAndWithinOnePercent) {
  const int n = LogLinearHistogram::BucketCount();
  EXPECT_EQ(n, 4608);
  EXPECT_EQ(LogLinearHistogram::BucketLowerBoundNs(1), 1);
  for (int i = 1; i < n; ++i) {
    const int64_t lo = LogLinearHistogram::BucketLowerBoundNs(i);
    const int64_t hi = LogLinearHistogram::BucketUpperBoundNs(i);
    ASSERT_LE(lo, hi) << i;
    if (i > 1) {
      ASSERT_EQ(lo, LogLinearHistogram::BucketUpperBoundNs(i - 1) + 1) << i;
    }
    ASSERT_LE(static_cast<double>(hi - lo), 0.01 * static_cast<double>(lo)) << i;
    if (lo > LogLinearHistogram::kMaxValueNs) continue;  // unreachable: values are clamped
    ASSERT_EQ(LogLinearHistogram::BucketIndex(lo), i);
    ASSERT_EQ(LogLinearHistogram::BucketIndex(std::min(hi, LogLinearHistogram::kMaxValueNs)), i);
  }
  EXPECT_GE(LogLinearHistogram::BucketUpperBoundNs(n - 1), LogLinearHistogram::kMaxValueNs);
}

TEST(LogLinearHistogramTest, BucketBoundariesAtPowersOfTwo) {
  // Below 256 every value has its own bucket.
  EXPECT_EQ(LogLinearHistogram::BucketIndex(255), 255);
  EXPECT_EQ(LogLinearHistogram::BucketIndex(256), 256);
  EXPECT_EQ(LogLinearHistogram::BucketIndex(257), 256);  // width 2 from 256
  EXPECT_EQ(LogLinearHistogram::BucketIndex(258), 257);
  EXPECT_EQ(LogLinearHistogram::BucketUpperBoundNs(256), 257);
  // 1024 starts a magnitude with width 8.
  const int i = LogLinearHistogram::BucketIndex(1024);
  EXPECT_EQ(LogLinearHistogram::BucketLowerBoundNs(i), 1024);
  EXPECT_EQ(LogLinearHistogram::BucketUpperBoundNs(i), 1031);
  EXPECT_EQ(LogLinearHistogram::BucketIndex(1023), i - 1);
}

TEST(LogLinearHistogramTest, ClampsOutOfRangeValues) {
  LogLinearHistogram h;
  h.Record(0);
  h.Record(-5);
  h.Record(LogLinearHistogram::kMaxValueNs * 10);
  EXPECT_EQ(h.Count(), 3u);
  EXPECT_EQ(h.MinNs(), 1);
  EXPECT_EQ(h.MaxNs(), LogLinearHistogram::kMaxValueNs);
  EXPECT_EQ(h.ValueAtPercentileNs(100), LogLinearHistogram::kMaxValueNs);
  EXPECT_EQ(h.ValueAtPercentileNs(50), 1);
}

TEST(LogLinearHistogramTest, EmptyIsAllZero) {
  LogLinearHistogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.MinNs(), 0);
  EXPECT_EQ(h.MaxNs(), 0);
  EXPECT_EQ(h.MeanNs(), 0);
  EXPECT_EQ(h.ValueAtPercentileNs(99), 0);
  int buckets = 0;
  h.ForEachBucket([&](int64_t, uint64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0);
}

TEST(LogLinearHistogramTest, MinMaxMeanAreExact) {
  LogLinearHistogram h;
  h.Record(1'000'003);
  h.Record(7);
  h.RecordN(123'457, 2);
  EXPECT_EQ(h.Count(), 4u);
  EXPECT_EQ(h.MinNs(), 7);
  EXPECT_EQ(h.MaxNs(), 1'000'003);
  EXPECT_EQ(h.SumNs(), 1'000'003u + 7u + 2u * 123'457u);
  EXPECT_DOUBLE_EQ(h.MeanNs(), (1'000'003.0 + 7.0 + 2 * 123'457.0) / 4);
  // Percentiles: ranks 1..4 = 7, 123457, 123457, 1000003 (bucketed, then clamped to max).
  EXPECT_EQ(h.ValueAtPercentileNs(25), 7);
  EXPECT_EQ(h.ValueAtPercentileNs(50),
            LogLinearHistogram::BucketUpperBoundNs(LogLinearHistogram::BucketIndex(123'457)));
  EXPECT_EQ(h.ValueAtPercentileNs(100), 1'000'003);
}

TEST(LogLinearHistogramTest, ForEachBucketVisitsNonEmptyInOrder) {
  LogLinearHistogram h;
  h.RecordN(5000, 3);
  h.Record(10);
  h.Record(10);
  std::vector<std::pair<int64_t, uint64_t>> seen;
  h.ForEachBucket([&](int64_t upper, uint64_t c) { seen.emplace_back(upper, c); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(int64_t{10}, uint64_t{2}));
  EXPECT_EQ(seen[1].second, 3u);
  EXPECT_GE(seen[1].first, 5000);
}

TEST(LogLinearHistogramTest, MergeEqualsRecordingIntoOne) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> dist(12, 2);
  LogLinearHistogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const int64_t v = std::max<int64_t>(1, std::llround(dist(rng)));
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  LogLinearHistogram merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.Count(), all.Count());
  EXPECT_EQ(merged.MinNs(), all.MinNs());
  EXPECT_EQ(merged.MaxNs(), all.MaxNs());
  EXPECT_EQ(merged.SumNs(), all.SumNs());
  std::vector<std::pair<int64_t, uint64_t>> mb, ab;
  merged.ForEachBucket([&](int64_t u, uint64_t c) { mb.emplace_back(u, c); });
  all.ForEachBucket([&](int64_t u, uint64_t c) { ab.emplace_back(u, c); });
  EXPECT_EQ(mb, ab);
  for (double p : {50.0, 99.0, 99.9}) {
    EXPECT_EQ(merged.ValueAtPercentileNs(p), all.ValueAtPercentileNs(p));
  }
  // Merging an empty histogram changes nothing (min stays, not 0).
  merged.Merge(LogLinearHistogram());
  EXPECT_EQ(merged.MinNs(), all.MinNs());
  EXPECT_EQ(merged.Count(), all.Count());
}

TEST(LogLinearHistogramTest, SubtractGivesTheInterval) {
  LogLinearHistogram cumulative;
  for (int i = 1; i <= 1000; ++i) cumulative.Record(i * 1000);  // 1 us .. 1 ms
  const LogLinearHistogram earlier = cumulative;
  LogLinearHistogram interval_only;
  for (int i = 1; i <= 500; ++i) {
    cumulative.Record(2'000'000 + i * 10);  // ~2 ms
    interval_only.Record(2'000'000 + i * 10);
  }
  LogLinearHistogram diff = cumulative;
  diff.Subtract(earlier);
  EXPECT_EQ(diff.Count(), 500u);
  EXPECT_EQ(diff.SumNs(), interval_only.SumNs());
  EXPECT_DOUBLE_EQ(diff.MeanNs(), interval_only.MeanNs());
  EXPECT_EQ(diff.MaxNs(), interval_only.MaxNs());  // the cumulative max is in the interval
  // The min is bounded by the lowest remaining bucket, within its width of the exact one.
  EXPECT_LE(diff.MinNs(), interval_only.MinNs());
  EXPECT_GE(static_cast<double>(diff.MinNs()), 0.99 * static_cast<double>(interval_only.MinNs()));
  for (double p : {0.0, 50.0, 99.0, 100.0}) {
    EXPECT_EQ(diff.ValueAtPercentileNs(p), interval_only.ValueAtPercentileNs(p)) << p;
  }
  // Subtracting the same state leaves nothing.
  LogLinearHistogram none = cumulative;
  none.Subtract(cumulative);
  EXPECT_EQ(none.Count(), 0u);
  EXPECT_EQ(none.MinNs(), 0);
  EXPECT_EQ(none.MaxNs(), 0);
}

TEST(LogLinearHistogramTest, CopyAndResetAreIndependent) {
  LogLinearHistogram h;
  h.Record(42);
  LogLinearHistogram copy(h);
  h.Record(43);
  EXPECT_EQ(copy.Count(), 1u);
  EXPECT_EQ(h.Count(), 2u);
  copy = h;
  EXPECT_EQ(copy.Count(), 2u);
  h.Reset();
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.MinNs(), 0);
  EXPECT_EQ(copy.MaxNs(), 43);
}

TEST(LogLinearHistogramTest, ConcurrentReaderSeesMonotonicConsistentCounts) {
  LogLinearHistogram h;
  constexpr uint64_t kValues = 2'000'000;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (uint64_t i = 0; i < kValues; ++i) h.Record(static_cast<int64_t>(1000 + (i % 100'000)));
    done.store(true);
  });
  uint64_t last_live = 0;
  uint64_t last_copy = 0;
  int reads = 0;
  bool monotonic = true;
  bool consistent = true;
  // Bounded: stops when the writer is done or after 100k reads.
  while (!done.load() && reads < 100'000) {
    const uint64_t live = h.Count();
    const LogLinearHistogram copy = h;
    uint64_t bucket_sum = 0;
    copy.ForEachBucket([&](int64_t, uint64_t c) { bucket_sum += c; });
    // A copy is self-consistent and covers every value counted before it was taken.
    consistent = consistent && bucket_sum == copy.Count() && copy.Count() >= live;
    monotonic = monotonic && live >= last_live && copy.Count() >= last_copy;
    last_live = live;
    last_copy = copy.Count();
    // Queries on the live histogram stay in range while it is written.
    const int64_t p99 = h.ValueAtPercentileNs(99);
    consistent = consistent && (live == 0 || (p99 >= 1000 && p99 <= 101'000 * 1.01));
    ++reads;
  }
  writer.join();
  EXPECT_TRUE(monotonic);
  EXPECT_TRUE(consistent);
  EXPECT_EQ(h.Count(), kValues);
  uint64_t bucket_sum = 0;
  h.ForEachBucket([&](int64_t, uint64_t c) { bucket_sum += c; });
  EXPECT_EQ(bucket_sum, kValues);
  EXPECT_EQ(h.MinNs(), 1000);
  EXPECT_EQ(h.MaxNs(), 1000 + 99'999);
}

}  // namespace
}  // namespace streambench::stats
