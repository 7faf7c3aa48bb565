#include "bench/runner/heap_trimmer.h"

#include <limits>
#include <utility>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace streambench::runner {

namespace {
// "Never trimmed": far enough in the past that the first call always trims.
constexpr int64_t kNever = std::numeric_limits<int64_t>::min() / 2;
}  // namespace

HeapTrimmer::HeapTrimmer(std::function<void()> trim)
    : trim_(std::move(trim)), last_trim_ns_(kNever) {}

bool HeapTrimmer::MaybeTrim(int64_t now_ns, int64_t interval_ns) {
  if (interval_ns <= 0) return false;
  int64_t last = last_trim_ns_.load(std::memory_order_relaxed);
  if (now_ns - last < interval_ns) return false;
  // Only the caller that moves the mark trims; the others see the new mark and skip.
  if (!last_trim_ns_.compare_exchange_strong(last, now_ns, std::memory_order_relaxed)) {
    return false;
  }
  trim_();
  trims_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void ReleaseFreeHeapPages() {
#if defined(__GLIBC__)
  // 0: keep no extra padding at the top of the heap. Since glibc 2.8 this also releases whole
  // free pages inside every arena, not only at the top of the main heap.
  malloc_trim(0);
#endif
}

HeapTrimmer& ProcessHeapTrimmer() {
  static HeapTrimmer trimmer(ReleaseFreeHeapPages);
  return trimmer;
}

}  // namespace streambench::runner
