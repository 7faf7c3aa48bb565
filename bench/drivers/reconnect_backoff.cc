#include "bench/drivers/reconnect_backoff.h"

#include <algorithm>
#include <cmath>

#include "common/split_mix.h"

namespace streambench::drivers {
int64_t ReconnectBackoff::NextDelayNs() {
  const uint32_t n = failures_.fetch_add(1, std::memory_order_relaxed);
  // Past ~60 doublings the cap has long been reached; stop growing the exponent.
  const double base = static_cast<double>(policy_.initial_ns) *
                      std::pow(policy_.multiplier, static_cast<double>(std::min<uint32_t>(n, 60)));
  const double capped = std::min(base, static_cast<double>(policy_.max_ns));
  const uint64_t r = SplitMix64(seed_ ^ SplitMix64(draws_.fetch_add(1, std::memory_order_relaxed)));
  const double unit = static_cast<double>(r >> 11) / static_cast<double>(1ull << 53);  // [0,1)
  const double factor = 1.0 - policy_.jitter + 2.0 * policy_.jitter * unit;
  return std::max<int64_t>(1, static_cast<int64_t>(capped * factor));
}

}  // namespace streambench::drivers
