// Constant-rate schedule: the n-th intended time is start + round((n + phase) * 1e9 / rate).
#include <cmath>

#include "bench/schedule/schedule.h"
#include "bench/schedule/schedule_internal.h"

namespace streambench::schedule {
namespace {

class ConstantSchedule final : public Schedule {
 public:
  ConstantSchedule(double rate_per_s, double phase, int64_t start_ns, int64_t end_ns)
      : rate_per_s_(rate_per_s),
        ns_per_op_(1e9L / static_cast<long double>(rate_per_s)),
        phase_(phase),
        start_ns_(start_ns),
        end_ns_(end_ns),
        ended_(!(rate_per_s > 0)) {}

  std::optional<int64_t> Next() override {
    if (ended_) return std::nullopt;
    // One multiplication from the index, never a running sum: no drift. long double keeps 64 bits
    // of mantissa, so (n + phase) * ns_per_op is exact to well under 1 ns for any n a run reaches
    // (n = 1e9 at 1 Mops/s: 1e15 ns, relative error 1e-19).
    const long double offset_ns =
        (static_cast<long double>(n_) + static_cast<long double>(phase_)) * ns_per_op_;
    const int64_t t = start_ns_ + static_cast<int64_t>(std::llround(offset_ns));
    if (t >= end_ns_) {
      ended_ = true;
      return std::nullopt;
    }
    ++n_;
    return t;
  }

  double RateAtPerS(int64_t now_ns) const override { return now_ns < end_ns_ ? rate_per_s_ : 0.0; }

 private:
  const double rate_per_s_;
  const long double ns_per_op_;
  const double phase_;  // in [0, 1): fraction of an interval this schedule is shifted by
  const int64_t start_ns_;
  const int64_t end_ns_;
  uint64_t n_ = 0;
  bool ended_;
};

}  // namespace

std::unique_ptr<Schedule> MakeConstantScheduleWithPhase(double rate_per_s, double phase,
                                                        int64_t start_ns, int64_t end_ns) {
  return std::make_unique<ConstantSchedule>(rate_per_s, phase, start_ns, end_ns);
}

std::unique_ptr<Schedule> MakeConstantSchedule(double rate_per_s, int64_t start_ns,
                                               int64_t end_ns) {
  return MakeConstantScheduleWithPhase(rate_per_s, 0.0, start_ns, end_ns);
}

}  // namespace streambench::schedule
