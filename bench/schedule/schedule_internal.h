// Factories shared between the schedule implementation files (not part of the public API).
// Thread-safety: as Schedule (each instance owned by one worker).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "bench/schedule/schedule.h"

namespace streambench::schedule {

// Constant rate shifted by `phase` (in [0, 1)) of an interval: the n-th time is
// start + round((n + phase) * 1e9 / rate). Workers sharing an aggregate rate get phases
// worker_index / worker_count so their sends interleave instead of coinciding.
std::unique_ptr<Schedule> MakeConstantScheduleWithPhase(double rate_per_s, double phase,
                                                        int64_t start_ns, int64_t end_ns);

// Ramp whose n-th time is where the integral of the rate reaches n + phase (phase in [0, 1)).
std::unique_ptr<Schedule> MakeRampScheduleWithPhase(double start_rate_per_s,
                                                    const std::vector<scenario::RampStage>& stages,
                                                    double phase, int64_t start_ns, int64_t end_ns);

// A 64-bit mix (SplitMix64's finalizer) to derive independent per-worker seeds from one seed.
uint64_t MixSeed(uint64_t x);

}  // namespace streambench::schedule
