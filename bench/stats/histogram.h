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
  // Value at percentile `percentile` in [0, 100]: the highest value equivalent to the bucket
  // holding that rank (HdrHistogram convention), clamped to MaxNs(). 0 when empty.
  int64_t ValueAtPercentileNs(double percentile) const;

  // Bucket iteration for exporters: calls fn(upper_bound_ns_inclusive, count) for every non-empty
  // bucket in increasing order.
  template <typename Fn>
  void ForEachBucket(Fn&& fn) const;

  // Number of buckets (memory: kBucketCount * 8 bytes).
  static int BucketCount();
  // Bucket index for a value, and the highest value mapping to a bucket (exposed for tests).
  static int BucketIndex(int64_t value_ns);
  static int64_t BucketUpperBoundNs(int index);

 private:
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> total_count_{0};
  std::atomic<int64_t> min_ns_;
  std::atomic<int64_t> max_ns_{0};
  std::atomic<double> sum_ns_{0};  // for the mean
};

template <typename Fn>
void LogLinearHistogram::ForEachBucket(Fn&& fn) const {
  const int n = BucketCount();
  for (int i = 0; i < n; ++i) {
    const uint64_t c = counts_[i].load(std::memory_order_relaxed);
    if (c != 0) fn(BucketUpperBoundNs(i), c);
  }
}

}  // namespace streambench::stats
