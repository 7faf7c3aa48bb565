// CompactHistogram: a LogLinearHistogram's state without its empty buckets, so it can be written
// to a results file and read back bit for bit: merging restored histograms gives exactly the
// histogram of all their samples, and its percentiles carry the recorder's stated error (at most
// 1/128 of the value, under 0.8%) and no more. A run's histograms take ~12 bytes per non-empty
// bucket in JSON; a millisecond-wide latency distribution fills ~100-300 of the 4608.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/stats/histogram.h"

namespace streambench::stats {

struct CompactHistogram {
  int64_t min_ns = 0;  // 0 when empty
  int64_t max_ns = 0;  // exact
  uint64_t sum_ns = 0;
  // (bucket index, count) for every non-empty bucket, in increasing index order.
  std::vector<std::pair<uint32_t, uint64_t>> buckets;

  uint64_t Count() const;
  bool empty() const { return buckets.empty(); }
};

CompactHistogram Compact(const LogLinearHistogram& histogram);

// Adds `compact`'s samples into `into`. False (with a reason naming the bucket) when an index is
// out of range or indices are not increasing; `into` is then unchanged.
bool ExpandInto(const CompactHistogram& compact, LogLinearHistogram* into, std::string* error);

// Bucket-wise sum (the compact form of merging the two histograms).
CompactHistogram MergeCompact(const CompactHistogram& a, const CompactHistogram& b);

}  // namespace streambench::stats
