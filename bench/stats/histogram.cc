#include "bench/stats/histogram.h"

#include <cmath>
#include <limits>

namespace streambench::stats {
namespace {
constexpr int64_t kEmptyMinNs = std::numeric_limits<int64_t>::max();
}  // namespace

LogLinearHistogram::LogLinearHistogram()
    : counts_(std::make_unique<std::atomic<uint64_t>[]>(kBucketCount)), min_ns_(kEmptyMinNs) {}

LogLinearHistogram::LogLinearHistogram(const LogLinearHistogram& other) : LogLinearHistogram() {
  *this = other;
}

LogLinearHistogram& LogLinearHistogram::operator=(const LogLinearHistogram& other) {
  if (this == &other) return *this;
  // Read the source's total first (acquire) so the bucket counts read afterwards cover it; then
  // use the bucket sum as the copy's total so the copy is self-consistent even when the source
  // is being written concurrently.
  other.total_count_.load(std::memory_order_acquire);
  uint64_t total = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    const uint64_t c = other.counts_[i].load(std::memory_order_relaxed);
    counts_[i].store(c, std::memory_order_relaxed);
    total += c;
  }
  total_count_.store(total, std::memory_order_release);
  min_ns_.store(other.min_ns_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  max_ns_.store(other.max_ns_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  sum_ns_.store(other.sum_ns_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  return *this;
}

void LogLinearHistogram::Merge(const LogLinearHistogram& other) {
  other.total_count_.load(std::memory_order_acquire);
  uint64_t added = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    const uint64_t c = other.counts_[i].load(std::memory_order_relaxed);
    if (c != 0) {
      Bump(counts_[i], c);
      added += c;
    }
  }
  total_count_.store(total_count_.load(std::memory_order_relaxed) + added,
                     std::memory_order_release);
  Bump(sum_ns_, other.sum_ns_.load(std::memory_order_relaxed));
  if (added != 0) {
    const int64_t other_min = other.min_ns_.load(std::memory_order_relaxed);
    const int64_t other_max = other.max_ns_.load(std::memory_order_relaxed);
    if (other_min < min_ns_.load(std::memory_order_relaxed)) {
      min_ns_.store(other_min, std::memory_order_relaxed);
    }
    if (other_max > max_ns_.load(std::memory_order_relaxed)) {
      max_ns_.store(other_max, std::memory_order_relaxed);
    }
  }
}

void LogLinearHistogram::AddToBucket(int index, uint64_t count) {
  Bump(counts_[index], count);
  total_count_.store(total_count_.load(std::memory_order_relaxed) + count,
                     std::memory_order_release);
}

void LogLinearHistogram::AddExtremes(int64_t min_ns, int64_t max_ns, uint64_t sum_ns) {
  Bump(sum_ns_, sum_ns);
  if (min_ns < min_ns_.load(std::memory_order_relaxed)) {
    min_ns_.store(min_ns, std::memory_order_relaxed);
  }
  if (max_ns > max_ns_.load(std::memory_order_relaxed)) {
    max_ns_.store(max_ns, std::memory_order_relaxed);
  }
}

void LogLinearHistogram::Subtract(const LogLinearHistogram& earlier) {
  uint64_t total = 0;
  int lowest = -1;
  int highest = -1;
  for (int i = 0; i < kBucketCount; ++i) {
    const uint64_t mine = counts_[i].load(std::memory_order_relaxed);
    const uint64_t theirs = earlier.counts_[i].load(std::memory_order_relaxed);
    // A misuse (earlier not a prefix of this) must not wrap to huge counts.
    const uint64_t c = mine > theirs ? mine - theirs : 0;
    counts_[i].store(c, std::memory_order_relaxed);
    if (c != 0) {
      total += c;
      if (lowest < 0) lowest = i;
      highest = i;
    }
  }
  total_count_.store(total, std::memory_order_release);
  const uint64_t sum = sum_ns_.load(std::memory_order_relaxed);
  const uint64_t earlier_sum = earlier.sum_ns_.load(std::memory_order_relaxed);
  sum_ns_.store(sum > earlier_sum ? sum - earlier_sum : 0, std::memory_order_relaxed);
  if (total == 0) {
    min_ns_.store(kEmptyMinNs, std::memory_order_relaxed);
    max_ns_.store(0, std::memory_order_relaxed);
    return;
  }
  // The exact extremes of the difference are unknown; the cumulative ones bound them, and the
  // lowest/highest non-empty buckets bound them from the other side. When the cumulative max
  // falls in the highest remaining bucket it is kept exact.
  const int64_t min_ns = min_ns_.load(std::memory_order_relaxed);
  const int64_t max_ns = max_ns_.load(std::memory_order_relaxed);
  const int64_t low_bound = BucketLowerBoundNs(lowest);
  const int64_t high_bound = BucketUpperBoundNs(highest);
  min_ns_.store(min_ns > low_bound ? min_ns : low_bound, std::memory_order_relaxed);
  max_ns_.store(max_ns < high_bound ? max_ns : high_bound, std::memory_order_relaxed);
}

void LogLinearHistogram::Reset() {
  for (int i = 0; i < kBucketCount; ++i) counts_[i].store(0, std::memory_order_relaxed);
  total_count_.store(0, std::memory_order_release);
  min_ns_.store(kEmptyMinNs, std::memory_order_relaxed);
  max_ns_.store(0, std::memory_order_relaxed);
  sum_ns_.store(0, std::memory_order_relaxed);
}

uint64_t LogLinearHistogram::Count() const { return total_count_.load(std::memory_order_acquire); }

int64_t LogLinearHistogram::MinNs() const {
  const int64_t min_ns = min_ns_.load(std::memory_order_relaxed);
  return min_ns == kEmptyMinNs ? 0 : min_ns;
}

int64_t LogLinearHistogram::MaxNs() const { return max_ns_.load(std::memory_order_relaxed); }

uint64_t LogLinearHistogram::SumNs() const { return sum_ns_.load(std::memory_order_relaxed); }

double LogLinearHistogram::MeanNs() const {
  const uint64_t count = Count();
  if (count == 0) return 0;
  return static_cast<double>(SumNs()) / static_cast<double>(count);
}

int64_t LogLinearHistogram::ValueAtPercentileNs(double percentile) const {
  const uint64_t total = Count();  // acquire: the buckets read below sum to at least this
  if (total == 0) return 0;
  if (!(percentile > 0)) percentile = 0;  // also maps NaN to 0
  if (percentile > 100) percentile = 100;
  // Nearest-rank: the smallest value with at least percentile% of the values at or below it.
  // Multiply before dividing so whole percentiles of round counts give exact ranks (7 * 100 / 100
  // is 7, while 0.07 * 100 is 7.000000000000001).
  uint64_t rank = static_cast<uint64_t>(std::ceil(percentile * static_cast<double>(total) / 100.0));
  if (rank < 1) rank = 1;
  if (rank > total) rank = total;
  const int64_t max_ns = MaxNs();
  uint64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank) {
      const int64_t upper = BucketUpperBoundNs(i);
      return upper < max_ns ? upper : max_ns;
    }
  }
  return max_ns;  // not reached: the buckets sum to at least `total`
}

int LogLinearHistogram::BucketCount() { return kBucketCount; }

int LogLinearHistogram::BucketIndex(int64_t value_ns) {
  if (value_ns < 1) value_ns = 1;
  if (value_ns > kMaxValueNs) value_ns = kMaxValueNs;
  return IndexOf(value_ns);
}

int64_t LogLinearHistogram::BucketLowerBoundNs(int index) {
  if (index < kSubBucketCount) return index;  // one value per bucket below 256
  const int magnitude = (index >> kSubBucketHalfCountMagnitude) - 1;
  const int64_t sub_bucket = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  return sub_bucket << magnitude;
}

int64_t LogLinearHistogram::BucketUpperBoundNs(int index) {
  if (index < kSubBucketCount) return index;
  const int magnitude = (index >> kSubBucketHalfCountMagnitude) - 1;
  return BucketLowerBoundNs(index) + (int64_t{1} << magnitude) - 1;
}

}  // namespace streambench::stats
