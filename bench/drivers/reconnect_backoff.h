// ReconnectBackoff: how long a slot waits before its next call or stream after a connection
// failure, so a dead server costs the generator no CPU (without it, a closed-loop slot reissues a
// call that fails at once, in a busy loop). Exponential with jitter: initial 50 ms, x1.6 per
// consecutive failure, capped at 1 s (a restarted server is found again within about a second
// while a dead one sees at most ~1 attempt per second per slot); each delay is spread uniformly
// by +-20% so slots that failed together do not retry in lockstep. Reset by a success.
// Thread-safety: thread-safe and lock-free (a slot's calls complete on several gRPC threads).
#pragma once

#include <atomic>
#include <cstdint>

namespace streambench::drivers {

struct BackoffPolicy {
  int64_t initial_ns = 50'000'000;  // delay after the first failure
  int64_t max_ns = 1'000'000'000;   // cap (before jitter)
  double multiplier = 1.6;          // growth per consecutive failure
  double jitter = 0.2;              // each delay is multiplied by a uniform [1-jitter, 1+jitter]
};

class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(uint64_t seed, BackoffPolicy policy = {})
      : policy_(policy), seed_(seed) {}

  // One more consecutive failure: the delay to wait before the next attempt, in ns.
  int64_t NextDelayNs();
  // A success: the next failure starts again from the initial delay. Cheap when already reset.
  void Reset() {
    if (failures_.load(std::memory_order_relaxed) != 0) {
      failures_.store(0, std::memory_order_relaxed);
    }
  }
  // Consecutive failures since the last reset.
  uint32_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  const BackoffPolicy policy_;
  const uint64_t seed_;
  std::atomic<uint32_t> failures_{0};
  std::atomic<uint64_t> draws_{0};  // jitter sequence position
};

}  // namespace streambench::drivers
