// Schedules: the intended send time of each operation (a message, or a call for unary and
// server_stream) in open loop. Times are absolute (nanoseconds on the run's Clock), computed from
// the operation's index, never by accumulating intervals, so they do not drift.
// Thread-safety: a Schedule is not thread-safe; each worker owns its own (with its share of the
// rate and its own random stream).
// Common rules: `end_ns` is exclusive (a time >= end_ns ends the schedule; pass INT64_MAX for no
// end); a rate <= 0 yields no times at all; Next() costs ~13 ns (constant), ~25 ns (Poisson),
// ~19 ns (ramp) and never allocates (figures in bench/RESULTS.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "bench/scenario/scenario.h"

namespace streambench::schedule {

class Schedule {
 public:
  virtual ~Schedule() = default;
  // The next intended send time in ns, or nullopt when the schedule has ended (its end time is
  // reached). Successive calls return non-decreasing times.
  virtual std::optional<int64_t> Next() = 0;
  // The target rate (operations per second) at time `now_ns`, for the live view and metrics.
  virtual double RateAtPerS(int64_t now_ns) const = 0;
};

// Evenly spaced: the n-th time is start + round(n * 1e9 / rate).
std::unique_ptr<Schedule> MakeConstantSchedule(double rate_per_s, int64_t start_ns, int64_t end_ns);

// Poisson arrivals: exponential gaps with mean 1e9 / rate ns, from a seeded generator
// (std::mt19937_64); the first time is one gap after start_ns. Same seed, same times.
std::unique_ptr<Schedule> MakePoissonSchedule(double rate_per_s, int64_t start_ns, int64_t end_ns,
                                              uint64_t seed);

// Ramp: the rate moves linearly from start_rate to each stage's target over the stage; the n-th
// time is where the integral of the rate reaches n. Ends after the last stage (or end_ns if
// earlier). Rates below 0 count as 0; a stage with zero duration is a step to its target; a
// stage at rate 0 throughout sends nothing and the next stage still starts on time. The first time
// is at start_ns (where the integral is 0), even when the start rate is 0.
std::unique_ptr<Schedule> MakeRampSchedule(double start_rate_per_s,
                                           const std::vector<scenario::RampStage>& stages,
                                           int64_t start_ns, int64_t end_ns);

// The schedule a LoadSpec describes, for one of `worker_count` workers: each worker gets
// rate / worker_count and an independent seed. Returns nullptr for closed loop.
// Constant and ramp schedules are offset by worker_index / worker_count of one operation, so the
// workers' times interleave into the single aggregate schedule instead of firing together.
// worker_count < 1 counts as 1; worker_index is clamped to [0, worker_count).
std::unique_ptr<Schedule> MakeSchedule(const scenario::LoadSpec& load, int worker_index,
                                       int worker_count, int64_t start_ns, int64_t end_ns,
                                       uint64_t seed);

}  // namespace streambench::schedule
