// SplitMix64's finaliser: a well-mixed 64-bit value from any 64-bit input, without state. Used
// wherever a seed and an index (a worker, a slot, a stream, a draw) must give independent,
// reproducible values: seeds of per-worker or per-stream generators, keys, jitter.
// Thread-safety: a pure function.
#pragma once

#include <cstdint>

namespace streambench {

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace streambench
