// CpuUsage: the generator's own CPU use over a run's measured phase, so a result can
// say when the numbers are the harness's limit rather than the server's. A sample reads the
// process's CPU clock and every thread's CPU time (/proc/self/task/*/schedstat, in ns; gRPC's
// threads included, since they run the drivers' callbacks); two samples give the CPU seconds,
// the share of the usable cores, and the busiest thread's share of one core. The generator is
// saturated when either reaches the threshold (90% by default): all cores busy, or one thread
// (an open-loop worker, a gRPC poller) that cannot go faster.
// Two samples per run, never on the hot path.
// Thread-safety: free functions; SampleCpu reads only /proc and clocks.
#pragma once

#include <cstdint>
#include <map>

#include "bench/report/result.h"

namespace streambench::runner {

struct CpuSample {
  int64_t wall_ns = 0;                       // CLOCK_MONOTONIC
  int64_t process_cpu_ns = 0;                // CLOCK_PROCESS_CPUTIME_ID (every thread)
  std::map<int64_t, int64_t> thread_cpu_ns;  // thread id -> CPU time so far
};

// The process's CPU clocks now.
CpuSample SampleCpu();

// Cores this process may run on (its affinity mask), at least 1.
int UsableCores();

// CPU use between two samples of the same process. A thread absent from `begin` started in
// between (all its CPU time counts); one absent from `end` ended and is ignored for the busiest
// thread (its time still counts in the process total). `threshold` is a share in (0, 1].
report::GeneratorCpu AssessCpu(const CpuSample& begin, const CpuSample& end, int cores,
                               double threshold = 0.9);

}  // namespace streambench::runner
