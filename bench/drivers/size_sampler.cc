#include "bench/drivers/size_sampler.h"

#include <algorithm>

#include "common/split_mix.h"

namespace streambench::drivers {

uint64_t SizeSampler::Mix(uint64_t x) { return SplitMix64(x); }

SizeSampler::SizeSampler(const scenario::SizeDistribution& d, uint64_t seed)
    : kind_(d.kind), seed_(Mix(seed)) {
  using Kind = scenario::SizeDistribution::Kind;
  switch (d.kind) {
    case Kind::kFixed:
      fixed_bytes_ = max_bytes_ = d.fixed_bytes;
      break;
    case Kind::kUniform:
      min_bytes_ = std::min(d.min_bytes, d.max_bytes);
      max_bytes_ = std::max(d.min_bytes, d.max_bytes);
      break;
    case Kind::kChoice: {
      choices_bytes_ = d.choices_bytes;
      if (choices_bytes_.empty()) choices_bytes_.push_back(d.fixed_bytes);
      double total = 0;
      for (size_t i = 0; i < choices_bytes_.size(); ++i) {
        total += i < d.weights.size() ? std::max(0.0, d.weights[i]) : (d.weights.empty() ? 1 : 0);
      }
      double running = 0;
      for (size_t i = 0; i < choices_bytes_.size(); ++i) {
        const double w =
            i < d.weights.size() ? std::max(0.0, d.weights[i]) : (d.weights.empty() ? 1 : 0);
        running += total > 0 ? w / total : 1.0 / choices_bytes_.size();
        cumulative_.push_back(running);
      }
      cumulative_.back() = 1.0;
      max_bytes_ = *std::max_element(choices_bytes_.begin(), choices_bytes_.end());
      break;
    }
  }
}

uint64_t SizeSampler::Sample(uint64_t key) const {
  using Kind = scenario::SizeDistribution::Kind;
  switch (kind_) {
    case Kind::kFixed:
      return fixed_bytes_;
    case Kind::kUniform: {
      const uint64_t span = max_bytes_ - min_bytes_ + 1;
      return min_bytes_ + (span == 0 ? Mix(key ^ seed_) : Mix(key ^ seed_) % span);
    }
    case Kind::kChoice: {
      const double u = static_cast<double>(Mix(key ^ seed_) >> 11) * 0x1.0p-53;
      const size_t i =
          std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
      return choices_bytes_[std::min(i, choices_bytes_.size() - 1)];
    }
  }
  return fixed_bytes_;
}

}  // namespace streambench::drivers
