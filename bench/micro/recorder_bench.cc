// RecorderRegistry: the per-message path of a gRPC callback (find this thread's recorder, record)
// and the snapshot merge.
#include <benchmark/benchmark.h>

#include <thread>
#include <vector>

#include "bench/micro/bench_data.h"
#include "bench/stats/recorder.h"

namespace streambench::stats {
namespace {

// Shared by the benchmark threads, as the runner's registry is shared by callback threads.
RecorderRegistry& SharedRegistry() {
  static RecorderRegistry* registry = new RecorderRegistry();  // outlives every thread
  return *registry;
}

void BM_RecorderForCurrentThreadAndRecord(benchmark::State& state) {
  const auto& samples = micro::LatencySamplesNs();
  const size_t mask = samples.size() - 1;
  RecorderRegistry& registry = SharedRegistry();
  size_t i = 0;
  for (auto _ : state) {
    Recorder& r = registry.ForCurrentThread();
    r.RecordLatencyNs(Latency::kMessage, samples[i++ & mask]);
    r.AddReceived(1, 64);
  }
  state.SetItemsProcessed(state.iterations());
}
// Threads(2): the 2-core machine; per-thread recorders mean no contention between them.
BENCHMARK(BM_RecorderForCurrentThreadAndRecord)->Threads(1)->Threads(2)->UseRealTime();

void BM_RecorderForCurrentThreadOnly(benchmark::State& state) {
  RecorderRegistry& registry = SharedRegistry();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&registry.ForCurrentThread());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecorderForCurrentThreadOnly);

// A snapshot over state.range(0) recorders, each with data in every latency kind.
void BM_RegistryTakeSnapshot(benchmark::State& state) {
  RecorderRegistry registry;
  const int recorders = static_cast<int>(state.range(0));
  std::vector<std::thread> threads;
  for (int t = 0; t < recorders; ++t) {
    threads.emplace_back([&registry] {
      Recorder& r = registry.ForCurrentThread();
      for (int k = 0; k < static_cast<int>(Latency::kCount); ++k) {
        for (int64_t v : micro::LatencySamplesNs()) r.RecordLatencyNs(static_cast<Latency>(k), v);
      }
    });
  }
  for (auto& th : threads) th.join();
  int64_t now = 0;
  for (auto _ : state) {
    Snapshot s = registry.TakeSnapshot(++now);
    benchmark::DoNotOptimize(s.counters.messages_sent);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistryTakeSnapshot)->Arg(1)->Arg(4)->Arg(16);

}  // namespace
}  // namespace streambench::stats
