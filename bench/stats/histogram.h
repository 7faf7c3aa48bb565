// LogLinearHistogram: HdrHistogram's idea (log-scaled magnitudes, linear sub-buckets) for
// latency values in nanoseconds from 1 ns to 1 h, with at most 1% relative error. Mergeable, so
// each thread records into its own and snapshots merge them.
// Thread-safety: one writer (Record*) at a time; any number of concurrent readers (CopyFrom,
// MergeInto, the queries) may run while it records: counts are relaxed atomics written with
// load+store (no read-modify-write on the hot path), so a reader sees each bucket either before
// or after a concurrent Record, never torn. Merge/Reset/CopyFrom on the destination require that
// nothing else writes the destination.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace streambench::stats {

class LogLinearHistogram {
 public:
  static constexpr int64_t kMaxValueNs = 3'600'000'000'000;  // 1 h; larger values are clamped

  LogLinearHistogram();
  LogLinearHistogram(const LogLinearHistogram& other);             // copies counts
  LogLinearHistogram& operator=(const LogLinearHistogram& other);  // copies counts

  // Records one value (or `count` of the same value). Values < 1 are recorded as 1, values above
  // kMaxValueNs as kMaxValueNs. Allocation-free and lock-free.
  void Record(int64_t value_ns) { RecordN(value_ns, 1); }
  void RecordN(int64_t value_ns, uint64_t count);

  // Adds `other`'s counts into this one.
  void Merge(const LogLinearHistogram& other);
  // this = this - earlier (bucket-wise), for interval views from cumulative snapshots.
  // `earlier` must be an earlier copy of the same cumulative histogram.
  void Subtract(const LogLinearHistogram& earlier);
  void Reset();

  uint64_t Count() const;
  int64_t MinNs() const;   // 0 when empty
  int64_t MaxNs() const;   // 0 when empty; exact (not bucketed)
  double MeanNs() const;   // 0 when empty
  uint64_t SumNs() const;  // sum of the recorded (clamped) values; wraps after ~584 years total
  // Value at percentile `percentile` in [0, 100]: the highest value equivalent to the bucket
  // holding that rank (HdrHistogram convention), clamped to MaxNs(). 0 when empty. The rank is
  // nearest-rank: ceil(percentile * Count() / 100), at least 1; so 0 gives the lowest bucket and
  // 100 gives MaxNs().
  int64_t ValueAtPercentileNs(double percentile) const;

  // Bucket iteration for exporters: calls fn(upper_bound_ns_inclusive, count) for every non-empty
  // bucket in increasing order.
  template <typename Fn>
  void ForEachBucket(Fn&& fn) const;

  // Restoring a histogram from its buckets (bench/stats/compact_histogram.h): adds `count` to
  // bucket `index` (0 <= index < BucketCount()) and to the total, without touching min, max or
  // sum, which AddExtremes then merges in as a recorder would have left them.
  void AddToBucket(int index, uint64_t count);
  void AddExtremes(int64_t min_ns, int64_t max_ns, uint64_t sum_ns);

  // Number of buckets (memory: kBucketCount * 8 bytes).
  static int BucketCount();
  // Bucket index for a value, and the highest value mapping to a bucket (exposed for tests).
  static int BucketIndex(int64_t value_ns);
  static int64_t BucketUpperBoundNs(int index);
  static int64_t BucketLowerBoundNs(int index);

 private:
  // Geometry (see the layout note at the top). Values below kSubBucketCount get one bucket each;
  // above, each power of two [2^(7+m), 2^(8+m)) is split into kSubBucketHalfCount buckets of width
  // 2^m.
  static constexpr int kSubBucketHalfCountMagnitude = 7;
  static constexpr int kSubBucketCount = 1 << (kSubBucketHalfCountMagnitude + 1);  // 256
  static constexpr int kSubBucketHalfCount = kSubBucketCount / 2;                  // 128
  static constexpr int kMagnitudeCount = 35;  // 256 << 34 = 2^42 ns > kMaxValueNs
  static constexpr int kBucketCount = (kMagnitudeCount + 1) * kSubBucketHalfCount;  // 4608

  // Branch-free apart from the clamp; no loop, no floating point.
  static int IndexOf(int64_t value_ns) {
    const uint64_t v = static_cast<uint64_t>(value_ns);
    // Position of the highest set bit, at least 8 (values below 256 share magnitude 0).
    const int pow2_ceiling = 64 - __builtin_clzll(v | (kSubBucketCount - 1));
    const int magnitude = pow2_ceiling - (kSubBucketHalfCountMagnitude + 1);
    const int sub_bucket = static_cast<int>(v >> magnitude);  // in [0, 256), >= 128 unless m = 0
    return (magnitude << kSubBucketHalfCountMagnitude) + sub_bucket;
  }
  static void Bump(std::atomic<uint64_t>& c, uint64_t by) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> total_count_{0};
  std::atomic<int64_t> min_ns_;  // INT64_MAX when empty
  std::atomic<int64_t> max_ns_{0};
  std::atomic<uint64_t> sum_ns_{0};  // for the mean; integer so means are exact and mergeable
};

inline void LogLinearHistogram::RecordN(int64_t value_ns, uint64_t count) {
  if (value_ns < 1) value_ns = 1;
  if (value_ns > kMaxValueNs) value_ns = kMaxValueNs;
  Bump(counts_[IndexOf(value_ns)], count);
  Bump(sum_ns_, static_cast<uint64_t>(value_ns) * count);
  if (value_ns < min_ns_.load(std::memory_order_relaxed)) {
    min_ns_.store(value_ns, std::memory_order_relaxed);
  }
  if (value_ns > max_ns_.load(std::memory_order_relaxed)) {
    max_ns_.store(value_ns, std::memory_order_relaxed);
  }
  // The total last, with release (a plain store on x86): a reader that loads it with acquire
  // (Count()) also sees the bucket, min and max of every value it counts.
  total_count_.store(total_count_.load(std::memory_order_relaxed) + count,
                     std::memory_order_release);
}

template <typename Fn>
void LogLinearHistogram::ForEachBucket(Fn&& fn) const {
  const int n = BucketCount();
  for (int i = 0; i < n; ++i) {
    const uint64_t c = counts_[i].load(std::memory_order_relaxed);
    if (c != 0) fn(BucketUpperBoundNs(i), c);
  }
}

}  // namespace streambench::stats
