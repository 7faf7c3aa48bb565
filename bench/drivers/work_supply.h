// WorkSupply: the finite work of a run, when it has one (a request feed sent `once`): how many
// items it holds, how many were taken, and when the last one was. A run without one never runs
// out. The driver that has such work sets it up in Prepare, before any slot starts, and marks it
// exhausted as soon as its last item is taken; from then on the slots start no new call, stream
// or write (an open stream half-closes, its answers still awaited), and the run's phase loop ends
// the measured phase, since nothing is left to measure but the answers in flight.
// Thread-safety: Set before the slots start; everything else from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

namespace streambench::drivers {

class WorkSupply {
 public:
  // The run's work is `items` items; `taken` reports how many were handed out so far.
  void Set(uint64_t items, std::function<uint64_t()> taken) {
    items_ = items;
    taken_ = std::move(taken);
  }
  // Whether the run has finite work at all.
  bool finite() const { return items_ > 0; }
  uint64_t items() const { return items_; }
  uint64_t taken() const { return taken_ ? taken_() : 0; }

  // The last item was taken at `now_ns`; only the first mark counts.
  void MarkExhausted(int64_t now_ns) {
    int64_t none = 0;
    exhausted_at_ns_.compare_exchange_strong(none, now_ns == 0 ? 1 : now_ns,
                                             std::memory_order_acq_rel);
  }
  bool exhausted() const { return exhausted_at_ns_.load(std::memory_order_acquire) != 0; }
  // When MarkExhausted was first called (the DriverContext clock), 0 while not exhausted.
  int64_t exhausted_at_ns() const { return exhausted_at_ns_.load(std::memory_order_acquire); }

 private:
  uint64_t items_ = 0;
  std::function<uint64_t()> taken_;
  std::atomic<int64_t> exhausted_at_ns_{0};
};

}  // namespace streambench::drivers
