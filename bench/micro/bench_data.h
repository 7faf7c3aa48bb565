// Inputs shared by the micro-benchmarks: realistic latency values, generated once.
// Thread-safety: the returned data is immutable after first use (static local initialisation).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace streambench::micro {

// 64Ki log-normal latencies around 200 us with a long tail (1 us .. seconds), so a benchmark
// touches many buckets the way real traffic does instead of hitting one cached bucket.
inline const std::vector<int64_t>& LatencySamplesNs() {
  static const std::vector<int64_t> samples = [] {
    std::mt19937_64 rng(12345);
    std::lognormal_distribution<double> dist(std::log(200'000.0), 1.2);
    std::vector<int64_t> v(1 << 16);
    for (auto& x : v) x = static_cast<int64_t>(dist(rng)) + 1;
    return v;
  }();
  return samples;
}

}  // namespace streambench::micro
