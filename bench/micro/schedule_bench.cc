// Schedule::Next: the cost of computing one intended send time.
#include <benchmark/benchmark.h>

#include <limits>
#include <memory>
#include <vector>

#include "bench/schedule/schedule.h"

namespace streambench::schedule {
namespace {

constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();

template <typename Make>
void RunNext(benchmark::State& state, Make make) {
  std::unique_ptr<Schedule> s = make();
  for (auto _ : state) {
    std::optional<int64_t> t = s->Next();
    if (!t) {  // not expected within a benchmark run; keeps the loop valid regardless
      state.PauseTiming();
      s = make();
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ScheduleNextConstant(benchmark::State& state) {
  RunNext(state, [] { return MakeConstantSchedule(1e6, 0, kNoEnd); });
}
BENCHMARK(BM_ScheduleNextConstant);

void BM_ScheduleNextPoisson(benchmark::State& state) {
  RunNext(state, [] { return MakePoissonSchedule(1e6, 0, kNoEnd, 1); });
}
BENCHMARK(BM_ScheduleNextPoisson);

void BM_ScheduleNextRamp(benchmark::State& state) {
  RunNext(state, [] {
    // Up to 1e6/s over ~11.6 days and back: the ramp never ends within a run.
    const std::vector<scenario::RampStage> stages = {{1'000'000'000'000, 1e6},
                                                     {1'000'000'000'000, 1e3}};
    return MakeRampSchedule(1, stages, 0, kNoEnd);
  });
}
BENCHMARK(BM_ScheduleNextRamp);

}  // namespace
}  // namespace streambench::schedule
