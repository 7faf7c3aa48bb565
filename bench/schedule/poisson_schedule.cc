// Poisson arrivals: exponential gaps with mean 1e9 / rate ns from a seeded Mersenne Twister.
#include <cmath>
#include <random>

#include "bench/schedule/schedule.h"
#include "bench/schedule/schedule_internal.h"
#include "common/split_mix.h"

namespace streambench::schedule {
namespace {

class PoissonSchedule final : public Schedule {
 public:
  PoissonSchedule(double rate_per_s, int64_t start_ns, int64_t end_ns, uint64_t seed)
      : rate_per_s_(rate_per_s),
        mean_gap_ns_(rate_per_s > 0 ? 1e9 / rate_per_s : 0),
        start_ns_(start_ns),
        end_ns_(end_ns),
        rng_(seed),
        ended_(!(rate_per_s > 0)) {}

  std::optional<int64_t> Next() override {
    if (ended_) return std::nullopt;
    // The first arrival is one exponential gap after the start (a Poisson process started at
    // start_ns). The offset is kept unrounded in long double so rounding each time to whole ns
    // does not bias the mean gap.
    // u in [0, 1) with 53 random bits; -log1p(-u) = -log(1 - u) is Exp(1), finite since 1-u > 0.
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    offset_ns_ += static_cast<long double>(-std::log1p(-u) * mean_gap_ns_);
    const int64_t t = start_ns_ + static_cast<int64_t>(std::llround(offset_ns_));
    if (t >= end_ns_) {
      ended_ = true;
      return std::nullopt;
    }
    return t;
  }

  double RateAtPerS(int64_t now_ns) const override { return now_ns < end_ns_ ? rate_per_s_ : 0.0; }

 private:
  const double rate_per_s_;
  const double mean_gap_ns_;
  const int64_t start_ns_;
  const int64_t end_ns_;
  std::mt19937_64 rng_;
  long double offset_ns_ = 0;
  bool ended_;
};

}  // namespace

uint64_t MixSeed(uint64_t x) { return SplitMix64(x); }

std::unique_ptr<Schedule> MakePoissonSchedule(double rate_per_s, int64_t start_ns, int64_t end_ns,
                                              uint64_t seed) {
  return std::make_unique<PoissonSchedule>(rate_per_s, start_ns, end_ns, seed);
}

}  // namespace streambench::schedule
