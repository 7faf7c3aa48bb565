// SizeSampler: request payload sizes drawn from a scenario's SizeDistribution. Stateless per
// draw: the size is a hash of a caller-supplied key (slot, stream, sequence number), so callbacks
// running on different threads need no shared random state and runs are reproducible.
// Thread-safety: immutable after construction; Sample() is safe from any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/scenario/scenario.h"

namespace streambench::drivers {

class SizeSampler {
 public:
  SizeSampler(const scenario::SizeDistribution& distribution, uint64_t seed);
  uint64_t Sample(uint64_t key) const;
  uint64_t max_bytes() const { return max_bytes_; }

  // A well-mixed 64-bit hash (splitmix64 finaliser); also used to build keys.
  static uint64_t Mix(uint64_t x);
  // The key base of slot `index`: mixed into the size / payload keys of the slot's messages so
  // slots draw different sequences.
  static uint64_t SlotKey(int index) { return Mix(static_cast<uint64_t>(index) + 1) << 8; }

 private:
  scenario::SizeDistribution::Kind kind_;
  uint64_t fixed_bytes_ = 0, min_bytes_ = 0, max_bytes_ = 0;
  std::vector<uint64_t> choices_bytes_;
  std::vector<double> cumulative_;  // cumulative weights, last = 1
  uint64_t seed_;
};

}  // namespace streambench::drivers
