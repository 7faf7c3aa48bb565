#include "bench/drivers/reconnect_backoff.h"

#include <algorithm>
#include <cmath>

namespace streambench::drivers {
namespace {

// SplitMix64: a well-mixed 64-bit value per (seed, draw), without shared RNG state.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

int64_t ReconnectBackoff::NextDelayNs() {
  const uint32_t n = failures_.fetch_add(1, std::memory_order_relaxed);
  // Past ~60 doublings the cap has long been reached; stop growing the exponent.
  const double base = static_cast<double>(policy_.initial_ns) *
                      std::pow(policy_.multiplier, static_cast<double>(std::min<uint32_t>(n, 60)));
  const double capped = std::min(base, static_cast<double>(policy_.max_ns));
  const uint64_t r = Mix(seed_ ^ Mix(draws_.fetch_add(1, std::memory_order_relaxed)));
  const double unit = static_cast<double>(r >> 11) / static_cast<double>(1ull << 53);  // [0,1)
  const double factor = 1.0 - policy_.jitter + 2.0 * policy_.jitter * unit;
  return std::max<int64_t>(1, static_cast<int64_t>(capped * factor));
}

}  // namespace streambench::drivers
