// Ramp schedule: the rate moves linearly within each stage; the n-th intended time is where the
// integral of the rate reaches n (plus a phase), found by inverting the per-stage quadratic.
#include <algorithm>
#include <cmath>

#include "bench/schedule/schedule.h"
#include "bench/schedule/schedule_internal.h"

namespace streambench::schedule {
namespace {

struct Stage {
  int64_t begin_offset_ns;  // from the schedule's start
  int64_t duration_ns;
  long double start_rate_per_s;  // rate at the stage's beginning
  long double end_rate_per_s;    // rate at its end (the stage target)
  long double count_before;      // integral of the rate over the earlier stages
  long double count;             // integral over this stage: (start + end) / 2 * duration
};

class RampSchedule final : public Schedule {
 public:
  RampSchedule(double start_rate_per_s, const std::vector<scenario::RampStage>& stages,
               double phase, int64_t start_ns, int64_t end_ns)
      : phase_(phase), start_ns_(start_ns), end_ns_(end_ns) {
    long double rate = std::max(0.0, start_rate_per_s);
    int64_t offset_ns = 0;
    long double count_before = 0;
    stages_.reserve(stages.size());
    for (const scenario::RampStage& s : stages) {
      Stage stage;
      stage.begin_offset_ns = offset_ns;
      stage.duration_ns = std::max<int64_t>(0, s.duration_us) * 1000;
      stage.start_rate_per_s = rate;
      stage.end_rate_per_s = std::max(0.0, s.target_rate_per_s);
      stage.count_before = count_before;
      stage.count = (stage.start_rate_per_s + stage.end_rate_per_s) / 2 *
                    (static_cast<long double>(stage.duration_ns) / 1e9L);
      stages_.push_back(stage);
      offset_ns += stage.duration_ns;
      count_before += stage.count;
      rate = stage.end_rate_per_s;  // a zero-duration stage is a step to its target
    }
    total_ns_ = offset_ns;
    start_rate_per_s_ = std::max(0.0, start_rate_per_s);
  }

  std::optional<int64_t> Next() override {
    if (ended_) return std::nullopt;
    const long double target = static_cast<long double>(n_) + phase_;
    // Skip stages whose operations are all done (including empty ones: zero duration or rate 0
    // throughout).
    while (stage_ < stages_.size() &&
           target >= stages_[stage_].count_before + stages_[stage_].count) {
      ++stage_;
    }
    if (stage_ == stages_.size()) {
      ended_ = true;
      return std::nullopt;
    }
    const Stage& s = stages_[stage_];
    // Within the stage, count(t) = r0 t + a t^2 / 2 with a = (r1 - r0) / D. Solve count(t) = c in
    // the form t = 2c / (r0 + sqrt(r0^2 + 2ac)), which is stable for a of either sign, reduces to
    // c / r0 when a = 0, and to sqrt(2c / a) when r0 = 0 (a ramp starting from rate 0).
    const long double c = target - s.count_before;
    long double t_s = 0;
    if (c > 0) {
      const long double duration_s = static_cast<long double>(s.duration_ns) / 1e9L;
      const long double a = (s.end_rate_per_s - s.start_rate_per_s) / duration_s;
      const long double disc = s.start_rate_per_s * s.start_rate_per_s + 2 * a * c;
      t_s = 2 * c / (s.start_rate_per_s + std::sqrt(std::max<long double>(0, disc)));
    }
    int64_t in_stage_ns = static_cast<int64_t>(std::llround(t_s * 1e9L));
    in_stage_ns = std::min(in_stage_ns, s.duration_ns);  // rounding must not leave the stage
    const int64_t t = start_ns_ + s.begin_offset_ns + in_stage_ns;
    if (t >= end_ns_) {
      ended_ = true;
      return std::nullopt;
    }
    ++n_;
    return t;
  }

  double RateAtPerS(int64_t now_ns) const override {
    if (now_ns >= end_ns_) return 0.0;
    if (now_ns < start_ns_) return start_rate_per_s_;
    const int64_t offset_ns = now_ns - start_ns_;
    if (offset_ns >= total_ns_) return 0.0;
    // Stages are few (a handful); a linear scan is fine off the hot path.
    for (const Stage& s : stages_) {
      if (offset_ns < s.begin_offset_ns + s.duration_ns) {
        const long double f =
            static_cast<long double>(offset_ns - s.begin_offset_ns) / s.duration_ns;
        return static_cast<double>(s.start_rate_per_s +
                                   (s.end_rate_per_s - s.start_rate_per_s) * f);
      }
    }
    return 0.0;
  }

 private:
  const long double phase_;
  const int64_t start_ns_;
  const int64_t end_ns_;
  std::vector<Stage> stages_;
  int64_t total_ns_ = 0;
  double start_rate_per_s_ = 0;
  size_t stage_ = 0;  // the stage the next operation falls in (never moves back)
  uint64_t n_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<Schedule> MakeRampScheduleWithPhase(double start_rate_per_s,
                                                    const std::vector<scenario::RampStage>& stages,
                                                    double phase, int64_t start_ns,
                                                    int64_t end_ns) {
  return std::make_unique<RampSchedule>(start_rate_per_s, stages, phase, start_ns, end_ns);
}

std::unique_ptr<Schedule> MakeRampSchedule(double start_rate_per_s,
                                           const std::vector<scenario::RampStage>& stages,
                                           int64_t start_ns, int64_t end_ns) {
  return MakeRampScheduleWithPhase(start_rate_per_s, stages, 0.0, start_ns, end_ns);
}

}  // namespace streambench::schedule
