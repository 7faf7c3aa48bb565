// The generator's periodic heap trim (bench/runner/heap_trimmer.h): how long one
// ReleaseFreeHeapPages call holds the allocator, on a quiet heap and after several threads have
// churned and freed memory in their own arenas (the state a long gRPC run leaves behind).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "bench/runner/heap_trimmer.h"

namespace streambench::runner {
namespace {

constexpr int kChurnThreads = 8;

// Each thread allocates `bytes_per_thread` in blocks of 64 B - 16 KiB, then frees all but every
// tenth block, so the freed memory sits in holes between live blocks. Returns the live blocks.
std::vector<std::vector<char*>> ChurnAndFragment(size_t bytes_per_thread) {
  std::vector<std::vector<char*>> live(kChurnThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kChurnThreads; ++t) {
    threads.emplace_back([&live, t, bytes_per_thread] {
      std::vector<char*> blocks;
      uint64_t x = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(t + 1);
      for (size_t total = 0; total < bytes_per_thread;) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const size_t size = 64 + static_cast<size_t>(x % (16 * 1024));
        char* block = new char[size];
        std::memset(block, 1, size);
        blocks.push_back(block);
        total += size;
      }
      for (size_t i = 0; i < blocks.size(); ++i) {
        if (i % 10 == 0) {
          live[t].push_back(blocks[i]);
        } else {
          delete[] blocks[i];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return live;
}

void FreeAll(std::vector<std::vector<char*>>& live) {
  for (std::vector<char*>& blocks : live) {
    for (char* block : blocks) delete[] block;
  }
}

// range(0): MiB each of the 8 threads churns before the trim; 0 = a quiet heap.
void BM_ReleaseFreeHeapPages(benchmark::State& state) {
  const size_t bytes_per_thread = static_cast<size_t>(state.range(0)) << 20;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::vector<char*>> live = ChurnAndFragment(bytes_per_thread);
    state.ResumeTiming();
    ReleaseFreeHeapPages();
    state.PauseTiming();
    FreeAll(live);
    ReleaseFreeHeapPages();  // the next iteration starts from a trimmed heap
    state.ResumeTiming();
  }
}
BENCHMARK(BM_ReleaseFreeHeapPages)->Arg(0)->Arg(1)->Arg(4)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace streambench::runner
