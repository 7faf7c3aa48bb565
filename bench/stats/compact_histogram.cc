#include "bench/stats/compact_histogram.h"

#include <algorithm>

namespace streambench::stats {

uint64_t CompactHistogram::Count() const {
  uint64_t total = 0;
  for (const auto& bucket : buckets) total += bucket.second;
  return total;
}

CompactHistogram Compact(const LogLinearHistogram& histogram) {
  CompactHistogram out;
  // ForEachBucket reports upper bounds; the index is what a reader needs to restore a bucket.
  const int n = LogLinearHistogram::BucketCount();
  histogram.ForEachBucket([&](int64_t upper_ns, uint64_t count) {
    const int index = LogLinearHistogram::BucketIndex(upper_ns);
    if (index >= 0 && index < n) out.buckets.emplace_back(static_cast<uint32_t>(index), count);
  });
  if (!out.buckets.empty()) {
    out.min_ns = histogram.MinNs();
    out.max_ns = histogram.MaxNs();
    out.sum_ns = histogram.SumNs();
  }
  return out;
}

bool ExpandInto(const CompactHistogram& compact, LogLinearHistogram* into, std::string* error) {
  const int n = LogLinearHistogram::BucketCount();
  for (size_t k = 0; k < compact.buckets.size(); ++k) {
    const uint32_t index = compact.buckets[k].first;
    if (index >= static_cast<uint32_t>(n)) {
      *error = "bucket " + std::to_string(k) + ": index " + std::to_string(index) +
               " out of range (0.." + std::to_string(n - 1) + ")";
      return false;
    }
    if (k > 0 && index <= compact.buckets[k - 1].first) {
      *error = "bucket " + std::to_string(k) + ": index " + std::to_string(index) +
               " not above the previous one";
      return false;
    }
  }
  if (compact.buckets.empty()) return true;
  for (const auto& [index, count] : compact.buckets) {
    into->AddToBucket(static_cast<int>(index), count);
  }
  into->AddExtremes(compact.min_ns, compact.max_ns, compact.sum_ns);
  return true;
}

CompactHistogram MergeCompact(const CompactHistogram& a, const CompactHistogram& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  CompactHistogram out;
  out.min_ns = std::min(a.min_ns, b.min_ns);
  out.max_ns = std::max(a.max_ns, b.max_ns);
  out.sum_ns = a.sum_ns + b.sum_ns;
  size_t i = 0, j = 0;
  while (i < a.buckets.size() || j < b.buckets.size()) {
    if (j == b.buckets.size() ||
        (i < a.buckets.size() && a.buckets[i].first < b.buckets[j].first)) {
      out.buckets.push_back(a.buckets[i++]);
    } else if (i == a.buckets.size() || b.buckets[j].first < a.buckets[i].first) {
      out.buckets.push_back(b.buckets[j++]);
    } else {
      out.buckets.emplace_back(a.buckets[i].first, a.buckets[i].second + b.buckets[j].second);
      ++i;
      ++j;
    }
  }
  return out;
}

}  // namespace streambench::stats
