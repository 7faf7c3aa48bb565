// CRC-32C and payload slices: what building and verifying one message costs per payload size.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "common/crc32c.h"
#include "common/payload.h"

namespace streambench {
namespace {

void BM_Crc32c(benchmark::State& state) {
  const size_t size_bytes = static_cast<size_t>(state.range(0));
  const PayloadSource payload(size_bytes);
  const std::string_view bytes = payload.Slice(0, size_bytes);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Crc32c(bytes));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size_bytes));
}
BENCHMARK(BM_Crc32c)->Arg(64)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

// The fast path before interleaving (one crc32 chain), for the before/after ratio.
void BM_Crc32cSingleChain(benchmark::State& state) {
  const size_t size_bytes = static_cast<size_t>(state.range(0));
  const PayloadSource payload(size_bytes);
  const std::string_view bytes = payload.Slice(0, size_bytes);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Crc32cSingleChain(bytes.data(), bytes.size()));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size_bytes));
}
BENCHMARK(BM_Crc32cSingleChain)->Arg(64)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

void BM_PayloadSlice(benchmark::State& state) {
  const size_t size_bytes = static_cast<size_t>(state.range(0));
  const PayloadSource payload(size_bytes);
  uint64_t seq = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(payload.Slice(seq++, size_bytes));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PayloadSlice)->Arg(64)->Arg(1 << 20);

// Building a message's payload and its checksum (what the sender does per message); the
// receiver's verification costs the same CRC.
void BM_PayloadSliceAndCrc32c(benchmark::State& state) {
  const size_t size_bytes = static_cast<size_t>(state.range(0));
  const PayloadSource payload(size_bytes);
  uint64_t seq = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Crc32c(payload.Slice(seq++, size_bytes)));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size_bytes));
}
BENCHMARK(BM_PayloadSliceAndCrc32c)->Arg(64)->Arg(1 << 10)->Arg(64 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace streambench
