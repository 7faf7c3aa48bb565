// HeapTrimmer: at most one trim per interval across threads, never with interval 0, and the real
// trim hands freed pages back (RSS falls), which is what keeps a long soak's memory flat.
#include "bench/runner/heap_trimmer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/bench/runner/child_process.h"

namespace streambench::runner {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;

TEST(HeapTrimmerTest, TrimsFirstThenOncePerInterval) {
  int calls = 0;
  HeapTrimmer trimmer([&] { ++calls; });
  EXPECT_TRUE(trimmer.MaybeTrim(5 * kSecondNs, 10 * kSecondNs)) << "nothing trimmed yet";
  EXPECT_FALSE(trimmer.MaybeTrim(6 * kSecondNs, 10 * kSecondNs));
  EXPECT_FALSE(trimmer.MaybeTrim(15 * kSecondNs - 1, 10 * kSecondNs));
  EXPECT_TRUE(trimmer.MaybeTrim(15 * kSecondNs, 10 * kSecondNs));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(trimmer.trims(), 2u);
}

TEST(HeapTrimmerTest, ZeroOrNegativeIntervalNeverTrims) {
  int calls = 0;
  HeapTrimmer trimmer([&] { ++calls; });
  EXPECT_FALSE(trimmer.MaybeTrim(kSecondNs, 0));
  EXPECT_FALSE(trimmer.MaybeTrim(100 * kSecondNs, -1));
  EXPECT_EQ(calls, 0);
}

// Concurrent runs share the process's trimmer: when they all look at the same moment, one trims.
TEST(HeapTrimmerTest, ConcurrentCallersTrimOncePerInterval) {
  std::atomic<int> calls{0};
  HeapTrimmer trimmer([&] { calls.fetch_add(1); });
  for (int round = 0; round < 20; ++round) {
    const int64_t now_ns = (round + 1) * 10 * kSecondNs;
    std::atomic<int> trimmed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        if (trimmer.MaybeTrim(now_ns, 10 * kSecondNs)) trimmed.fetch_add(1);
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(trimmed.load(), 1) << "round " << round;
  }
  EXPECT_EQ(calls.load(), 20);
}

// Freed blocks below a live one stay resident (free() only gives back the top of the heap);
// ReleaseFreeHeapPages returns them.
TEST(HeapTrimmerTest, ReleaseFreeHeapPagesReturnsFreedMemoryBelowALiveBlock) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator keeps freed memory in its quarantine";
#elif !defined(__GLIBC__)
  GTEST_SKIP() << "trimming is implemented for glibc only";
#else
  constexpr size_t kBlockBytes = 64 * 1024;  // below glibc's mmap threshold: from the heap
  constexpr size_t kBlocks = 1024;           // 64 MiB
  std::vector<char*> blocks;
  blocks.reserve(kBlocks);
  for (size_t i = 0; i < kBlocks; ++i) {
    char* block = new char[kBlockBytes];
    std::memset(block, static_cast<int>(i), kBlockBytes);  // resident
    blocks.push_back(block);
  }
  // Read the blocks back so the compiler cannot drop the allocations as unused.
  volatile int sum = 0;
  for (size_t i = 0; i < kBlocks; ++i) sum = sum + blocks[i][i % kBlockBytes];
  char* keep = new char[kBlockBytes];  // above the others: free() cannot shrink the heap past it
  std::memset(keep, 1, kBlockBytes);
  for (char* block : blocks) delete[] block;
  const int64_t before_kib = testing::VmRssKiB();
  ReleaseFreeHeapPages();
  const int64_t after_kib = testing::VmRssKiB();
  delete[] keep;
  ASSERT_GT(before_kib, 0);
  EXPECT_LT(after_kib, before_kib - 32 * 1024)
      << "VmRSS " << before_kib << " KiB before the trim, " << after_kib << " KiB after";
#endif
}

}  // namespace
}  // namespace streambench::runner
