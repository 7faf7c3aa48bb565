// DispatchLag: how far behind their schedule the open-loop workers hand operations to their
// slots. That lateness is the generator's own (sleep precision, CPU, the hand-off itself), never
// the target's: Submit does not wait for the target (a full slot queue drops the operation). A
// worker that cannot keep its schedule falls further behind with every operation, so most of its
// hand-offs are late; one descheduled now and then by a busy machine catches up at once, so few
// are. Most hand-offs late means the generator is saturated even when no CPU figure says so (its
// threads wait for a core that other processes hold).
// Thread-safety: one DispatchLag per worker, written by that worker only and read after it is
// joined; the free functions are pure.
#pragma once

#include <cstdint>

#include "bench/report/result.h"

namespace streambench::runner {

// A hand-off this much after its intended time counts as behind: far above the worker's own
// precision (it spins the last 50 us), and above the occasional scheduling delay of a busy host
// only rarely.
inline constexpr int64_t kDispatchBehindNs = 1'000'000;
// The share of hand-offs behind at which the generator counts as saturated.
inline constexpr double kSaturatedBehindFraction = 0.5;

// A cache line of its own: each worker writes its own on every operation.
struct alignas(64) DispatchLag {
  // Operations intended before this (Clock ns; the warm-up's) are handed over but not counted:
  // the verdict is about the measured phase, and the warm-up, when streams open, is the slowest.
  int64_t count_from_ns = INT64_MIN;
  uint64_t dispatched = 0;  // operations handed to a slot
  uint64_t behind = 0;      // of them, handed over more than kDispatchBehindNs late
  int64_t max_late_ns = 0;  // the latest hand-off

  void Record(int64_t late_ns) {
    ++dispatched;
    if (late_ns > kDispatchBehindNs) ++behind;
    if (late_ns > max_late_ns) max_late_ns = late_ns;
  }
  void Add(const DispatchLag& other);
  double BehindFraction() const;  // 0 when nothing was dispatched
};

// Adds the workers' lateness to the generator's CPU assessment: sets dispatch_behind_fraction,
// and saturated when it reaches kSaturatedBehindFraction (a closed-loop run dispatches nothing
// and is judged by its CPU alone).
void ApplyDispatchLag(const DispatchLag& lag, report::GeneratorCpu* generator);

}  // namespace streambench::runner
