// The open-loop worker: walks its Schedule of intended send times, sleeping until each one (most
// of the gap asleep, the last ~50 us spinning, always towards an absolute time so nothing drifts),
// and hands each operation to its slots in turn. An operation keeps its intended time even when
// the worker or the stream is late, so delays show up as latency (no coordinated omission).
// Thread-safety: runs on its own thread; owns its schedule; each slot is driven by one worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/runner/dispatch_lag.h"
#include "bench/schedule/schedule.h"
#include "common/clock.h"

namespace streambench::runner {

// Waits until `clock` reaches `target_ns` or `stop` is set (checked at least every 20 ms).
// Returns false when stopped.
bool SleepUntilNs(const Clock& clock, int64_t target_ns, const std::atomic<bool>& stop);

// Returns when the schedule ends or `stop` is set. `slots` must not be empty. When `lag` is set,
// each hand-off's lateness (the clock at Submit less the intended time) is recorded in it.
void RunOpenLoopWorker(std::unique_ptr<schedule::Schedule> schedule,
                       std::vector<drivers::Slot*> slots, const Clock& clock,
                       const std::atomic<bool>& stop, DispatchLag* lag = nullptr);

}  // namespace streambench::runner
