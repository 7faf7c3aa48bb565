// MakeSchedule: one worker's share of a scenario's aggregate load.
#include <algorithm>

#include "bench/schedule/schedule.h"
#include "bench/schedule/schedule_internal.h"

namespace streambench::schedule {

std::unique_ptr<Schedule> MakeSchedule(const scenario::LoadSpec& load, int worker_index,
                                       int worker_count, int64_t start_ns, int64_t end_ns,
                                       uint64_t seed) {
  worker_count = std::max(worker_count, 1);
  worker_index = std::clamp(worker_index, 0, worker_count - 1);
  const double share = 1.0 / worker_count;
  // Workers are offset by index/count of an interval (or of one operation's worth of the
  // integral, for ramps) so the aggregate is as evenly spaced as a single schedule would be.
  const double phase = static_cast<double>(worker_index) / worker_count;
  switch (load.model) {
    case scenario::LoadModel::kClosed:
      return nullptr;
    case scenario::LoadModel::kConstant:
    case scenario::LoadModel::kSearch:  // the runner runs each step as a constant load
      return MakeConstantScheduleWithPhase(load.rate_per_s * share, phase, start_ns, end_ns);
    case scenario::LoadModel::kPoisson:
      // Independent streams per worker: the superposition of independent Poisson processes is a
      // Poisson process at the summed rate.
      return MakePoissonSchedule(load.rate_per_s * share, start_ns, end_ns,
                                 MixSeed(seed ^ MixSeed(static_cast<uint64_t>(worker_index))));
    case scenario::LoadModel::kRamp: {
      std::vector<scenario::RampStage> stages = load.stages;
      for (scenario::RampStage& s : stages) s.target_rate_per_s *= share;
      return MakeRampScheduleWithPhase(load.start_rate_per_s * share, stages, phase, start_ns,
                                       end_ns);
    }
  }
  return nullptr;
}

}  // namespace streambench::schedule
