// Exact percentiles of a small set of samples (the macro benchmarks keep every round trip).
// Thread-safety: pure function.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace streambench::macro {

// The nearest-rank percentile `q` in [0, 1] of `samples` (reordered in place); 0 when empty.
template <typename T>
double SamplePercentile(std::vector<T>& samples, double q) {
  if (samples.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
  rank = std::clamp<size_t>(rank, 1, samples.size());
  std::nth_element(samples.begin(), samples.begin() + (rank - 1), samples.end());
  return static_cast<double>(samples[rank - 1]);
}

}  // namespace streambench::macro
