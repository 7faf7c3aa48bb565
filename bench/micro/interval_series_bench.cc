// The per-second series (report::IntervalSeries): what the run controller's once-a-second tick
// pays for it, a snapshot merged over the recorders and differenced against the previous one.
// The recording threads pay nothing: Recorder's hot path (recorder_bench.cc) is untouched.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "bench/micro/bench_data.h"
#include "bench/report/interval_series.h"
#include "bench/stats/recorder.h"

namespace streambench::report {
namespace {

// One tick over state.range(0) recorders, each with a second's worth of message latencies.
void BM_IntervalSeriesTick(benchmark::State& state) {
  stats::RecorderRegistry registry;
  const int recorders = static_cast<int>(state.range(0));
  std::vector<std::thread> threads;
  for (int t = 0; t < recorders; ++t) {
    threads.emplace_back([&registry] {
      stats::Recorder& r = registry.ForCurrentThread();
      for (int64_t v : micro::LatencySamplesNs()) r.RecordLatencyNs(stats::Latency::kMessage, v);
    });
  }
  for (auto& th : threads) th.join();
  IntervalSeries series;
  stats::Snapshot snapshot;
  int64_t now_ns = 0;
  registry.TakeSnapshotInto(now_ns, &snapshot);
  series.Begin(snapshot);
  for (auto _ : state) {
    now_ns += 1'000'000'000;
    registry.TakeSnapshotInto(now_ns, &snapshot);
    series.Add(snapshot);
  }
  benchmark::DoNotOptimize(series.Take());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IntervalSeriesTick)->Arg(1)->Arg(4);

}  // namespace
}  // namespace streambench::report
