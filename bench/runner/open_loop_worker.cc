#include "bench/runner/open_loop_worker.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace streambench::runner {
namespace {

constexpr int64_t kSpinNs = 50'000;          // spin for the last 50 us: sleep is not that precise
constexpr int64_t kMaxSleepNs = 20'000'000;  // wake at least every 20 ms to look at `stop`

}  // namespace

bool SleepUntilNs(const Clock& clock, int64_t target_ns, const std::atomic<bool>& stop) {
  while (true) {
    if (stop.load(std::memory_order_relaxed)) return false;
    const int64_t remaining = target_ns - clock.NowNs();
    if (remaining <= 0) return true;
    if (remaining > kSpinNs) {
      std::this_thread::sleep_for(
          std::chrono::nanoseconds(std::min(remaining - kSpinNs, kMaxSleepNs)));
    } else {
      std::this_thread::yield();
    }
  }
}

void RunOpenLoopWorker(std::unique_ptr<schedule::Schedule> schedule,
                       std::vector<drivers::Slot*> slots, const Clock& clock,
                       const std::atomic<bool>& stop, DispatchLag* lag) {
  if (schedule == nullptr || slots.empty()) return;
  size_t next_slot = 0;
  while (true) {
    const std::optional<int64_t> intended = schedule->Next();
    if (!intended) return;
    if (!SleepUntilNs(clock, *intended, stop)) return;
    if (lag != nullptr && *intended >= lag->count_from_ns) lag->Record(clock.NowNs() - *intended);
    slots[next_slot]->Submit(*intended);
    next_slot = next_slot + 1 == slots.size() ? 0 : next_slot + 1;
  }
}

}  // namespace streambench::runner
