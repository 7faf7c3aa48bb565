// StreamIntegrity::OnMessage: the per-message integrity check on the receive path.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench/stats/integrity.h"

namespace streambench::stats {
namespace {

void BM_IntegrityOnMessageInOrder(benchmark::State& state) {
  StreamIntegrity integrity;
  uint64_t seq = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(integrity.OnMessage(seq++, true));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IntegrityOnMessageInOrder);

// Pairs swapped (1, 0, 3, 2, ...): every other message is late, the slow path.
void BM_IntegrityOnMessageSwappedPairs(benchmark::State& state) {
  StreamIntegrity integrity;
  uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(integrity.OnMessage(i ^ 1, true));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IntegrityOnMessageSwappedPairs);

}  // namespace
}  // namespace streambench::stats
