// HeapTrimmer: hands the allocator's free pages back to the operating system at most once per
// interval, process-wide. Why: with glibc malloc, gRPC's per-call arenas and message buffers
// churn through many per-thread arenas, and freed memory stays resident in holes the allocator
// keeps. Over a 10-minute soak that retention, not live data, made the generator's RSS grow ~5 %
// (heaptrack showed a flat live heap); trimming every 10 s keeps RSS near what is really in use.
// A trim walks each arena under that arena's lock (microseconds on a quiet heap, up to ~2 ms after
// heavy churn; bench/RESULTS.md "Soak"), so it runs on the run controller's thread, never on a
// gRPC callback thread.
// Thread-safety: MaybeTrim may be called from any thread; concurrent runs share one trimmer and
// at most one of them trims per interval.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace streambench::runner {

class HeapTrimmer {
 public:
  // `trim` does the work (injected by tests); the default is ReleaseFreeHeapPages.
  explicit HeapTrimmer(std::function<void()> trim);

  // Trims when `interval_ns` > 0 and at least that long has passed since the last trim (or none
  // has happened yet); returns whether this call trimmed.
  bool MaybeTrim(int64_t now_ns, int64_t interval_ns);

  uint64_t trims() const { return trims_.load(std::memory_order_relaxed); }

 private:
  std::function<void()> trim_;
  std::atomic<int64_t> last_trim_ns_;
  std::atomic<uint64_t> trims_{0};
};

// malloc_trim(0) where the C library has it (glibc); nothing elsewhere.
void ReleaseFreeHeapPages();

// The process's trimmer, shared by every RunController.
HeapTrimmer& ProcessHeapTrimmer();

}  // namespace streambench::runner
