// The run environment: everything a RunController reads from outside the run itself (time,
// waiting, stop requests, the process's CPU clocks, the heap trimmer, the target it dials and the
// slots that put the load on it), injected so that the phase logic can run under a fake clock
// with fake slots in tests. ProductionRunEnvironment() is the real process.
// Thread-safety: the production pieces are thread-safe (concurrent runs share them); a fake need
// only be as safe as the test that uses it (one run on one thread).
#pragma once

#include <cstdint>

#include "bench/runner/cpu_usage.h"
#include "bench/runner/heap_trimmer.h"
#include "bench/runner/run_target.h"
#include "bench/runner/slot_factory.h"
#include "common/clock.h"

namespace streambench::runner {

// Waits on the controller's thread.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Returns once `duration_ns` has passed on the environment's clock (at least; a fake may move
  // its clock by exactly that much).
  virtual void SleepNs(int64_t duration_ns) = 0;
};

// Stop requests (Ctrl-C, SIGTERM, RequestStop), counted since the process's last reset: a
// request that arrived while the run was being prepared counts too.
class StopSource {
 public:
  virtual ~StopSource() = default;
  // 0 = go on; 1 = stop the load, drain, keep the result; 2 or more = stop at once (no waiting
  // in the drain, no further runs).
  virtual int StopRequests() const = 0;
};

// The process's CPU clocks (cpu_usage.h), sampled at the edges of the measured phase.
class CpuSampler {
 public:
  virtual ~CpuSampler() = default;
  virtual CpuSample Sample() const = 0;
  virtual int UsableCores() const = 0;
};

// Not owned; every pointer must outlive the runs that use the environment.
struct RunEnvironment {
  const Clock* clock = nullptr;         // what every phase and every driver reads time from
  Sleeper* sleeper = nullptr;           // the controller's waits between polls and in the drain
  const StopSource* stop = nullptr;     // polled between sleeps
  const CpuSampler* cpu = nullptr;      // the generator's own CPU over the measured phase
  HeapTrimmer* heap_trimmer = nullptr;  // polled with the clock (RunOptions::heap_trim_interval)
  TargetProvider* targets = nullptr;    // embedded server or the scenario's addresses, with link
  SlotFactory* slots = nullptr;         // the drivers
};

// The real process: SteadyClock, std::this_thread::sleep_for, the signal counter (signals.h),
// /proc (cpu_usage.h), ProcessHeapTrimmer(), a fresh embedded server per run or the scenario's
// target (EmbeddedOrGivenTarget), and the drivers (DriverSlotFactory). Process-wide instances.
const RunEnvironment& ProductionRunEnvironment();

}  // namespace streambench::runner
